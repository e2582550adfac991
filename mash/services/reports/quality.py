"""Quality assurance audits: each month a stratified random sample of decided contacts for managers to grade.

Contacts whose latest decision was made in the month (days in England) are grouped by outcome, RAG and whether the
decision overrode the recommendation. Each group gets a share of the sample in proportion to its size, and at least
one place while places last, smallest groups first, so that rare decisions (overrides, immediate protection) are
looked at. The draw is reproducible: the same month, size and seed give the same contacts. A month is drawn once
it is over, so that the sample covers all of it.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mash.db import utcnow
from mash.enums import QA_GRADES
from mash.models import Contact, Decision, QualityAudit
from mash.problems import Conflict, InvalidFields, NotFound
from mash.services import audit
from mash.services.callers import Caller, Permission
from mash.services.reports.period import Period, local_date, period
from mash.services.reports.standing import superseded

GRADES = QA_GRADES
DEFAULT_SIZE = 20


class SampleAlreadyDrawn(Conflict):
    slug, title = "sample-already-drawn", "This month's sample has already been drawn"


class AuditNotFound(NotFound):
    slug, title = "audit-not-found", "No such quality audit"


def month_period(month: str) -> Period:
    """Return the whole days in England of a month written 2026-11."""
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError as error:
        raise InvalidFields("Give a month as 2026-11.", errors={"month": ["Must be a month, 2026-11."]}) from error
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return period(first, date.fromordinal(following.toordinal() - 1))


def _latest_decisions(session: Session, span: Period) -> list[Any]:
    return list(
        session.execute(
            select(Decision.id, Decision.contact_id, Decision.outcome, Decision.rag, Decision.override)
            .join(Contact, Contact.id == Decision.contact_id)
            .where(
                Decision.decided_at >= span.start,
                Decision.decided_at < span.end,
                Contact.status.in_(("decided", "closed")),
                ~superseded(),
            )
            .order_by(Decision.contact_id)
        ).all()
    )


def _places(sizes: dict[str, int], size: int) -> dict[str, int]:
    total = sum(sizes.values())
    places = {key: 0 for key in sizes}
    left = min(size, total)
    for key in sorted(sizes, key=lambda k: (sizes[k], k)):
        if left and places[key] == 0:
            places[key], left = 1, left - 1
    while left:
        key = max(sizes, key=lambda k: (sizes[k] / total - places[k] / size, sizes[k] - places[k], k))
        if places[key] >= sizes[key]:
            break
        places[key], left = places[key] + 1, left - 1
    return places


def draw_sample(session: Session, caller: Caller | None, month: str, size: int, seed: int) -> list[QualityAudit]:
    """Draw a month's sample of decided contacts to audit (managers, or the command line with no caller)."""
    if caller is not None:
        caller.require(Permission.AUDIT_QUALITY)
    if size < 1:
        raise InvalidFields("The sample needs at least one contact.", errors={"size": ["Must be at least 1."]})
    span = month_period(month)
    now = utcnow()
    if span.end > now:
        raise InvalidFields(
            f"{month} is not over yet: its sample is drawn once its last decision is made, from the 1st of the next "
            "month.",
            errors={"month": ["Must be a month that has ended."]},
        )
    with session.begin():
        if session.scalar(select(QualityAudit.id).where(QualityAudit.month == month).limit(1)) is not None:
            raise SampleAlreadyDrawn(f"The sample for {month} has been drawn; grade it or look at it.")
        strata: dict[str, list[Any]] = defaultdict(list)
        for row in _latest_decisions(session, span):
            strata[f"{row.outcome}/{row.rag}/{'override' if row.override else 'agreed'}"].append(row)
        rng = random.Random(f"{month}/{seed}")  # noqa: S311 (a reproducible audit sample, not a secret)
        places = _places({key: len(rows) for key, rows in strata.items()}, size)
        drawn = [
            QualityAudit(
                month=month, contact_id=row.contact_id, decision_id=row.id, stratum=key, seed=seed, drawn_at=now
            )
            for key in sorted(strata)
            for row in rng.sample(strata[key], places[key])
        ]
        session.add_all(drawn)
        audit.record(session, caller, "quality.sample", [a.contact_id for a in drawn], at=now)
    return drawn


