"""Recording what the MASH disclosed to another agency, in the transaction of the action that discloses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from mash.db import utcnow
from mash.models import Contact, SharingRecord
from mash.problems import ContactNotFound
from mash.services import audit
from mash.services.callers import Caller
from mash.services.sharing.shares import Share, new_record, required_text


def record_disclosure(
    session: Session,
    caller: Caller | None,
    contact_id: str,
    agency: str,
    purpose: str,
    legal_basis: str,
    summary: str,
    *,
    without_consent_reason: str | None = None,
    at: datetime | None = None,
) -> SharingRecord:
    """Record what the MASH disclosed to another agency, inside the transaction of the action that discloses."""
    agency, purpose, legal_basis, summary = required_text(
        agency=agency, purpose=purpose, legal_basis=legal_basis, summary=summary
    )
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise ContactNotFound(f"No contact {contact_id}.")
    now = at or utcnow()
    reason = (without_consent_reason or "").strip() or None
    share = Share(purpose, legal_basis, reason, caller.user_id if caller else None)
    record = new_record(
        contact, agency[:40], "disclosed", share, now, status="answered", answered_at=now, summary=summary
    )
    session.add(record)
    audit.record(session, caller, "sharing.disclosed", [contact.id], detail={"agency": record.agency}, at=now)
    return record
