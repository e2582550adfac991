"""The web referral form's drafts: answers kept on the server for their writer, submitted once as a contact."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mash.db import read_only, utcnow
from mash.models import Contact, ReferralDraft
from mash.problems import NotFound
from mash.services import contacts, screening
from mash.services.callers import Caller, Permission


class DraftNotFound(NotFound):
    slug, title = "draft-not-found", "No such referral draft"


def start(session: Session, caller: Caller) -> ReferralDraft:
    """Start a referral for someone who said no child is in immediate danger."""
    caller.require(Permission.SUBMIT_CONTACT)
    now = utcnow()
    with session.begin():
        draft = ReferralDraft(user_id=caller.user_id, answers={}, created_at=now, updated_at=now)
        session.add(draft)
    return draft


def _own(session: Session, caller: Caller, draft_id: str) -> ReferralDraft:
    draft = session.get(ReferralDraft, draft_id)
    if draft is None or draft.user_id != caller.user_id:
        raise DraftNotFound("No referral of yours with this address.")
    return draft


def get(session: Session, caller: Caller, draft_id: str) -> ReferralDraft:
    """Return one of the caller's own drafts."""
    caller.require(Permission.SUBMIT_CONTACT)
    with session.begin():
        read_only(session)
        return _own(session, caller, draft_id)


def unfinished(session: Session, caller: Caller) -> list[ReferralDraft]:
    """List the caller's drafts not yet submitted, most recently changed first."""
    with session.begin():
        read_only(session)
        return list(
            session.execute(
                select(ReferralDraft)
                .where(ReferralDraft.user_id == caller.user_id, ReferralDraft.contact_id.is_(None))
                .order_by(ReferralDraft.updated_at.desc())
            ).scalars()
        )


def save(session: Session, caller: Caller, draft_id: str, answers: dict[str, Any]) -> ReferralDraft:
    """Replace the answers of one of the caller's drafts not yet submitted."""
    caller.require(Permission.SUBMIT_CONTACT)
    with session.begin():
        draft = _own(session, caller, draft_id)
        if draft.contact_id is None:
            draft.answers = copy.deepcopy(answers)
            draft.updated_at = utcnow()
    return draft


def submit(session: Session, caller: Caller, draft_id: str, payload: dict[str, Any]) -> Contact:
    """Submit a draft as a contact, once: a second submit (a double click, a resent form) returns the same one."""
    draft = get(session, caller, draft_id)
    if draft.contact_id is None:
        made = contacts.submit_contact(session, caller, payload, idempotency_key=f"referral-draft-{draft.id}")
        with session.begin():
            _own(session, caller, draft_id).contact_id = made.contact_id
        contact_id = made.contact_id
    else:
        contact_id = draft.contact_id
    return contacts.get_contact(session, caller, contact_id)


def contact_of(session: Session, caller: Caller, draft: ReferralDraft) -> Contact:
    """Return the contact a submitted draft became, recording that the caller read it."""
    if draft.contact_id is None:
        raise DraftNotFound("This referral has not been sent.")
    return contacts.get_contact(session, caller, draft.contact_id)


def decision_due(session: Session, contact: Contact, timescales: Mapping[str, str]) -> datetime:
    """Return when a decision on a new contact is due: its recommendation's deadline, or the longest one if not yet
    screened."""
    with session.begin():
        read_only(session)
        found = screening.get_recommendation(session, contact.id)
    if found is not None:
        return found[0].decision_due_by
    return screening.calendar().decision_due_by(contact.received_at, "green", timescales)