def sample(session: Session, caller: Caller, month: str) -> list[dict[str, Any]]:
    """Return a month's sample with each audit's grade so far (managers and administrators)."""
    caller.require(Permission.READ_QUALITY)
    month_period(month)
    with session.begin():
        rows = session.execute(
            select(QualityAudit, Contact.reference)
            .join(Contact, Contact.id == QualityAudit.contact_id)
            .where(QualityAudit.month == month)
            .order_by(QualityAudit.stratum, Contact.reference)
        ).all()
        audit.record(session, caller, "quality.read", [a.contact_id for a, _ in rows])
    return [{**_audit_dict(a), "reference": reference} for a, reference in rows]


def one(session: Session, caller: Caller, audit_id: str) -> dict[str, Any]:
    """Return one sampled decision and its grade so far (managers and administrators)."""
    caller.require(Permission.READ_QUALITY)
    with session.begin():
        found = session.execute(
            select(QualityAudit, Contact.reference)
            .join(Contact, Contact.id == QualityAudit.contact_id)
            .where(QualityAudit.id == audit_id)
        ).one_or_none()
        if found is None:
            raise AuditNotFound(f"No quality audit {audit_id}.")
        audit.record(session, caller, "quality.read", [found[0].contact_id])
    return {**_audit_dict(found[0]), "reference": found[1]}


def grade(session: Session, caller: Caller, audit_id: str, given: str, findings: str) -> dict[str, Any]:
    """Record a manager's grade of a sampled decision, with findings (a regrade replaces the earlier one)."""
    caller.require(Permission.AUDIT_QUALITY)
    if given not in GRADES:
        raise InvalidFields("Unknown grade.", errors={"grade": [f"One of {', '.join(GRADES)}."]})
    now = utcnow()
    with session.begin():
        found = session.get(QualityAudit, audit_id, with_for_update=True)
        if found is None:
            raise AuditNotFound(f"No quality audit {audit_id}.")
        found.grade, found.findings, found.graded_by, found.graded_at = given, findings, caller.user_id, now
        audit.record(session, caller, "quality.grade", [found.contact_id], at=now, detail={"grade": given})
    return _audit_dict(found)


def _audit_dict(found: QualityAudit) -> dict[str, Any]:
    return {
        "id": found.id,
        "month": found.month,
        "contact_id": found.contact_id,
        "decision_id": found.decision_id,
        "stratum": found.stratum,
        "grade": found.grade,
        "findings": found.findings,
        "graded_by": found.graded_by,
        "graded_at": found.graded_at,
    }


def grades(session: Session, span: Period) -> dict[str, Any]:
    """Grades by month for samples of months the period touches, and the contacts graded inadequate."""
    first, last = local_date(span.start).isoformat()[:7], span.last_day.isoformat()[:7]
    rows = session.execute(
        select(QualityAudit.month, QualityAudit.grade, QualityAudit.contact_id, Contact.reference)
        .join(Contact, Contact.id == QualityAudit.contact_id)
        .where(QualityAudit.month >= first, QualityAudit.month <= last)
        .order_by(QualityAudit.month, Contact.reference)
    ).all()
    by_month: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        by_month[row.month][row.grade or "not_graded"] += 1
    return {
        "by_month": [
            {"month": month, **{g: counts[g] for g in (*GRADES, "not_graded")}}
            for month, counts in sorted(by_month.items())
        ],
        "inadequate": [
            {"month": r.month, "contact_id": r.contact_id, "reference": r.reference}
            for r in rows
            if r.grade == "inadequate"
        ],
    }
