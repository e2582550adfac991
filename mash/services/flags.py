"""Flags for systemic consultation: the therapist raises, follows and resolves them; MASH staff read them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from mash.db import utcnow
from mash.models import Contact, Flag, FlagEvent
from mash.problems import (
    ContactNotFound,
    FlagAlreadyOpen,
    FlagAlreadyResolved,
    FlagNotFound,
)
from mash.services import audit, cursors, restriction
from mash.services.callers import Caller, Permission

OPEN = "open"
RESOLVED = "resolved"


@dataclass(frozen=True)
class WithheldFlag:
    """A flag of a restricted contact the reader has not opened: what it is and when, without its notes."""

    id: str
    contact_id: str
    kind: str
    status: str
    raised_by: str
    raised_at: datetime
    resolved_by: str | None
    resolved_at: datetime | None
    note: None = None
    events: tuple[FlagEvent, ...] = ()
    restricted: bool = True

    @classmethod
    def of(cls, flag: Flag) -> WithheldFlag:
        """Return what may be shown of the flag."""
        return cls(
            flag.id,
            flag.contact_id,
            flag.kind,
            flag.status,
            flag.raised_by,
            flag.raised_at,
            flag.resolved_by,
            flag.resolved_at,
        )


@dataclass(frozen=True)
class Page:
    """One page of flags and the cursor for the next."""

    items: list[Flag]
    next_cursor: str | None
    withheld: frozenset[str] = frozenset()  # restricted contacts not opened: their flags come without their notes

    @property
    def shown(self) -> list[Flag | WithheldFlag]:
        """Return the page's flags as the reader may see them: a withheld contact's without its notes."""
        return [WithheldFlag.of(flag) if flag.contact_id in self.withheld else flag for flag in self.items]


def _with_history() -> Select[Flag]:
    return select(Flag).options(selectinload(Flag.events))


def _open_flag_id(session: Session, contact_id: str, kind: str) -> str | None:
    return session.execute(
        select(Flag.id).where(Flag.contact_id == contact_id, Flag.kind == kind, Flag.status == OPEN)
    ).scalar_one_or_none()


def _append(flag: Flag, caller: Caller, action: str, at: datetime, **details: object) -> None:
    flag.events.append(
        FlagEvent(
            position=len(flag.events),
            at=at,
            user_id=caller.user_id,
            role=caller.role,
            action=action,
            **details,
        )
    )


def raise_flag(session: Session, caller: Caller, contact_id: str, kind: str, note: str) -> Flag:
    """Flag a contact for a systemic consultation, saying why; a contact has at most one open flag of a kind."""
    caller.require(Permission.WORK_FLAGS)
    now = utcnow()
    try:
        with restriction.guarded(session, caller):
            contact = session.get(Contact, contact_id)
            if contact is None:
                raise ContactNotFound(f"No contact {contact_id}.")
            restriction.require_open(session, caller, contact)
            existing = _open_flag_id(session, contact_id, kind)
            if existing is not None:
                raise FlagAlreadyOpen(existing)
            flag = Flag(
                contact_id=contact_id, kind=kind, status=OPEN, raised_by=caller.user_id, raised_at=now, note=note
            )
            _append(flag, caller, "raised", now, note=note)
            session.add(flag)
            session.flush()
            audit.record(session, caller, "flag.raise", [contact_id], detail={"flag_id": flag.id})
    except IntegrityError:
        with session.begin():
            existing = _open_flag_id(session, contact_id, kind)
        if existing is None:
            raise
        raise FlagAlreadyOpen(existing) from None
    return flag


def _lock_open(session: Session, caller: Caller, flag_id: str) -> Flag:
    flag = session.execute(
        _with_history().where(Flag.id == flag_id).with_for_update(of=Flag).execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if flag is None:
        raise FlagNotFound(f"No flag {flag_id}.")
    if flag.status != OPEN:
        raise FlagAlreadyResolved(f"Flag {flag_id} is resolved; raise a new flag if another consultation is needed.")
    restriction.require_open(session, caller, session.get_one(Contact, flag.contact_id))
    return flag


def record_consultation(
    session: Session,
    caller: Caller,
    flag_id: str,
    *,
    held_on: date,
    participants: list[str],
    agreed: str,
    hypotheses: str | None = None,
) -> Flag:
    """Record a systemic consultation held about a flagged contact: when, who took part, hypotheses, what was agreed."""
    caller.require(Permission.WORK_FLAGS)
    with restriction.guarded(session, caller):
        flag = _lock_open(session, caller, flag_id)
        _append(
            flag,
            caller,
            "consultation_recorded",
            utcnow(),
            consultation_date=held_on,
            participants=list(participants),
            agreed=agreed,
            note=hypotheses,
        )
        audit.record(session, caller, "flag.consultation", [flag.contact_id], detail={"flag_id": flag.id})
    return flag


def add_note(session: Session, caller: Caller, flag_id: str, note: str) -> Flag:
    """Add a note to an open flag's history."""
    caller.require(Permission.WORK_FLAGS)
    with restriction.guarded(session, caller):
        flag = _lock_open(session, caller, flag_id)
        _append(flag, caller, "note_added", utcnow(), note=note)
        audit.record(session, caller, "flag.note", [flag.contact_id], detail={"flag_id": flag.id})
    return flag


