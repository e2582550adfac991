"""The operational figures: feedback to referrers, flags, MASH checks, the queue now and team capacity."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mash.enums import RAGS
from mash.models import Contact, Feedback, Flag, Recommendation, SharingRecord
from mash.services import teams as team_service
from mash.services.reports.period import Period
from mash.services.reports.stats import percentile, share

HOUR = 3600.0
AGE_BANDS = (("under_4_hours", 4.0), ("4_to_24_hours", 24.0), ("1_to_3_days", 72.0), ("over_3_days", math.inf))


def _hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / HOUR


def feedback(session: Session, span: Period, now: datetime) -> dict[str, Any]:
    """Feedback owed for decisions made in the period: delivered on time, late, overdue, or not yet due."""
    rows = session.execute(
        select(Feedback.due_by, Feedback.delivered_at).where(
            Feedback.decided_at >= span.start, Feedback.decided_at < span.end
        )
    ).all()
    on_time = sum(1 for r in rows if r.delivered_at is not None and r.delivered_at <= r.due_by)
    late = sum(1 for r in rows if r.delivered_at is not None and r.delivered_at > r.due_by)
    overdue = sum(1 for r in rows if r.delivered_at is None and r.due_by < now)
    return {
        "owed": len(rows),
        "on_time": on_time,
        "late": late,
        "overdue": overdue,
        "not_yet_due": len(rows) - on_time - late - overdue,
        "share_on_time": share(on_time, on_time + late + overdue),
    }


def flags(session: Session, span: Period, now: datetime) -> dict[str, Any]:
    """Flags open now (and how long they have been open), and the time to resolve those resolved in the period."""
    open_since = session.scalars(select(Flag.raised_at).where(Flag.status == "open")).all()
    resolved = session.execute(
        select(Flag.raised_at, Flag.resolved_at).where(
            Flag.resolved_at.is_not(None), Flag.resolved_at >= span.start, Flag.resolved_at < span.end
        )
    ).all()
    taken = [_hours(r.raised_at, r.resolved_at) for r in resolved]
    return {
        "open_now": len(open_since),
        "oldest_open_hours": round(max(_hours(t, now) for t in open_since), 2) if open_since else None,
        "resolved": len(resolved),
        "hours_to_resolve": {"median": percentile(taken, 0.5), "p90": percentile(taken, 0.9)},
    }


def checks(session: Session, span: Period, now: datetime) -> dict[str, Any]:
    """MASH checks requested in the period, by agency: answered on time, answered late, overdue, failed, pending."""
    rows = session.execute(
        select(SharingRecord.agency, SharingRecord.status, SharingRecord.due_by, SharingRecord.answered_at).where(
            SharingRecord.direction == "requested",
            SharingRecord.requested_at >= span.start,
            SharingRecord.requested_at < span.end,
        )
    ).all()
    by_agency: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        by_agency[row.agency][_check_state(row, now)] += 1
    result = {}
    for agency, counts in sorted(by_agency.items()):
        answered = counts["answered_on_time"] + counts["answered_late"]
        states = ("answered_on_time", "answered_late", "overdue", "failed", "pending")
        result[agency] = {
            "requested": sum(counts.values()),
            **{state: counts[state] for state in states},
            "share_on_time": share(counts["answered_on_time"], answered + counts["overdue"]),
        }
    return result


def _check_state(row: Any, now: datetime) -> str:
    if row.answered_at is not None:
        return "answered_on_time" if row.due_by is None or row.answered_at <= row.due_by else "answered_late"
    if row.status == "failed":
        return "failed"
    if row.status == "overdue" or (row.due_by is not None and row.due_by < now):
        return "overdue"
    return "pending"


def queue(session: Session, now: datetime) -> dict[str, Any]:
    """The queue now: contacts awaiting a decision by RAG, how old they are (in hours since they were received, and
    in bands: under 4 hours, 4 to 24 hours, 1 to 3 days, over 3 days), and how many are past their deadline."""
    rows = session.execute(
        select(Recommendation.rag, Contact.received_at, Recommendation.decision_due_by)
        .join(Recommendation, Recommendation.contact_id == Contact.id)
        .where(Contact.status == "awaiting_decision")
    ).all()
    by_rag = {}
    for rag in reversed(RAGS):
        ages = [_hours(r.received_at, now) for r in rows if r.rag == rag]
        by_rag[rag] = {
            "waiting": len(ages),
            "overdue": sum(1 for r in rows if r.rag == rag and r.decision_due_by < now),
            "median_age_hours": percentile(ages, 0.5),
            "oldest_age_hours": round(max(ages), 2) if ages else None,
            "by_age": _age_bands(ages),
        }
    failed = session.scalars(select(Contact.id).where(Contact.status == "screening_failed")).all()
    return {
        "at": now,
        "waiting": len(rows),
        "overdue": sum(1 for r in rows if r.decision_due_by < now),
        "screening_failed": len(failed),
        "by_rag": by_rag,
    }


def _age_bands(ages: list[float]) -> dict[str, int]:
    counts = dict.fromkeys((name for name, _ in AGE_BANDS), 0)
    for age in ages:
        counts[next(name for name, below in AGE_BANDS if age < below)] += 1
    return counts


def teams(session: Session, caseload_cap: int) -> list[dict[str, Any]]:
    """Each active team's caseload against its cap."""
    return [
        {
            "team": team.name,
            "kind": team.kind,
            "workers": team.workers,
            "caseload": team.caseload,
            "capacity": team.capacity,
            "free": team.free,
            "use": share(team.caseload, team.capacity),
        }
        for team in team_service.capacities(session, caseload_cap)
    ]
