"""Reading the information-sharing ledger: a contact's records in order, and per agency the state of its latest
request."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from integrations import AGENCIES
from mash.models import Contact, SharingRecord
from mash.models.sharing import DIRECTIONS
from mash.problems import ContactNotFound
from mash.services import audit, restriction
from mash.services.callers import Caller, Permission


def records(session: Session, contact_id: str) -> list[SharingRecord]:
    """Return a contact's records, each answer after its request, inside the caller's transaction."""
    found = session.execute(select(SharingRecord).where(SharingRecord.contact_id == contact_id)).scalars()
    return sorted(found, key=lambda r: (r.requested_at, *_agency_order(r.agency), DIRECTIONS.index(r.direction), r.id))


def _agency_order(agency: str) -> tuple[int, str]:
    return (AGENCIES.index(agency) if agency in AGENCIES else len(AGENCIES), agency)


def ledger(session: Session, caller: Caller, contact_id: str) -> list[SharingRecord]:
    """Return every information-sharing record of a contact for MASH staff, and record that they read it (a restricted
    contact's only to a caseworker who opened it by break-glass)."""
    caller.require(Permission.READ_SHARING_LEDGER)
    with restriction.guarded(session, caller):
        contact = session.get(Contact, contact_id)
        if contact is None:
            raise ContactNotFound(f"No contact {contact_id} that you may see.")
        restriction.require_open(session, caller, contact)
        items = records(session, contact_id)
        audit.record(session, caller, "sharing.read", [contact_id])
    return items


def summaries(items: list[SharingRecord]) -> list[dict[str, Any]]:
    """Return, per agency asked, its latest request's state and latest answer, from a contact's `records`."""
    result = []
    for agency in sorted({r.agency for r in items if r.direction == "requested"}, key=_agency_order):
        latest = [r for r in items if r.agency == agency and r.direction == "requested"][-1]
        answers = [r for r in items if r.agency == agency and r.direction == "received"]
        answer = max(answers, key=lambda r: (r.answered_at, r.id)) if answers else None
        result.append(
            {
                "agency": agency,
                "status": latest.status,
                "requested_at": latest.requested_at,
                "due_by": latest.due_by,
                "answered_at": answer.answered_at if answer else None,
                "summary": answer.summary if answer else latest.summary,
            }
        )
    return result
