"""Suggested indicators: the narrative reader's findings stored per contact, confirmed or dismissed by staff.

Suggestions only ever add to what the referrer coded: screening takes the union of the coded concerns and every
suggestion not dismissed. Dismissing one needs a reason, is audited, and screens the contact again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from mash.db import read_only, utcnow
from mash.job_names import RESCREEN_CONTACT
from mash.models import Contact, Suggestion
from mash.problems import Conflict, InvalidFields, NotFound
from mash.screening import inputs
from mash.screening.narrative import Finding
from mash.services import audit, outbox, restriction
from mash.services.callers import Caller, Permission
from mash.services.contacts import lock_contact

if TYPE_CHECKING:
    from mash.screening.narrative.reader import NarrativeReader


class SuggestionNotFound(NotFound):
    slug, title = "suggestion-not-found", "No such suggestion on this contact"


class SuggestionAlreadyDecided(Conflict):
    slug, title = "suggestion-already-decided", "The suggestion has already been confirmed or dismissed"


def texts_of(contact: Contact) -> dict[str, str]:
    """Return the contact's words by field, as the narrative reader reads them."""
    texts = {
        "summary": contact.summary,
        "worries": contact.worries or "",
        "strengths": contact.strengths or "",
        "needs": contact.needs or "",
        "information": "\n\n".join(added.text for added in contact.information),
    }
    return {name: text for name, text in texts.items() if text.strip()}


def read_contact(contact: Contact, reader: NarrativeReader) -> tuple[Finding, ...]:
    """Read a loaded contact's words (inside the caller's transaction)."""
    texts = texts_of(contact)
    return reader.read(texts) if texts else ()


def read_words(session: Session, contact_id: str, reader: NarrativeReader) -> tuple[Finding, ...]:
    """Read a contact's words in a read-only transaction of their own, so no lock is held while reading."""
    with session.begin():
        read_only(session)
        contact = session.get(Contact, contact_id)
        texts = texts_of(contact) if contact is not None else {}
    return reader.read(texts) if texts else ()


def refresh(
    session: Session, contact: Contact, findings: Iterable[Finding], reader_version: str, now: datetime
) -> list[inputs.Suggestion]:
    """Store each new finding as a suggestion (inside the caller's transaction); return those not dismissed."""
    stored = {
        (row.kind, row.name): row
        for row in session.execute(select(Suggestion).where(Suggestion.contact_id == contact.id)).scalars()
    }
    for finding in findings:
        if (finding.kind, finding.name) in stored:
            continue
        row = Suggestion(
            contact_id=contact.id,
            name=finding.name,
            kind=finding.kind,
            field=finding.field,
            sentence=finding.sentence[:2000],
            term=finding.term[:200],
            reader_version=reader_version,
            status="suggested",
            found_at=now,
        )
        session.add(row)
        stored[(row.kind, row.name)] = row
    return [
        inputs.Suggestion(row.name, row.kind, row.field, row.sentence)
        for row in stored.values()
        if row.status != "dismissed"
    ]


def kept(session: Session, contact_id: str) -> list[inputs.Suggestion]:
    """Return the stored suggestions nobody dismissed, for screening without reading the words again."""
    rows = session.execute(
        select(Suggestion).where(Suggestion.contact_id == contact_id, Suggestion.status != "dismissed")
    ).scalars()
    return [inputs.Suggestion(row.name, row.kind, row.field, row.sentence) for row in rows]


def list_for(session: Session, caller: Caller, contact_id: str) -> list[Suggestion]:
    """Return a contact's suggestions, oldest first (a restricted contact's only once opened by break-glass); the read
    is audited."""
    caller.require(Permission.REVIEW_SUGGESTIONS)
    with restriction.guarded(session, caller):
        contact = session.get(Contact, contact_id)
        if contact is None:
            raise NotFound(f"No contact {contact_id}.")
        restriction.require_open(session, caller, contact)
        rows = list(
            session.execute(
                select(Suggestion)
                .where(Suggestion.contact_id == contact_id)
                .order_by(Suggestion.found_at, Suggestion.kind, Suggestion.name)
            ).scalars()
        )
        audit.record(session, caller, "suggestions.view", [contact_id])
    return rows


def decide(
    session: Session, caller: Caller, contact_id: str, suggestion_id: str, action: str, reason: str | None = None
) -> Suggestion:
    """Confirm or dismiss a suggestion; a dismissal needs a reason and screens the contact again."""
    caller.require(Permission.REVIEW_SUGGESTIONS)
    reason = (reason or "").strip() or None
    if action == "dismiss" and reason is None:
        errors = {"reason": ["Enter why you are dismissing it."]}
        raise InvalidFields("Say why the suggestion is dismissed.", errors=errors)
    now = utcnow()
    with restriction.guarded(session, caller):
        contact = lock_contact(session, contact_id)
        if contact is not None:
            restriction.require_open(session, caller, contact)
        row = session.get(Suggestion, suggestion_id)
        if contact is None or row is None or row.contact_id != contact.id:
            raise SuggestionNotFound(f"No suggestion {suggestion_id} on contact {contact_id}.")
        if row.status != "suggested":
            raise SuggestionAlreadyDecided(f"The suggestion is already {row.status}.")
        row.status = "confirmed" if action == "confirm" else "dismissed"
        row.decided_by, row.decided_at, row.dismiss_reason = caller.user_id, now, reason
        audit.record(
            session,
            caller,
            f"suggestion.{action}",
            [contact.id],
            detail={"suggestion": row.id, "name": row.name, "kind": row.kind},
            at=now,
        )
        if action == "dismiss" and contact.status == "awaiting_decision":
            outbox.add(session, RESCREEN_CONTACT, contact.id, now=now)
    return row
