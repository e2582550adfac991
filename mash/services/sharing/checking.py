"""Performing one requested check: ask the partner in a job, outside any transaction, and record its answer beside
the request, a permanent refusal at once, or, for a partner that cannot answer now, the attempt before RQ retries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from integrations import (
    CheckResult,
    PartnerNotConfigured,
    PartnerRejected,
    PartnerResponseInvalid,
    Subject,
    SubjectIncomplete,
)
from mash.db import new_id, utcnow
from mash.job_names import REQUEST_CHECK
from mash.models import Child, SharingRecord
from mash.models.sharing import OPEN_STATUSES
from mash.services import audit, outbox, partner_calls, partner_checks, partner_facts
from mash.services.callers import Caller
from mash.services.partner_checks import Clock
from mash.services.sharing.shares import failure_summary, lock
from mash.settings import Settings

PERMANENT_ERRORS = (PartnerRejected, PartnerResponseInvalid, PartnerNotConfigured, SubjectIncomplete)
# An answer repeats its request's who, what, why and when, so that every record reads on its own.
COPIED_TO_ANSWER = (
    "contact_id",
    "child_id",
    "agency",
    "purpose",
    "legal_basis",
    "consent_status",
    "without_consent_reason",
    "requested_by",
    "requested_at",
    "due_by",
)


def _subject(session: Session, record: SharingRecord) -> Subject:
    child = session.get(Child, record.child_id) if record.child_id else None
    if child is None:
        first = select(Child).where(Child.contact_id == record.contact_id).order_by(Child.position).limit(1)
        child = session.execute(first).scalar_one()
    return partner_checks.subject_of(child)


def perform_check(session: Session, record_id: str, settings: Settings, *, clock: Clock = utcnow) -> bool:
    """Ask the partner for one requested check and record its answer; return whether an answer was recorded."""

    def prepare() -> tuple[str, Subject] | None:
        record = lock(session, record_id)
        if record is None or record.direction != "requested" or record.status not in OPEN_STATUSES:
            outbox.complete(session, REQUEST_CHECK, record_id)
            return None
        return record.agency, _subject(session, record)

    return partner_calls.attempt(
        session,
        prepare,
        lambda asked: partner_checks.ask(session, *asked, settings, clock),
        permanent=PERMANENT_ERRORS,
        answered=lambda result: _answer(session, record_id, result, clock()),
        refused=lambda code: _fail(session, record_id, code.value, clock(), attempted=True),
        unavailable=lambda code: _note_attempt(session, record_id, code.value),
    )


def _note_attempt(session: Session, record_id: str, error: str) -> None:
    record = lock(session, record_id)
    if record is not None and record.status in OPEN_STATUSES:
        record.attempts += 1
        record.last_error = error[:60]


def record_answer(
    session: Session, caller: Caller | None, request: SharingRecord, summary: str, now: datetime, **audit_detail: str
) -> SharingRecord:
    """Close a request as answered and record the answer beside it (inside the caller's transaction), audited."""
    request.status, request.answered_at, request.last_error = "answered", now, None
    copied = {name: getattr(request, name) for name in COPIED_TO_ANSWER}
    answer = SharingRecord(
        id=new_id(),
        direction="received",
        status="answered",
        answered_at=now,
        summary=summary,
        attempts=0,
        request_id=request.id,
        **copied,
    )
    session.add(answer)
    outbox.complete(session, REQUEST_CHECK, request.id, now=now)
    detail = {"agency": request.agency, **audit_detail}
    audit.record(session, caller, "sharing.received", [request.contact_id], detail=detail, at=now)
    return answer


def _answer(session: Session, record_id: str, result: CheckResult, now: datetime) -> bool:
    record = lock(session, record_id)
    if record is None or record.status not in OPEN_STATUSES:
        outbox.complete(session, REQUEST_CHECK, record_id, now=now)
        return False
    record.attempts += 1
    record_answer(session, None, record, result.summary, now)
    found = partner_facts.facts_to_indicators(record.agency, result.facts)
    partner_facts.record(session, record.contact_id, record.agency, found, now)
    return True


def _fail(session: Session, record_id: str, error: str, now: datetime, *, attempted: bool) -> None:
    record = lock(session, record_id)
    if record is None or record.status not in OPEN_STATUSES:
        return
    if attempted:
        record.attempts += 1
    record.status, record.last_error = "failed", error[:60]
    record.summary = failure_summary(record.agency, error, record.attempts)
    outbox.fail(session, REQUEST_CHECK, record.id, error, now=now)
    detail = {"agency": record.agency, "error": error[:60]}
    audit.record(session, None, "sharing.failed", [record.contact_id], detail=detail, at=now)


def check_failed(session: Session, record_id: str, error: str) -> None:
    """Mark a check whose retries are all spent as failed, so that it stays visible (the job's failure handler)."""
    with session.begin():
        _fail(session, record_id, error, utcnow(), attempted=False)
