"""Information sharing: MASH checks with partner agencies, their answers, disclosures, and the ledger of them all.

Every share is a record. Asking an agency is a `requested` record (purpose, legal basis, consent, a due time set
by the contact's RAG) with an outbox item for the `request_check` job; the answer is a `received` record linked
to it; what the MASH tells others is a `disclosed` record written in the disclosing action's own transaction.
Partner calls happen in jobs, outside any transaction: a partner that cannot answer now raises so that RQ
retries, a permanent refusal is recorded at once, and a circuit breaker kept in the database stops every
worker (and every forked work-horse) calling a partner that keeps failing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from integrations import (
    AGENCIES,
    CheckResult,
    PartnerNotConfigured,
    PartnerRejected,
    PartnerResponseInvalid,
    PartnerUnavailable,
    Subject,
    SubjectIncomplete,
)
from mash.db import new_id, utcnow
from mash.job_names import REQUEST_CHECK
from mash.models import Child, Contact, Recommendation, SharingRecord
from mash.models.sharing import DIRECTIONS, OPEN_STATUSES
from mash.problems import ContactNotFound, InvalidFields
from mash.screening.clock import WorkingCalendar
from mash.services import audit, outbox, partner_checks, partner_facts, restriction
from mash.services.callers import Caller, Permission
from mash.services.partner_checks import Clock
from mash.settings import Settings

UNSCREENED_RAG = "amber"
NOT_CONFIGURED = "not_configured"
SCREENING_LEGAL_BASIS = "UK GDPR Art 6(1)(e); DPA 2018 Sch 1 para 18 (safeguarding of children)"
SCREENING_WITHOUT_CONSENT = "Automatic MASH check: sharing to safeguard a child does not depend on consent"
PERMANENT_ERRORS = (PartnerRejected, PartnerResponseInvalid, PartnerNotConfigured, SubjectIncomplete)
FAILURE_SUMMARIES = {
    NOT_CONFIGURED: "Not requested: no {agency} system is configured for MASH checks.",
    "PartnerNotConfigured": "Not requested: no {agency} system is configured for MASH checks.",
    "PartnerRejected": "The {agency} system refused the request.",
    "PartnerResponseInvalid": "The {agency} system answered with something that could not be read.",
    "SubjectIncomplete": "The child's details are not enough for a {agency} search.",
    "PartnerUnavailable": "The {agency} system could not be reached after {attempts} attempts.",
}
# An answer repeats its request's who, what, why and when, so that every record reads on its own.
COPIED_TO_ANSWER = (
    "contact_id",
    "child_id",
    "agency",
    "purpose",
    "legal_basis",
    "consent_status",
    "without_consent_reason",
    "requested_by",
    "requested_at",
    "due_by",
)


@dataclass(frozen=True)
class Share:
    """Why information is shared, on what legal basis, why without consent if so, and who asked (None: screening)."""

    purpose: str
    legal_basis: str
    without_consent_reason: str | None
    requested_by: str | None


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


def _required_text(**values: str | None) -> list[str]:
    blank = [name for name, value in values.items() if not (value or "").strip()]
    if blank:
        raise InvalidFields(
            "Every share needs " + " and ".join(blank) + ".",
            errors={name: ["Required: every share is recorded with it."] for name in blank},
        )
    return [str(value).strip() for value in values.values()]


def _reason(contact: Contact, without_consent_reason: str | None) -> str | None:
    reason = (without_consent_reason or "").strip() or None
    if contact.consent_status != "given" and reason is None:
        raise WithoutConsentReasonRequired(
            f"Consent to share is '{contact.consent_status}': say why sharing without it is justified.",
            errors={"without_consent_reason": ["Required unless the family gave consent to share."]},
        )
    return reason


def _failure_summary(agency: str, error: str, attempts: int) -> str:
    template = FAILURE_SUMMARIES.get(error, "The {agency} check failed.")
    return template.format(agency=agency, attempts=attempts)


def _record(contact: Contact, agency: str, direction: str, share: Share, now: datetime, **fields: Any) -> SharingRecord:
    return SharingRecord(
        id=new_id(),
        contact_id=contact.id,
        agency=agency,
        direction=direction,
        purpose=share.purpose,
        legal_basis=share.legal_basis,
        consent_status=contact.consent_status,
        without_consent_reason=share.without_consent_reason,
        requested_by=share.requested_by,
        requested_at=now,
        attempts=0,
        **fields,
    )


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
        record = _record(
            contact,
            agency,
            "requested",
            share,
            now,
            child_id=child.id if child else None,
            due_by=due,
            status="pending" if configured else NOT_CONFIGURED,
            last_error=None if configured else NOT_CONFIGURED,
            summary=None if configured else _failure_summary(agency, NOT_CONFIGURED, 0),
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
    purpose, legal_basis = _required_text(purpose=purpose, legal_basis=legal_basis)
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


def _lock(session: Session, record_id: str) -> SharingRecord | None:
    query = select(SharingRecord).where(SharingRecord.id == record_id).execution_options(populate_existing=True)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def _subject(session: Session, record: SharingRecord) -> Subject:
    child = session.get(Child, record.child_id) if record.child_id else None
    if child is None:
        first = select(Child).where(Child.contact_id == record.contact_id).order_by(Child.position).limit(1)
        child = session.execute(first).scalar_one()
    return partner_checks.subject_of(child)


def perform_check(session: Session, record_id: str, settings: Settings, *, clock: Clock = utcnow) -> bool:
    """Ask the partner for one requested check and record its answer; return whether an answer was recorded."""
    with session.begin():
        record = _lock(session, record_id)
        if record is None or record.direction != "requested" or record.status not in OPEN_STATUSES:
            outbox.complete(session, REQUEST_CHECK, record_id)
            return False
        agency = record.agency
        subject = _subject(session, record)
    try:
        result = partner_checks.ask(session, agency, subject, settings, clock)
    except PartnerUnavailable as exc:
        _note_attempt(session, record_id, type(exc).__name__)
        raise
    except PERMANENT_ERRORS as exc:
        _fail(session, record_id, type(exc).__name__, clock(), attempted=True)
        return False
    return _answer(session, record_id, result, clock())


def _note_attempt(session: Session, record_id: str, error: str) -> None:
    with session.begin():
        record = _lock(session, record_id)
        if record is not None and record.status in OPEN_STATUSES:
            record.attempts += 1
            record.last_error = error[:60]


def record_answer(
    session: Session, caller: Caller | None, request: SharingRecord, summary: str, now: datetime, **audit_detail: str
) -> SharingRecord:
    """Close a request as answered and record the answer beside it (inside the caller's transaction), audited."""
    request.status, request.answered_at, request.last_error = "answered", now, None
    copied = {name: getattr(request, name) for name in COPIED_TO_ANSWER}
    answer = SharingRecord(
        id=new_id(),
        direction="received",
        status="answered",
        answered_at=now,
        summary=summary,
        attempts=0,
        request_id=request.id,
        **copied,
    )
    session.add(answer)
    outbox.complete(session, REQUEST_CHECK, request.id, now=now)
    detail = {"agency": request.agency, **audit_detail}
    audit.record(session, caller, "sharing.received", [request.contact_id], detail=detail, at=now)
    return answer


def _answer(session: Session, record_id: str, result: CheckResult, now: datetime) -> bool:
    with session.begin():
        record = _lock(session, record_id)
        if record is None or record.status not in OPEN_STATUSES:
            outbox.complete(session, REQUEST_CHECK, record_id, now=now)
            return False
        record.attempts += 1
        record_answer(session, None, record, result.summary, now)
        found = partner_facts.facts_to_indicators(record.agency, result.facts)
        partner_facts.record(session, record.contact_id, record.agency, found, now)
    return True


def _fail(session: Session, record_id: str, error: str, now: datetime, *, attempted: bool) -> None:
    with session.begin():
        record = _lock(session, record_id)
        if record is None or record.status not in OPEN_STATUSES:
            return
        if attempted:
            record.attempts += 1
        record.status, record.last_error = "failed", error[:60]
        record.summary = _failure_summary(record.agency, error, record.attempts)
        outbox.fail(session, REQUEST_CHECK, record.id, error, now=now)
        detail = {"agency": record.agency, "error": error[:60]}
        audit.record(session, None, "sharing.failed", [record.contact_id], detail=detail, at=now)


def check_failed(session: Session, record_id: str, error: str) -> None:
    """Mark a check whose retries are all spent as failed, so that it stays visible (the job's failure handler)."""
    _fail(session, record_id, error, utcnow(), attempted=False)


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


def record_disclosure(
    session: Session,
    caller: Caller | None,
    contact_id: str,
    agency: str,
    purpose: str,
    legal_basis: str,
    summary: str,
    *,
    without_consent_reason: str | None = None,
    at: datetime | None = None,
) -> SharingRecord:
    """Record what the MASH disclosed to another agency, inside the transaction of the action that discloses."""
    agency, purpose, legal_basis, summary = _required_text(
        agency=agency, purpose=purpose, legal_basis=legal_basis, summary=summary
    )
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise ContactNotFound(f"No contact {contact_id}.")
    now = at or utcnow()
    reason = (without_consent_reason or "").strip() or None
    share = Share(purpose, legal_basis, reason, caller.user_id if caller else None)
    record = _record(contact, agency[:40], "disclosed", share, now, status="answered", answered_at=now, summary=summary)
    session.add(record)
    audit.record(session, caller, "sharing.disclosed", [contact.id], detail={"agency": record.agency}, at=now)
    return record


def records(session: Session, contact_id: str) -> list[SharingRecord]:
    """Return a contact's records, each answer after its request, inside the caller's transaction."""
    found = session.execute(select(SharingRecord).where(SharingRecord.contact_id == contact_id)).scalars()
    return sorted(found, key=lambda r: (r.requested_at, *_agency_order(r.agency), DIRECTIONS.index(r.direction), r.id))


def _agency_order(agency: str) -> tuple[int, str]:
    return (AGENCIES.index(agency) if agency in AGENCIES else len(AGENCIES), agency)


def ledger(session: Session, caller: Caller, contact_id: str) -> list[SharingRecord]:
    """Return every information-sharing record of a contact for MASH staff, and record that they read it (a restricted
    contact's only to a caseworker who opened it by break-glass)."""
    caller.require(Permission.READ_SHARING_LEDGER)
    with restriction.guarded(session, caller):
        contact = session.get(Contact, contact_id)
        if contact is None:
            raise ContactNotFound(f"No contact {contact_id} that you may see.")
        restriction.require_open(session, caller, contact)
        items = records(session, contact_id)
        audit.record(session, caller, "sharing.read", [contact_id])
    return items


def summaries(items: list[SharingRecord]) -> list[dict[str, Any]]:
    """Return, per agency asked, its latest request's state and latest answer, from a contact's `records`."""
    result = []
    for agency in sorted({r.agency for r in items if r.direction == "requested"}, key=_agency_order):
        latest = [r for r in items if r.agency == agency and r.direction == "requested"][-1]
        answers = [r for r in items if r.agency == agency and r.direction == "received"]
        answer = max(answers, key=lambda r: (r.answered_at, r.id)) if answers else None
        result.append(
            {
                "agency": agency,
                "status": latest.status,
                "requested_at": latest.requested_at,
                "due_by": latest.due_by,
                "answered_at": answer.answered_at if answer else None,
                "summary": answer.summary if answer else latest.summary,
            }
        )
    return result
