"""Who looked: the audit trail read per person and per child, for a privacy officer or a subject access request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, aliased

from mash.db import read_only
from mash.models import AuditEvent, Child, ChildMatch, Contact, User
from mash.services.users import UserInvalid


@dataclass(frozen=True)
class Look:
    """One audited read or change: when, by whom, in what role, what, and on which contact."""

    at: datetime
    user: str
    role: str
    action: str
    reference: str | None


def _looks(session: Session, where: ColumnElement[bool]) -> list[Look]:
    rows = session.execute(
        select(AuditEvent.at, User.email, User.name, AuditEvent.role, AuditEvent.action, Contact.reference)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .outerjoin(Contact, Contact.id == AuditEvent.contact_id)
        .where(where)
        .order_by(AuditEvent.seq)
    ).all()
    return [
        Look(at, email or name or "system", role, action, reference)
        for at, email, name, role, action, reference in rows
    ]


def by_user(session: Session, email_or_name: str) -> list[Look]:
    """Return everything one account read or changed, oldest first."""
    with session.begin():
        read_only(session)
        users = list(
            session.execute(
                select(User.id).where(or_(User.email == email_or_name.strip().casefold(), User.name == email_or_name))
            ).scalars()
        )
        if len(users) != 1:
            raise UserInvalid(f"no single user is called {email_or_name!r}" if users else f"no user {email_or_name!r}")
        return _looks(session, AuditEvent.user_id == users[0])


def for_child(session: Session, child_id: str) -> list[Look]:
    """Return every read and change of the contacts about a child: the child record's own contact and the contacts
    of the records confirmed to be the same child, oldest first."""
    with session.begin():
        read_only(session)
        child = session.get(Child, child_id)
        if child is None:
            raise UserInvalid(f"no child {child_id!r}")
        known = aliased(Child)
        linked = session.execute(
            select(known.contact_id)
            .select_from(ChildMatch)
            .join(known, or_(known.id == ChildMatch.known_child_id, known.id == ChildMatch.child_id))
            .where(
                ChildMatch.status == "confirmed",
                or_(ChildMatch.child_id == child_id, ChildMatch.known_child_id == child_id),
            )
        ).scalars()
        contact_ids = {child.contact_id, *linked}
        return _looks(session, AuditEvent.contact_id.in_(contact_ids))
