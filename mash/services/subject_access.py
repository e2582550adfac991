"""A subject access export: everything the front door holds about one child, as JSON and as a printable page, for
the council's officer to review (and redact what third parties are owed) before it is disclosed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from mash.db import utcnow
from mash.models import (
    AuditEvent,
    CaseNote,
    Child,
    ChildMatch,
    Contact,
    Decision,
    Feedback,
    Flag,
    Organisation,
    Oversight,
    Recommendation,
    SharingRecord,
    User,
)
from mash.services import audit, child_search
from mash.services.legal_holds import acting_staff
from mash.services.users import UserInvalid

TEMPLATES = Path(__file__).resolve().parent.parent / "data"
CHILD_FIELDS = (
    "first_name", "last_name", "date_of_birth", "expected_date_of_delivery", "gender", "nhs_number", "address",
    "postcode", "school_or_setting", "ethnicity", "first_language", "disability",
)  # fmt: skip
SHARE_FIELDS = (
    "agency", "direction", "purpose", "legal_basis", "consent_status", "without_consent_reason", "requested_at",
    "status", "answered_at", "summary",
)  # fmt: skip


@dataclass(frozen=True)
class Export:
    """The export, the child records it covers, and those that only may be the child (left out, for a person to
    check)."""

    document: dict[str, Any]
    child_ids: list[str]
    possible: list[child_search.Found]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _row(obj: Any, *names: str) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in names}


def _confirmed_links(session: Session, child_ids: set[str]) -> set[str]:
    """Add the child records confirmed (by a screener) to be the same child, until no more are found."""
    found = set(child_ids)
    while True:
        rows = session.execute(
            select(ChildMatch.child_id, ChildMatch.known_child_id).where(
                ChildMatch.status == "confirmed",
                or_(ChildMatch.child_id.in_(found), ChildMatch.known_child_id.in_(found)),
            )
        ).all()
        more = {record for row in rows for record in row} - found
        if not more:
            return found
        found |= more


def _names(session: Session, user_ids: set[str]) -> dict[str, str]:
    rows = session.execute(
        select(User.id, User.name, Organisation.name)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(User.id.in_(user_ids))
    ).all()
    return {user_id: f"{name} ({organisation})" for user_id, name, organisation in rows}


def _contact(session: Session, contact: Contact, child: Child) -> dict[str, Any]:
    cid = contact.id
    recommendation = session.execute(select(Recommendation).where(Recommendation.contact_id == cid)).scalar()
    decisions = session.execute(select(Decision).where(Decision.contact_id == cid).order_by(Decision.decided_at))
    shares = session.execute(
        select(SharingRecord)
        .where(
            SharingRecord.contact_id == cid, or_(SharingRecord.child_id == child.id, SharingRecord.child_id.is_(None))
        )
        .order_by(SharingRecord.requested_at)
    )
    looks = session.execute(
        select(AuditEvent.at, AuditEvent.user_id, AuditEvent.role, AuditEvent.action)
        .where(AuditEvent.contact_id == cid)
        .order_by(AuditEvent.seq)
    ).all()
    flags = session.execute(select(Flag).where(Flag.contact_id == cid).order_by(Flag.raised_at)).scalars().all()
    names = _names(session, {user_id for _, user_id, _, _ in looks if user_id})
    return {
        "reference": contact.reference,
        "received_at": _plain(contact.received_at),
        "status": contact.status,
        "from": _row(contact, "organisation", "agency_type", "source_code"),
        "referrer": _row(contact.referrer, "name", "role", "organisation", "email", "phone"),
        "this_child": _row(child, "id", *CHILD_FIELDS),
        "other_children": [
            _row(c, "first_name", "last_name", "date_of_birth") for c in contact.children if c is not child
        ],
        "adults": [_row(a, "first_name", "last_name", "relationship", "date_of_birth") for a in contact.adults],
        "concerns": _row(contact, "categories", "indicators", "summary", "worries", "strengths", "needs"),
        "consent": _row(contact, "consent_status", "consent_reason"),
        "information_added": [_row(i, "added_at", "organisation", "text") for i in contact.information],
        "recommendation": recommendation
        and _row(recommendation, "outcome", "rag", "level", "reasons", "children", "rulebook_version", "screened_at"),
        "decisions": [
            _row(d, "decided_at", "role", "outcome", "rag", "rationale", "children", "override")
            for d in decisions.scalars()
        ],
        "oversight": [
            _row(o, "at", "agree", "comment")
            for o in session.execute(select(Oversight).where(Oversight.contact_id == cid)).scalars()
        ],
        "feedback": [
            _row(f, "decided_at", "outcome", "message", "channel", "status", "delivered_at")
            for f in session.execute(select(Feedback).where(Feedback.contact_id == cid)).scalars()
        ],
        "information_shared": [_row(s, *SHARE_FIELDS) for s in shares.scalars()],
        "flags": [
            {
                **_row(f, "kind", "status", "raised_at", "note", "resolved_at", "resolution_note"),
                "history": [
                    _row(e, "at", "action", "note", "consultation_date", "participants", "agreed") for e in f.events
                ],
            }
            for f in flags
        ],
        "case_notes": [
            _row(n, "at", "kind", "text")
            for n in session.execute(select(CaseNote).where(CaseNote.contact_id == cid).order_by(CaseNote.at)).scalars()
        ],
        "access_history": [
            {"at": _plain(at), "who": names.get(user_id or "", "the service itself"), "role": role, "action": action}
            for at, user_id, role, action in looks
        ],
    }


def export(
    session: Session,
    by: str,
    *,
    nhs_number: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    date_of_birth: date | None = None,
    child_id: str | None = None,
) -> Export:
    """Gather everything held about a child, found by NHS number, by name and date of birth, or by a child record's
    id, with the records confirmed to be the same child; audit the export on every contact it covers."""
    if not (nhs_number or child_id or (first_name and last_name and date_of_birth)):
        raise UserInvalid("name the child by NHS number, by first name, last name and date of birth, or by record id")
    now = utcnow()
    with session.begin():
        caller = acting_staff(session, by)
        found = child_search.candidates(
            session, first_name=first_name, last_name=last_name, date_of_birth=date_of_birth, nhs_number=nhs_number
        )
        sure = {f.child.id for f in found if f.band == "likely" or (nhs_number and f.child.nhs_number == nhs_number)}
        if child_id:
            if session.get(Child, child_id.strip()) is None:
                raise UserInvalid(f"no child record {child_id!r}")
            sure.add(child_id.strip())
        records = _confirmed_links(session, sure)
        children = (
            session.execute(select(Child).join(Contact).where(Child.id.in_(records)).order_by(Contact.received_at))
            .scalars()
            .all()
        )
        contacts = [_contact(session, child.contact, child) for child in children]
        contact_ids = [child.contact_id for child in children]
        document = {
            "exported_at": _plain(now),
            "exported_by": caller.name,
            "child_records": sorted(records),
            "contacts": contacts,
        }
        if contact_ids:
            audit.record(session, caller, "sar.export", contact_ids, detail={"child_records": sorted(records)}, at=now)
    possible = [f for f in found if f.child.id not in records]
    return Export(document, sorted(records), possible)


def render_html(document: dict[str, Any], council: str) -> str:
    """Render the export as a plain, printable page; every value is escaped."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), keep_trailing_newline=True
    )
    return environment.get_template("subject_access.html").render(document=document, council=council)
