"""Restricted contacts (a member of staff or their family, a high-profile case): restricted by a screener or a manager,
lifted by a manager, and opened to a caseworker only by break-glass, with a reason, for a limited time. Each opening
and each restriction placed or lifted lands on the privacy officer's list."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from mash.db import utcnow
from mash.enums import RESTRICTION_CATEGORIES
from mash.models import Contact, PrivacyEvent, User
from mash.problems import Conflict, ContactNotFound, Forbidden, InvalidFields
from mash.services import audit, cursors
from mash.services.callers import Caller, Permission
from mash.services.contacts import lock_contact
from mash.services.listing import ReadsThrough
from mash.services.reports.period import period

MAX_REASON = 2000
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 30)


class Restricted(Forbidden):
    slug, title = "restricted", "This contact is restricted"

    def __init__(self, contact_id: str, category: str) -> None:
        super().__init__(
            "Only a caseworker who gives a reason opens a restricted contact, for a limited time (break-glass).",
            extra={"break_glass": f"/api/v1/contacts/{contact_id}/break-glass", "category": category},
        )
        self.contact_id, self.category = contact_id, category


class AlreadyRestricted(Conflict):
    slug, title = "already-restricted", "This contact is already restricted"


class NotRestricted(Conflict):
    slug, title = "not-restricted", "This contact is not restricted"


@dataclass(frozen=True)
class Placed:
    """A contact's restriction: why, since when, and who placed it."""

    category: str
    reason: str | None
    restricted_at: datetime | None
    restricted_by: str | None

    @classmethod
    def of(cls, contact: Contact) -> Placed | None:
        """Return the contact's restriction, or None when it is not restricted."""
        if contact.restriction is None:
            return None
        return cls(contact.restriction, contact.restriction_reason, contact.restricted_at, contact.restricted_by_id)


@dataclass(frozen=True)
class LogEntry(ReadsThrough):
    """One line of the privacy officer's list, with the name of who acted; reads through to the event."""

    _through = "event"
    event: PrivacyEvent
    user_name: str


@dataclass(frozen=True)
class LogPage:
    """One page of the privacy officer's list, newest first, and the cursor for the next."""

    items: list[LogEntry]
    next_cursor: str | None


def _reason_problem(reason: str, missing: str) -> list[str]:
    if not reason:
        return [missing]
    if len(reason) > MAX_REASON:
        return [f"The reason must be {MAX_REASON:,} characters or fewer"]
    return []


def _reason(text: str | None, missing: str, errors: dict[str, list[str]] | None = None) -> str:
    """Return a reason in normal form C, trimmed; refuse (422) a blank or too long one, with any other `errors`."""
    reason = unicodedata.normalize("NFC", text or "").strip()
    found = {**(errors or {}), "reason": _reason_problem(reason, missing)}
    wrong = {field: messages for field, messages in found.items() if messages}
    if wrong:
        raise InvalidFields("Fix the fields listed in errors.", errors=wrong)
    return reason


def _changed(session: Session, contact_id: str) -> Contact:
    contact = lock_contact(session, contact_id)
    if contact is None:
        raise ContactNotFound(f"No contact {contact_id}.")
    return contact


def _event(caller: Caller, contact: Contact, kind: str, at: datetime, **fields: object) -> PrivacyEvent:
    return PrivacyEvent(
        at=at,
        kind=kind,
        contact_id=contact.id,
        reference=contact.reference,
        user_id=caller.user_id,
        role=caller.role,
        **fields,
    )


def restrict(session: Session, caller: Caller, contact_id: str, category: str, reason: str | None) -> Placed:
    """Restrict a contact so that it opens to caseworkers only by break-glass; 409 if it already is."""
    caller.require(Permission.RESTRICT_CONTACT)
    unknown = category not in RESTRICTION_CATEGORIES
    choose = [f"Choose why the contact is restricted: one of {', '.join(RESTRICTION_CATEGORIES)}"] if unknown else []
    why = _reason(reason, "Enter why the contact is restricted", {"category": choose})
    now = utcnow()
    with session.begin():
        contact = _changed(session, contact_id)
        if contact.restriction is not None:
            raise AlreadyRestricted("Lift the restriction first to restrict it for another reason.")
        contact.restriction, contact.restriction_reason = category, why
        contact.restricted_at, contact.restricted_by_id = now, caller.user_id
        session.add(_event(caller, contact, "restricted", now, category=category, reason=why))
        audit.record(session, caller, "contact.restricted", [contact.id], detail={"category": category}, at=now)
    return Placed(category, why, now, caller.user_id)


