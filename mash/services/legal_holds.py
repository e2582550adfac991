"""Legal holds: a contact (and so its children) that must not be destroyed while a claim, complaint, inquiry or
request is open, whatever its retention class says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from mash.db import read_only, utcnow
from mash.enums import STAFF_ROLES
from mash.models import Contact, LegalHold, User
from mash.services import audit
from mash.services.accounts import normalise_email
from mash.services.callers import Caller
from mash.services.users import UserInvalid


@dataclass(frozen=True)
class Hold:
    """A hold as the administrator sees it: which contact, why, who placed it and when, and whether it was lifted."""

    id: str
    reference: str
    reason: str
    placed_by: str
    placed_at: datetime
    lifted_at: datetime | None


def acting_staff(session: Session, email_or_name: str) -> Caller:
    """Return the active staff account a command acts for (named by its email or name), inside the transaction."""
    key = email_or_name.strip()
    found = list(
        session.execute(select(User).where(or_(User.email == normalise_email(key), User.name == key))).scalars()
    )
    if len(found) != 1:
        raise UserInvalid(f"no single user is called {key!r}" if found else f"no user {key!r}")
    if found[0].role not in STAFF_ROLES or not found[0].active:
        raise UserInvalid(f"{key!r} is not an active member of staff")
    return Caller.of(found[0])


def find_contact(session: Session, key: str) -> Contact:
    """Return the contact with this reference or id, inside the transaction; UserInvalid if there is none."""
    contact = session.execute(
        select(Contact).where(or_(Contact.reference == key.strip().upper(), Contact.id == key.strip()))
    ).scalar_one_or_none()
    if contact is None:
        raise UserInvalid(f"no contact with the reference or id {key!r}")
    return contact


def _reason(reason: str) -> str:
    if not reason.strip():
        raise UserInvalid("a hold needs a reason (the claim, complaint, inquiry or request it is for)")
    return reason.strip()


def place(session: Session, contact_key: str, reason: str, by: str) -> LegalHold:
    """Place a hold on a contact, with the reason and the member of staff who placed it; audited."""
    now = utcnow()
    with session.begin():
        caller = acting_staff(session, by)
        contact = find_contact(session, contact_key)
        hold = LegalHold(contact_id=contact.id, reason=_reason(reason), placed_by=caller.user_id, placed_at=now)
        session.add(hold)
        session.flush()
        audit.record(session, caller, "retention.hold", [contact.id], detail={"hold_id": hold.id}, at=now)
    return hold


def lift(session: Session, hold_id: str, reason: str, by: str) -> LegalHold:
    """Lift a hold, with the reason and the member of staff who lifted it; audited. The contact's other holds stay."""
    now = utcnow()
    with session.begin():
        caller = acting_staff(session, by)
        hold = session.get(LegalHold, hold_id.strip(), with_for_update=True)
        if hold is None:
            raise UserInvalid(f"no legal hold {hold_id!r}")
        if hold.lifted_at is not None:
            raise UserInvalid(f"the hold {hold.id} was lifted on {hold.lifted_at.date().isoformat()}")
        hold.lifted_at, hold.lifted_by, hold.lift_reason = now, caller.user_id, _reason(reason)
        audit.record(session, caller, "retention.hold_lifted", [hold.contact_id], detail={"hold_id": hold.id}, at=now)
    return hold


def list_holds(session: Session, *, include_lifted: bool = False) -> list[Hold]:
    """Return the holds in force (and the lifted ones, when asked), oldest first."""
    with session.begin():
        read_only(session)
        query = (
            select(LegalHold, Contact.reference, User.name)
            .join(Contact, Contact.id == LegalHold.contact_id)
            .join(User, User.id == LegalHold.placed_by)
            .order_by(LegalHold.placed_at)
        )
        if not include_lifted:
            query = query.where(LegalHold.lifted_at.is_(None))
        return [
            Hold(hold.id, reference, hold.reason, name, hold.placed_at, hold.lifted_at)
            for hold, reference, name in session.execute(query)
        ]


def held_contacts() -> Select[str]:
    """Return a query of the ids of the contacts under a hold in force."""
    return select(LegalHold.contact_id).where(LegalHold.lifted_at.is_(None))
