"""A contact as each reader reads it: staff everything the contact page and the staff API view show, read in one
transaction with the audit events of the read; a partner its own contact's state and the feedback meant for it.

The records carry the stored objects; the API dumps the same record through the schema of the caller's role, and
the web page renders it. A record reads through to its contact for the contact's own fields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from mash.db import utcnow
from mash.models import Child, Contact, Decision, Feedback, Flag, Oversight, Recommendation, SharingRecord
from mash.problems import ContactNotFound
from mash.services import audit, contacts, decisions, feedback, flags, matching, restriction, screening, sharing
from mash.services.callers import Caller, Permission
from mash.services.contacts import load_contact
from mash.services.listing import ListedContact, ReadsThrough, ShownRecommendation
from mash.services.restriction import Placed


@dataclass(frozen=True)
class ContactRow(ListedContact):
    """A contact as a list shows it, or as its partner reads it: with the feedback shown to the reader, if any."""

    contact: Contact
    feedback: Feedback | None = None


@dataclass(frozen=True)
class RowPage:
    """One page of contacts and the cursor for the next."""

    items: list[ContactRow]
    next_cursor: str | None


@dataclass(frozen=True)
class ChildRead(ReadsThrough):
    """A child of the contact and the earlier records that may be the same child."""

    _through = "child"
    child: Child
    matches: list[dict[str, Any]]


@dataclass(frozen=True)
class Consent:
    """Whether the family consented to the contact, and why not."""

    status: str
    reason: str | None


@dataclass(frozen=True)
class Reads:
    """How often staff have read the contact, and when last."""

    views: int
    last_viewed_at: datetime


@dataclass(frozen=True)
class Ledger:
    """The information-sharing records of a contact, and per agency the state of its latest request."""

    records: list[SharingRecord]
    summaries: list[dict[str, Any]]


@dataclass(frozen=True)
class StaffRecord(ReadsThrough):
    """One contact with its recommendation, decisions, matches, feedback, flags, ledger and how often it was read."""

    _through = "contact"
    contact: Contact
    recommendation: ShownRecommendation | None
    decisions: list[Decision]
    oversight: list[Oversight]
    matches: dict[str, list[dict[str, Any]]]
    feedback: Feedback | None
    flags: list[Flag]
    ledger: Ledger | None
    views: int
    last_viewed_at: datetime
    opened_until: datetime | None

    @property
    def children(self) -> list[ChildRead]:
        """Return the contact's children, each with its possible matches."""
        return [ChildRead(child, self.matches[child.id]) for child in self.contact.children]

    @property
    def concerns(self) -> Contact:
        """Return what the contact is about (its categories, indicators, summary, worries, strengths and needs)."""
        return self.contact

    @property
    def consent(self) -> Consent:
        """Return the family's consent to the contact."""
        return Consent(self.contact.consent_status, self.contact.consent_reason)

    @property
    def decision(self) -> Decision | None:
        """Return the latest decision, or None."""
        return self.decisions[-1] if self.decisions else None

    @property
    def audit(self) -> Reads:
        """Return how often the contact was read, this read included."""
        return Reads(self.views, self.last_viewed_at)

    @property
    def restriction(self) -> Placed | None:
        """Return why and since when the contact is restricted, or None."""
        return Placed.of(self.contact)


def _shown(found: tuple[Recommendation, str | None] | None) -> ShownRecommendation | None:
    return ShownRecommendation(*found) if found else None


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
        recommendation=_shown(screening.get_recommendation(session, contact.id)),
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


def read(session: Session, caller: Caller, contact_id: str) -> StaffRecord | ContactRow:
    """Return a contact as the caller reads it and record the read: a partner its own organisation's contact with the
    feedback meant for it, staff all of it (`read_for_staff`)."""
    if not caller.is_partner:
        return read_for_staff(session, caller, contact_id)
    contact = contacts.get_contact(session, caller, contact_id)
    return ContactRow(contact, feedback.shown_to(session, caller, [contact.id]).get(contact.id))


def list_for(session: Session, caller: Caller, **query: Any) -> RowPage:
    """List contacts as `contacts.list_contacts` does; a partner's each with the feedback meant for it."""
    page = contacts.list_contacts(session, caller, **query)
    told = feedback.shown_to(session, caller, [c.id for c in page.items]) if caller.is_partner else {}
    return RowPage([ContactRow(c, told.get(c.id)) for c in page.items], page.next_cursor)