def lift(session: Session, caller: Caller, contact_id: str) -> None:
    """Lift a contact's restriction (managers); 409 if it is not restricted."""
    caller.require(Permission.LIFT_RESTRICTION)
    now = utcnow()
    with session.begin():
        contact = _changed(session, contact_id)
        if contact.restriction is None:
            raise NotRestricted("There is no restriction to lift.")
        session.add(_event(caller, contact, "restriction_lifted", now, category=contact.restriction))
        contact.restriction = contact.restriction_reason = contact.restricted_at = contact.restricted_by_id = None
        audit.record(session, caller, "contact.restriction_lifted", [contact.id], at=now)


def break_glass(session: Session, caller: Caller, contact_id: str, reason: str | None, minutes: int) -> PrivacyEvent:
    """Open a restricted contact to this caseworker for some minutes, with their reason; 409 if not restricted."""
    caller.require(Permission.BREAK_GLASS)
    why = _reason(reason, "Enter why you need to open this contact")
    now = utcnow()
    with session.begin():
        contact = session.get(Contact, contact_id)
        if contact is None:
            raise ContactNotFound(f"No contact {contact_id}.")
        if contact.restriction is None:
            raise NotRestricted("This contact is not restricted: read it as any other.")
        until = now + timedelta(minutes=minutes)
        opening = _event(
            caller, contact, "break_glass", now, category=contact.restriction, reason=why, expires_at=until
        )
        session.add(opening)
        audit.record(session, caller, "contact.break_glass", [contact.id], detail={"expires_at": until.isoformat()})
    return opening


def opened_until(session: Session, caller: Caller, contact_id: str, now: datetime) -> datetime | None:
    """Return until when the caller's break-glass opening of a contact lasts, if one is open; call in a transaction."""
    until: datetime | None = session.execute(
        select(func.max(PrivacyEvent.expires_at)).where(
            PrivacyEvent.kind == "break_glass",
            PrivacyEvent.contact_id == contact_id,
            PrivacyEvent.user_id == caller.user_id,
            PrivacyEvent.expires_at > now,
        )
    ).scalar_one()
    return until


def require_open(session: Session, caller: Caller, contact: Contact) -> None:
    """Refuse (403) a restricted contact the caller has not opened by break-glass; call inside a transaction."""
    if contact.restriction and opened_until(session, caller, contact.id, utcnow()) is None:
        raise Restricted(contact.id, contact.restriction)


@contextmanager
def guarded(session: Session, caller: Caller) -> Iterator[None]:
    """Open a transaction in which `require_open` may refuse a restricted contact: the refusal rolls the transaction
    back, and is then recorded (`contact.restricted_refused`) in a transaction of its own, as a refused read is."""
    try:
        with session.begin():
            yield
    except Restricted as refused:
        with session.begin():
            audit.record(session, caller, "contact.restricted_refused", [refused.contact_id])
        raise


def closed_to(session: Session, caller: Caller, contacts: list[Contact]) -> frozenset[str]:
    """Return the ids of the restricted contacts among `contacts` that the caller has not opened by break-glass (a
    list shows them without their details); call inside a transaction."""
    now = utcnow()
    return frozenset(
        contact.id
        for contact in contacts
        if contact.restriction and opened_until(session, caller, contact.id, now) is None
    )


def privacy_log(
    session: Session,
    caller: Caller,
    *,
    start: date | datetime | None = None,
    end: date | datetime | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> LogPage:
    """List break-glass openings and restrictions placed and lifted, newest first (for the privacy officer); `start`
    and `end` are dates (both days included, as they fall in England) or date-times (`end` excluded)."""
    caller.require(Permission.READ_PRIVACY_LOG)
    span = period(start or FIRST_DAY, end or LAST_DAY)
    query = (
        select(PrivacyEvent, User.name)
        .join(User, User.id == PrivacyEvent.user_id)
        .where(PrivacyEvent.at >= span.start, PrivacyEvent.at < span.end)
    )
    if cursor:
        at, last_id = cursors.decode(cursor, datetime, str)
        query = query.where(or_(PrivacyEvent.at < at, and_(PrivacyEvent.at == at, PrivacyEvent.id < last_id)))
    query = query.order_by(PrivacyEvent.at.desc(), PrivacyEvent.id.desc()).limit(limit + 1)
    with session.begin():
        rows = session.execute(query).all()
        items = [LogEntry(event, name) for event, name in rows[:limit]]
        audit.record(session, caller, "privacy.list", sorted({entry.event.contact_id for entry in items}))
    last = items[-1].event if len(rows) > limit else None
    return LogPage(items, cursors.encode(last.at, last.id) if last else None)
