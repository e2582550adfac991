"""The outbox: add work inside a transaction; find what is due; mark it done or failed."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from mash import job_names
from mash.db import read_only, utcnow
from mash.models import OutboxItem


def add(session: Session, job: str, entity_id: str, *, now: datetime | None = None) -> OutboxItem:
    """Record a job to run once the caller's transaction commits; a name that is no job fails here, before then."""
    if job not in job_names.ALL:
        raise ValueError(f"no job is named {job!r}: name it from mash.job_names")
    now = now or utcnow()
    item = OutboxItem(job=job, entity_id=entity_id, created_at=now, available_at=now)
    session.add(item)
    return item


def due(session: Session, *, stale_after: timedelta, now: datetime | None = None, limit: int = 500) -> list[OutboxItem]:
    """Return pending items never enqueued, or enqueued so long ago that the job must have been lost."""
    now = now or utcnow()
    with session.begin():
        read_only(session)
        return list(
            session.execute(
                select(OutboxItem)
                .where(
                    OutboxItem.completed_at.is_(None),
                    OutboxItem.failed_at.is_(None),
                    OutboxItem.available_at <= now,
                    or_(OutboxItem.enqueued_at.is_(None), OutboxItem.enqueued_at < now - stale_after),
                )
                .order_by(OutboxItem.created_at)
                .limit(limit)
            ).scalars()
        )


def mark_enqueued(session: Session, item_ids: list[str], *, now: datetime | None = None) -> None:
    """Note that these items were handed to the queue."""
    if not item_ids:
        return
    with session.begin():
        session.execute(
            update(OutboxItem)
            .where(OutboxItem.id.in_(item_ids))
            .values(enqueued_at=now or utcnow(), attempts=OutboxItem.attempts + 1)
        )


def complete(session: Session, job: str, entity_id: str, *, now: datetime | None = None) -> None:
    """Mark the pending items of this job for this record done, inside the caller's transaction."""
    session.execute(
        update(OutboxItem)
        .where(OutboxItem.job == job, OutboxItem.entity_id == entity_id, OutboxItem.completed_at.is_(None))
        .values(completed_at=now or utcnow())
    )


def fail(session: Session, job: str, entity_id: str, error: str, *, now: datetime | None = None) -> None:
    """Mark the pending items of this job for this record failed for good, inside the caller's transaction."""
    session.execute(
        update(OutboxItem)
        .where(OutboxItem.job == job, OutboxItem.entity_id == entity_id, OutboxItem.completed_at.is_(None))
        .values(failed_at=now or utcnow(), last_error=error[:200])
    )
