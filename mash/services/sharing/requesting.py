"""Asking partner agencies what they hold about a contact's child: one recorded request per agency, queued for the
`request_check` job, due by a time the contact's RAG sets; and marking the requests that are past it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from integrations import AGENCIES
from mash.db import utcnow
from mash.job_names import REQUEST_CHECK
from mash.models import Child, Contact, Recommendation, SharingRecord
from mash.problems import ContactNotFound, InvalidFields
from mash.screening.clock import WorkingCalendar
from mash.services import audit, outbox, partner_checks, restriction
from mash.services.callers import Caller, Permission
from mash.services.sharing.shares import NOT_CONFIGURED, Share, failure_summary, new_record, required_text
from mash.settings import Settings

UNSCREENED_RAG = "amber"
SCREENING_LEGAL_BASIS = "UK GDPR Art 6(1)(e); DPA 2018 Sch 1 para 18 (safeguarding of children)"
SCREENING_WITHOUT_CONSENT = "Automatic MASH check: sharing to safeguard a child does not depend on consent"


class WithoutConsentReasonRequired(InvalidFields):
    slug, title = "without-consent-reason-required", "Sharing without the family's consent needs a reason"


class ChildNotOnContact(InvalidFields):
    slug, title = "child-not-on-contact", "The child is not on this contact"


@cache
def _calendar() -> WorkingCalendar:
    return WorkingCalendar()


def _agencies(agencies: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(agencies))
    unknown = [agency for agency in wanted if agency not in AGENCIES]
    if not wanted or unknown:
        raise InvalidFields(
            "Name at least one partner agency, each one of: " + ", ".join(AGENCIES) + ".",
            errors={"agencies": [f"Must be a list drawn from: {', '.join(AGENCIES)}."]},
        )
    return wanted


def _reason(contact: Contact, without_consent_reason: str | None) -> str | None:
    reason = (without_consent_reason or "").strip() or None
    if contact.consent_status != "given" and reason is None:
        raise WithoutConsentReasonRequired(
            f"Consent to share is '{contact.consent_status}': say why sharing without it is justified.",
            errors={"without_consent_reason": ["Required unless the family gave consent to share."]},
        )
    return reason


def _request(
    session: Session,
    contact: Contact,
    child: Child | None,
    share: Share,
    agencies: list[str],
    rag: str,
    settings: Settings,
    now: datetime,
) -> list[SharingRecord]:
    due = _calendar().decision_due_by(now, rag, settings.checks_timescales)
    records = []
    for agency in agencies:
        configured = partner_checks.is_configured(settings, agency)
        record = new_record(
            contact,
            agency,
            "requested",
            share,
            now,
            child_id=child.id if child else None,
            due_by=due,
            status="pending" if configured else NOT_CONFIGURED,
            last_error=None if configured else NOT_CONFIGURED,
            summary=None if configured else failure_summary(agency, NOT_CONFIGURED, 0),
        )
        session.add(record)
        if configured:
            outbox.add(session, REQUEST_CHECK, record.id, now=now)
        records.append(record)
    return records


def _load_contact(session: Session, contact_id: str) -> Contact:
    contact = session.execute(
        select(Contact).where(Contact.id == contact_id).options(selectinload(Contact.children))
    ).scalar_one_or_none()
    if contact is None:
        raise ContactNotFound(f"No contact {contact_id} that you may see.")
    return contact


def _child(contact: Contact, child_id: str | None) -> Child | None:
    if child_id is None:
        return contact.children[0] if contact.children else None
    for child in contact.children:
        if child.id == child_id:
            return child
    raise ChildNotOnContact(
        "Name a child on this contact, or leave child_id out to ask about the first child.",
        errors={"child_id": ["Not a child on this contact."]},
    )


def request_checks(
    session: Session,
    caller: Caller,
    contact_id: str,
    agencies: Sequence[str],
    purpose: str,
    legal_basis: str,
    without_consent_reason: str | None,
    settings: Settings,
    *,
    child_id: str | None = None,
) -> list[SharingRecord]:
    """Ask partner agencies what they hold about a contact's child: one recorded, queued request per agency."""
    caller.require(Permission.SHARE_INFORMATION)
    wanted = _agencies(agencies)
    purpose, legal_basis = required_text(purpose=purpose, legal_basis=legal_basis)
    now = utcnow()
    with restriction.guarded(session, caller):
        contact = _load_contact(session, contact_id)
        restriction.require_open(session, caller, contact)
        child = _child(contact, child_id)
        share = Share(purpose, legal_basis, _reason(contact, without_consent_reason), caller.user_id)
        rag = session.execute(select(Recommendation.rag).where(Recommendation.contact_id == contact.id)).scalar()
        records = _request(session, contact, child, share, wanted, rag or UNSCREENED_RAG, settings, now)
        detail = {"agencies": wanted}
        audit.record(session, caller, "sharing.requested", [contact.id], detail=detail, at=now)
    return records


def request_screening_checks(
    session: Session,
    contact: Contact,
    outcome: str,
    rag: str,
    agencies: Iterable[str],
    settings: Settings,
    now: datetime,
) -> list[SharingRecord]:
    """Request the checks a screening recommendation needs, inside the screening's own transaction."""
    wanted = [agency for agency in AGENCIES if agency in set(agencies)]
    if not wanted:
        return []
    reason = None if contact.consent_status == "given" else SCREENING_WITHOUT_CONSENT
    share = Share(f"MASH screening: {outcome.replace('_', ' ')} recommended", SCREENING_LEGAL_BASIS, reason, None)
    records = _request(session, contact, _child(contact, None), share, wanted, rag, settings, now)
    audit.record(session, None, "sharing.requested", [contact.id], detail={"agencies": wanted}, at=now)
    return records


def mark_overdue(session: Session, now: datetime) -> int:
    """Mark pending requests past their due time overdue (they can still be answered); return how many."""
    with session.begin():
        rows = session.execute(
            select(SharingRecord.id, SharingRecord.contact_id).where(
                SharingRecord.direction == "requested", SharingRecord.status == "pending", SharingRecord.due_by < now
            )
        ).all()
        if not rows:
            return 0
        session.execute(
            update(SharingRecord)
            .where(SharingRecord.id.in_([row.id for row in rows]), SharingRecord.status == "pending")
            .values(status="overdue")
            .execution_options(synchronize_session=False)
        )
        audit.record(session, None, "sharing.overdue", sorted({row.contact_id for row in rows}), at=now)
    return len(rows)
