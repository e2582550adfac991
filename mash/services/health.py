"""What an operator needs to know is stuck: screening not done, screening failed, jobs waiting."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mash.db import read_only
from mash.models import Contact, OutboxItem


def backlog(session: Session) -> dict[str, Any]:
    """Count contacts awaiting screening, contacts whose screening failed, and jobs not yet done."""
    with session.begin():
        read_only(session)
        by_status = dict(
            session.execute(
                select(Contact.status, func.count(Contact.id))
                .where(Contact.status.in_(("received", "screening_failed")))
                .group_by(Contact.status)
            ).all()
        )
        pending = session.execute(
            select(func.count(OutboxItem.id)).where(OutboxItem.completed_at.is_(None), OutboxItem.failed_at.is_(None))
        ).scalar_one()
    return {
        "awaiting_screening": by_status.get("received", 0),
        "screening_failed": by_status.get("screening_failed", 0),
        "jobs_pending": pending,
    }
