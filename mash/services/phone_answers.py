"""A partner's answer given by phone: the screener records it against the open request, with any facts it gave."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from mash.db import utcnow
from mash.models import Contact, SharingRecord
from mash.models.sharing import OPEN_STATUSES
from mash.problems import Conflict, InvalidFields, NotFound
from mash.services import partner_facts, restriction, sharing
from mash.services.callers import Caller, Permission

# A request whose calls all failed can still be answered by phone: that is what the phone is for.
ANSWERABLE = (*OPEN_STATUSES, "failed", "not_configured")


class RequestNotFound(NotFound):
    """No such request for MASH checks on this contact."""


class RequestAlreadyAnswered(Conflict):
    """The request already has its answer."""


def answer_by_phone(
    session: Session,
    caller: Caller,
    contact_id: str,
    request_id: str,
    summary: str,
    indicators: Sequence[str] = (),
) -> SharingRecord:
    """Record what an agency said by phone in answer to a request; the indicators it gave screen the contact again."""
    caller.require(Permission.SHARE_INFORMATION)
    summary = summary.strip()
    if not request_id:
        raise InvalidFields("Choose the request the agency answered.", errors={"request_id": ["Choose a request."]})
    if not summary:
        raise InvalidFields("Enter what the agency said.", errors={"summary": ["Enter what the agency said."]})
    now = utcnow()
    with restriction.guarded(session, caller):
        contact = session.get(Contact, contact_id)
        if contact is not None:
            restriction.require_open(session, caller, contact)
        query = select(SharingRecord).where(SharingRecord.id == request_id).with_for_update()
        request = session.execute(query).scalar_one_or_none()
        if request is None or request.contact_id != contact_id or request.direction != "requested":
            raise RequestNotFound(f"No request for checks {request_id} on contact {contact_id}.")
        if request.status not in ANSWERABLE:
            raise RequestAlreadyAnswered(f"The request is already {request.status}.")
        said = f"By phone, recorded by {caller.name}: {summary}"
        answer = sharing.record_answer(session, caller, request, said, now, by="phone")
        found = [partner_facts.PartnerFact(name, summary[:2000], "by phone") for name in dict.fromkeys(indicators)]
        partner_facts.record(session, contact_id, request.agency, found, now, confirmed_by=caller.user_id)
    return answer
