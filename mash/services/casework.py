"""Casework after a contact arrived: notes, consent recorded later, reopening, and allocation to a worker."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mash.db import read_only, utcnow
from mash.job_names import RESCREEN_CONTACT
from mash.models import Allocation, CaseNote, Claim, Contact, Recommendation, Team, TeamMember, User
from mash.problems import Conflict, ContactNotFound, InvalidFields
from mash.services import audit, outbox, restriction
from mash.services.callers import Caller, Permission
from mash.services.contacts import lock_contact

CONSENT_LATER = ("given", "refused")


class NotAllocatable(Conflict):
    slug, title = "not-allocatable", "Only a decided contact can be allocated"


def contact_id_for(session: Session, reference: str) -> str:
    """Return the id of the contact with this reference."""
    with session.begin():
        read_only(session)
        found = session.execute(select(Contact.id).where(Contact.reference == reference)).scalar_one_or_none()
    if found is None:
        raise ContactNotFound(f"No contact {reference}.")
    return found


def _text(field: str, value: str | None, message: str) -> str:
    if not value or not value.strip():
        raise InvalidFields(message, errors={field: [message]})
    return value.strip()


def _locked(session: Session, caller: Caller, contact_id: str) -> Contact:
    contact = lock_contact(session, contact_id)
    if contact is None:
        raise ContactNotFound(f"No contact {contact_id}.")
    restriction.require_open(session, caller, contact)
    return contact


def _note(session: Session, caller: Caller, contact: Contact, at: datetime, kind: str, text: str) -> CaseNote:
    note = CaseNote(contact_id=contact.id, author_id=caller.user_id, role=caller.role, at=at, kind=kind, text=text)
    session.add(note)
    return note


def add_note(session: Session, caller: Caller, contact_id: str, text: str) -> CaseNote:
    """Write a case note on a contact."""
    caller.require(Permission.WRITE_CASE_NOTES)
    body = _text("text", text, "Enter the note")
    now = utcnow()
    with restriction.guarded(session, caller):
        contact = _locked(session, caller, contact_id)
        note = CaseNote(
            contact_id=contact.id, author_id=caller.user_id, role=caller.role, at=now, kind="note", text=body
        )
        session.add(note)
        audit.record(session, caller, "contact.note", [contact.id], at=now)
    return note


def record_consent(session: Session, caller: Caller, contact_id: str, status: str, detail: str) -> CaseNote:
    """Record consent obtained or refused after the contact arrived; a contact awaiting decision is screened again."""
    caller.require(Permission.RECORD_CONSENT)
    if status not in CONSENT_LATER:
        raise InvalidFields("Say whether consent was given or refused.", errors={"status": ["Choose given or refused"]})
    body = _text("detail", detail, "Say who gave or refused consent, and how")
    now = utcnow()
    with restriction.guarded(session, caller):
        contact = _locked(session, caller, contact_id)
        contact.consent_status, contact.consent_reason = status, None if status == "given" else body
        note = CaseNote(
            contact_id=contact.id,
            author_id=caller.user_id,
            role=caller.role,
            at=now,
            kind=f"consent_{status}",
            text=body,
        )
        session.add(note)
        audit.record(session, caller, "contact.consent", [contact.id], at=now)
        if contact.status == "awaiting_decision":
            outbox.add(session, RESCREEN_CONTACT, contact.id, now=now)
    return note


def reopen(session: Session, caller: Caller, contact_id: str, reason: str) -> CaseNote:
    """Reopen a closed contact for a new decision, with the manager's reason."""
    caller.require(Permission.REOPEN)
    body = _text("reason", reason, "Enter why the contact is being reopened")
    now = utcnow()
    with restriction.guarded(session, caller):
        contact = _locked(session, caller, contact_id)
        if contact.status != "closed":
            raise Conflict(f"Only a closed contact can be reopened; this one is {contact.status}.")
        contact.status = "awaiting_decision"
        note = _note(session, caller, contact, now, "reopen", body)
        audit.record(session, caller, "contact.reopen", [contact.id], at=now)
    return note


def notes(session: Session, contact_id: str) -> list[CaseNote]:
    """Return a contact's notes, newest first (the caller audits the read of the contact)."""
    with session.begin():
        read_only(session)
        return list(
            session.execute(
                select(CaseNote).where(CaseNote.contact_id == contact_id).order_by(CaseNote.at.desc())
            ).scalars()
        )


