"""A contact as staff read it: everything the contact page and the staff API view show, read in one transaction
with the audit events of the read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from mash.db import utcnow
from mash.models import Contact, Decision, Feedback, Flag, Oversight, Recommendation, SharingRecord
from mash.problems import ContactNotFound
from mash.services import audit, decisions, feedback, flags, matching, restriction, screening, sharing
from mash.services.callers import Caller, Permission
from mash.services.contacts import load_contact


@dataclass(frozen=True)
class Ledger:
    """The information-sharing records of a contact, and per agency the state of its latest request."""

    records: list[SharingRecord]
    summaries: list[dict[str, Any]]


@dataclass(frozen=True)
class StaffRecord:
    """One contact with its recommendation, decisions, matches, feedback, flags, ledger and how often it was read."""

    contact: Contact
    recommendation: tuple[Recommendation, str | None] | None
    decisions: list[Decision]
    oversight: list[Oversight]
    matches: dict[str, list[dict[str, Any]]]
    feedback: Feedback | None
    flags: list[Flag]
    ledger: Ledger | None
    views: int
    last_viewed_at: datetime
    opened_until: datetime | None


def _read(session: Session, caller: Caller, contact: Contact, now: datetime, opened: datetime | None) -> StaffRecord:
    made, overseen = decisions.history(session, contact.id)
    matches = matching.matches_for(session, [child.id for child in contact.children])
    ledger = None
    if caller.may(Permission.READ_SHARING_LEDGER):
        records = sharing.records(session, contact.id)
        ledger = Ledger(records, sharing.summaries(records))
    earlier_reads = audit.read_count(session, contact.id)
    record = StaffRecord(
        contact=contact,
        recommendation=screening.get_recommendation(session, contact.id),
        decisions=made,
        oversight=overseen,
        matches=matches,
        feedback=feedback.latest_for(session, contact.id),
        flags=flags.flags_on_contact(session, contact.id),
        ledger=ledger,
        views=earlier_reads + 1,
        last_viewed_at=now,
        opened_until=opened,
    )
    audit.record(session, caller, "contact.read", [contact.id], at=now)
    revealed = sorted({match["contact_id"] for found in matches.values() for match in found} - {contact.id})
    if revealed:
        audit.record(session, caller, "contact.revealed", revealed, detail={"via": "contact.matches"}, at=now)
    return record


def read_for_staff(session: Session, caller: Caller, contact_id: str) -> StaffRecord:
    """Return a contact as a caseworker reads it, and record the read; the earlier contacts its matches name are
    recorded as revealed. The information-sharing ledger comes only to roles that may read it. A restricted contact
    opens only to a caseworker who broke the glass and whose opening has not expired: anyone else gets a 403, and
    the refusal is recorded."""
    caller.require(Permission.READ_CONTACT)
    if caller.is_partner:
        raise ContactNotFound(f"No contact {contact_id} that you may see.")
    now = utcnow()
    with session.begin():
        contact = load_contact(session, contact_id)
        if contact is None:
            raise ContactNotFound(f"No contact {contact_id} that you may see.")
        opened = restriction.opened_until(session, caller, contact.id, now) if contact.restriction else None
        if contact.restriction is None or opened is not None:
            return _read(session, caller, contact, now, opened)
        audit.record(session, caller, "contact.restricted_refused", [contact.id], at=now)
        category = contact.restriction
    raise restriction.Restricted(contact_id, category)
