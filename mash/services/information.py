"""Information added to a contact after it arrived: kept beside the original, audited, and screened again; added
to a contact already decided, it also opens a new contact, so that a screener sees it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from mash.db import utcnow
from mash.enums import CONCERN_INDICATORS
from mash.job_names import RESCREEN_CONTACT
from mash.models import Contact, ContactInformation
from mash.problems import ContactNotFound, InvalidFields
from mash.services import audit, outbox
from mash.services.callers import Caller, Permission
from mash.services.contacts import follow_on, lock_contact
from mash.services.listing import ReadsThrough

MAX_TEXT = 20_000
# A screening already under way may have read the words before the addition: screen again in every state before a
# decision. A decided contact keeps its decision, and the addition opens a new contact about the same children.
RESCREENED = ("received", "awaiting_decision", "screening_failed")


@dataclass(frozen=True)
class Added(ReadsThrough):
    """What adding information did: the addition, and the new contact it opened when the first was decided."""

    _through = "information"
    information: ContactInformation
    follow_on: Contact | None


def add_information(
    session: Session, caller: Caller, contact_id: str, text: str, indicators: list[str] | None = None
) -> Added:
    """Add information to a contact the caller may see; a contact not yet decided is screened again, and one already
    decided is followed by a new contact carrying the added words, screened like any other."""
    caller.require(Permission.ADD_INFORMATION)
    words = (text or "").strip()
    errors: dict[str, list[str]] = {}
    if not words:
        errors["text"] = ["Enter the information you want to add."]
    elif len(words) > MAX_TEXT:
        errors["text"] = [f"Must be at most {MAX_TEXT:,} characters."]
    unknown = sorted(set(indicators or []) - set(CONCERN_INDICATORS))
    if unknown:
        errors["indicators"] = [f"Not an indicator: {', '.join(unknown)}."]
    if errors:
        raise InvalidFields("Some of the information could not be accepted.", errors=errors)
    now = utcnow()
    with session.begin():
        contact = lock_contact(session, contact_id)
        if contact is None or (caller.is_partner and contact.organisation_id != caller.organisation_id):
            raise ContactNotFound(f"No contact {contact_id} that you may see.")
        added = ContactInformation(
            contact_id=contact.id,
            added_by_id=caller.user_id,
            role=caller.role,
            organisation=caller.organisation,
            text=words,
            indicators=list(dict.fromkeys(indicators or [])),
            added_at=now,
        )
        session.add(added)
        session.flush()
        opened = None
        detail = {"information": added.id}
        if contact.status in RESCREENED:
            outbox.add(session, RESCREEN_CONTACT, contact.id, now=now)
        else:
            opened = follow_on(session, caller, contact, added.text, added.indicators, now)
            detail["follow_on"] = opened.id
        audit.record(session, caller, "contact.information", [contact.id], at=now, detail=detail)
    return Added(added, opened)
