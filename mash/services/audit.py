"""The audit trail of reads and writes of children's records."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from mash.db import PerSession, new_id, utcnow
from mash.models import AuditEvent, Contact, User
from mash.problems import ContactNotFound
from mash.services import audit_chain
from mash.services.callers import Caller, Permission

_pending: PerSession[AuditEvent] = PerSession()  # events recorded in each open transaction, sealed as it commits


def record(
    session: Session,
    caller: Caller | None,
    action: str,
    contact_ids: Iterable[str | None],
    *,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """Append one audit event per contact to the session's current transaction (never personal data); the events
    are chained to the one before them by their hash as the transaction commits."""
    when = at or utcnow()
    events = [
        AuditEvent(
            id=new_id(),
            at=when,
            user_id=caller.user_id if caller else None,
            role=caller.role if caller else "system",
            action=action,
            contact_id=contact_id,
            request_id=caller.request_id if caller else None,
            detail=detail,
        )
        for contact_id in contact_ids
    ]
    _pending.add(session, events)


@event.listens_for(Session, "before_commit")
def _seal_pending(session: Session) -> None:
    """Chain the transaction's events last of all, after its own rows are written: the chain's lock is then the
    last lock a transaction takes and is held only until the commit, so it is never part of a deadlock."""
    events = _pending.pop(session)
    if not events:
        return
    session.flush()
    audit_chain.seal(events, *audit_chain.tail(session))
    session.add_all(events)
    session.flush()


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, _previous: Any) -> None:
    _pending.pop(session)


def read_count(session: Session, contact_id: str) -> int:
    """Count the recorded reads of a contact (inside the caller's transaction)."""
    query = select(func.count(AuditEvent.id)).where(
        AuditEvent.contact_id == contact_id, AuditEvent.action == "contact.read"
    )
    return session.execute(query).scalar_one()


def access_history(session: Session, caller: Caller, contact_id: str) -> list[Any]:
    """Return who read or changed a contact, when and in what role, newest first (for managers); 404 if unknown."""
    caller.require(Permission.READ_ACCESS_HISTORY)
    with session.begin():
        if session.get(Contact, contact_id) is None:
            raise ContactNotFound(f"No contact {contact_id}.")
        rows = session.execute(
            select(AuditEvent.at, AuditEvent.user_id, User.name.label("user_name"), AuditEvent.role, AuditEvent.action)
            .outerjoin(User, User.id == AuditEvent.user_id)
            .where(AuditEvent.contact_id == contact_id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id)
        ).all()
        record(session, caller, "contact.access_history", [contact_id])
    return list(rows)