def _end(session: Session, allocation: Allocation, reason: str) -> None:
    allocation.ended_at, allocation.end_reason = utcnow(), reason
    session.execute(
        update(TeamMember)
        .where(TeamMember.id == allocation.member_id)
        .values(caseload=TeamMember.caseload - allocation.children)
    )


def _current(session: Session, contact_id: str) -> Allocation | None:
    return session.execute(
        select(Allocation).where(Allocation.contact_id == contact_id, Allocation.ended_at.is_(None))
    ).scalar_one_or_none()


def allocate(session: Session, caller: Caller, contact_id: str, member_id: str) -> Allocation:
    """Give a decided contact to a worker, adding its children to their caseload (moving it if held elsewhere)."""
    caller.require(Permission.ALLOCATE)
    now = utcnow()
    with restriction.guarded(session, caller):
        contact = _locked(session, caller, contact_id)
        if contact.status not in ("decided", "closed"):
            raise NotAllocatable(f"The contact is {contact.status}.")
        member = session.get(TeamMember, member_id)
        if member is None or not member.active:
            raise InvalidFields("Choose a worker.", errors={"member_id": ["Choose a worker in an active team"]})
        held = _current(session, contact.id)
        if held is not None:
            if held.member_id == member.id:
                raise Conflict("The contact is already allocated to this worker.")
            _end(session, held, "transferred")
        allocation = Allocation(
            contact_id=contact.id,
            team_id=member.team_id,
            member_id=member.id,
            children=len(contact.children),
            allocated_by=caller.user_id,
            allocated_at=now,
        )
        session.add(allocation)
        session.execute(
            update(TeamMember)
            .where(TeamMember.id == member.id)
            .values(caseload=TeamMember.caseload + len(contact.children))
        )
        audit.record(session, caller, "contact.allocate", [contact.id], at=now)
    return allocation


def close_allocation(session: Session, caller: Caller, contact_id: str) -> None:
    """End the work on a contact, taking its children off the worker's caseload."""
    caller.require(Permission.ALLOCATE)
    with session.begin():
        held = _current(session, contact_id)
        if held is None:
            raise Conflict("The contact is not allocated.")
        _end(session, held, "closed")
        audit.record(session, caller, "contact.allocation_closed", [contact_id])


def allocation_of(session: Session, contact_id: str) -> tuple[Allocation, TeamMember] | None:
    """Return a contact's current allocation and its worker, if any."""
    with session.begin():
        read_only(session)
        row = session.execute(
            select(Allocation, TeamMember)
            .join(TeamMember, TeamMember.id == Allocation.member_id)
            .where(Allocation.contact_id == contact_id, Allocation.ended_at.is_(None))
        ).first()
    return (row[0], row[1]) if row else None


def claim_holder(session: Session, contact_id: str) -> tuple[str, str] | None:
    """Return the id and name of whoever holds a live claim on a contact, if anyone."""
    with session.begin():
        read_only(session)
        row = session.execute(
            select(User.id, User.name)
            .join(Claim, Claim.user_id == User.id)
            .where(Claim.contact_id == contact_id, Claim.expires_at > utcnow())
        ).first()
    return (row[0], row[1]) if row else None


def recommendation_and_teams(session: Session, contact_id: str) -> tuple[Recommendation | None, list[Team]]:
    """Return what a decision form needs beside the contact: its recommendation and the active teams."""
    with session.begin():
        read_only(session)
        rec = session.execute(
            select(Recommendation).where(Recommendation.contact_id == contact_id)
        ).scalar_one_or_none()
        active = list(session.execute(select(Team).where(Team.active.is_(True)).order_by(Team.name)).scalars())
    return rec, active


def references(session: Session, contact_ids: list[str]) -> dict[str, str]:
    """Return the reference of each of some contacts."""
    with session.begin():
        read_only(session)
        return dict(session.execute(select(Contact.id, Contact.reference).where(Contact.id.in_(contact_ids))).all())


def current_allocations(session: Session) -> list[tuple[Allocation, str, str, str]]:
    """Return every open allocation with its contact's reference, its worker's name and its team's name."""
    with session.begin():
        read_only(session)
        rows = session.execute(
            select(Allocation, Contact.reference, TeamMember.name, Team.name)
            .join(Contact, Contact.id == Allocation.contact_id)
            .join(TeamMember, TeamMember.id == Allocation.member_id)
            .join(Team, Team.id == Allocation.team_id)
            .where(Allocation.ended_at.is_(None))
            .order_by(Allocation.allocated_at.desc())
        ).all()
    return [(allocation, reference, worker, team) for allocation, reference, worker, team in rows]