def resolve_flag(session: Session, caller: Caller, flag_id: str, note: str) -> Flag:
    """Resolve an open flag with a note saying how it ended."""
    caller.require(Permission.WORK_FLAGS)
    now = utcnow()
    with restriction.guarded(session, caller):
        flag = _lock_open(session, caller, flag_id)
        flag.status = RESOLVED
        flag.resolved_by = caller.user_id
        flag.resolved_at = now
        flag.resolution_note = note
        _append(flag, caller, "resolved", now, note=note)
        audit.record(session, caller, "flag.resolve", [flag.contact_id], detail={"flag_id": flag.id})
    return flag


def get_flag(session: Session, caller: Caller, flag_id: str) -> Flag:
    """Return a flag with its history to MASH staff, and record that they read it."""
    if not caller.may(Permission.READ_FLAGS):
        raise FlagNotFound(f"No flag {flag_id} that you may see.")
    with restriction.guarded(session, caller):
        flag = session.execute(_with_history().where(Flag.id == flag_id)).scalar_one_or_none()
        if flag is None:
            raise FlagNotFound(f"No flag {flag_id} that you may see.")
        restriction.require_open(session, caller, session.get_one(Contact, flag.contact_id))
        audit.record(session, caller, "flag.read", [flag.contact_id], detail={"flag_id": flag.id})
    return flag


def _page(
    session: Session,
    caller: Caller,
    *,
    open: bool | None,
    contact_id: str | None,
    limit: int,
    cursor: str | None,
    contact_must_exist: bool = False,
) -> Page:
    query = _with_history()
    if open is not None:
        query = query.where(Flag.status == (OPEN if open else RESOLVED))
    if contact_id is not None:
        query = query.where(Flag.contact_id == contact_id)
    if cursor:
        at, last_id = cursors.decode(cursor, datetime, str)
        query = query.where(or_(Flag.raised_at < at, and_(Flag.raised_at == at, Flag.id < last_id)))
    query = query.order_by(Flag.raised_at.desc(), Flag.id.desc()).limit(limit + 1)
    with restriction.guarded(session, caller):
        if contact_must_exist and contact_id is not None:
            contact = session.get(Contact, contact_id)
            if contact is None:
                raise ContactNotFound(f"No contact {contact_id}.")
            restriction.require_open(session, caller, contact)
        rows = list(session.execute(query).scalars())
        items = rows[:limit]
        seen = list(dict.fromkeys(flag.contact_id for flag in items))
        contacts = list(session.execute(select(Contact).where(Contact.id.in_(seen))).scalars())
        withheld = restriction.closed_to(session, caller, contacts)
        audit.record(session, caller, "flag.list", seen)
    after = cursors.encode(items[-1].raised_at, items[-1].id) if len(rows) > limit else None
    return Page(items, after, withheld)


def list_flags(
    session: Session,
    caller: Caller,
    *,
    open: bool | None = None,
    contact_id: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Page:
    """List flags, newest first, open or resolved or both, for MASH staff; record which contacts were seen."""
    caller.require(Permission.READ_FLAGS)
    return _page(session, caller, open=open, contact_id=contact_id, limit=limit, cursor=cursor)


def list_contact_flags(
    session: Session,
    caller: Caller,
    contact_id: str,
    *,
    open: bool | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Page:
    """List one contact's flags, newest first, for MASH staff; a partner is told there is nothing to see."""
    if not caller.may(Permission.READ_FLAGS):
        raise ContactNotFound(f"No contact {contact_id} with flags that you may see.")
    return _page(
        session,
        caller,
        open=open,
        contact_id=contact_id,
        limit=limit,
        cursor=cursor,
        contact_must_exist=True,
    )


def flags_on_contact(session: Session, contact_id: str) -> list[Flag]:
    """Return every flag on a contact with its history, newest first, inside the caller's transaction (the caller
    audits the read of the contact)."""
    return list(
        session.execute(
            _with_history().where(Flag.contact_id == contact_id).order_by(Flag.raised_at.desc(), Flag.id.desc())
        ).scalars()
    )
