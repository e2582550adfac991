"""The managers' figures for a period: what came in, how fast and how well it was decided, and what came back.

Contacts are counted by when they were received; overrides by when they were decided. Timeliness is measured to
each contact's first decision on the project's working-day clock: within one working day, and within the deadline
of the RAG the decision gave. Re-referrals and repeat children follow confirmed matches.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mash.db import read_only
from mash.enums import RAGS
from mash.models import Child, Contact, Decision
from mash.screening.clock import WorkingCalendar
from mash.services.callers import Caller, Permission
from mash.services.reports import operations, quality
from mash.services.reports.people import load_people
from mash.services.reports.period import Period, local_date
from mash.services.reports.stats import direction, percentile, share

REFERRAL_OUTCOMES = ("assessment", "strategy_discussion", "immediate_protection")
CLOSED_AT_THE_DOOR = ("nfa", "signpost")
YEAR = timedelta(days=365)
REPEAT_CONTACTS = 3


@dataclass(frozen=True)
class Rules:
    """What the figures measure against: decision timescales by RAG, the caseload cap, and now."""

    timescales: Mapping[str, str]
    caseload_cap: int
    now: datetime


def front_door(session: Session, caller: Caller, span: Period, rules: Rules) -> dict[str, Any]:
    """Return the managers' figures for a period (managers and administrators)."""
    caller.require(Permission.DOWNLOAD_RETURNS)
    with session.begin():
        read_only(session)
        contacts: list[Any] = list(
            session.execute(
                select(Contact.id, Contact.received_at, Contact.source_code)
                .where(Contact.received_at >= span.start, Contact.received_at < span.end)
                .order_by(Contact.received_at)
            ).all()
        )
        decisions = _decisions(session, span)
        figures: dict[str, Any] = {
            "period": {"from": span.start, "to": span.end},
            "contacts": _contacts(contacts),
            "timeliness": _timeliness(contacts, decisions, rules),
            "outcomes": _outcomes(contacts, decisions),
            "overrides": _overrides(session, span),
            "children": _children(session, span),
            "feedback": operations.feedback(session, span, rules.now),
            "flags": operations.flags(session, span, rules.now),
            "checks": operations.checks(session, span, rules.now),
            "queue": operations.queue(session, rules.now),
            "teams": operations.teams(session, rules.caseload_cap),
            "quality": quality.grades(session, span),
        }
    return figures


def _decisions(session: Session, span: Period) -> dict[str, list[Any]]:
    rows = session.execute(
        select(Decision.contact_id, Decision.decided_at, Decision.outcome, Decision.rag)
        .join(Contact, Contact.id == Decision.contact_id)
        .where(Contact.received_at >= span.start, Contact.received_at < span.end)
        .order_by(Decision.decided_at, Decision.id)
    ).all()
    by_contact: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        by_contact[row.contact_id].append(row)
    return by_contact


def _contacts(contacts: list[Any]) -> dict[str, Any]:
    weeks: dict[str, Counter[str]] = defaultdict(Counter)
    for row in contacts:
        day = local_date(row.received_at)
        weeks[(day - timedelta(days=day.weekday())).isoformat()][row.source_code] += 1
    return {
        "total": len(contacts),
        "by_source": dict(sorted(Counter(row.source_code for row in contacts).items())),
        "by_week": [
            {"week_starting": week, "contacts": sum(counts.values()), "by_source": dict(sorted(counts.items()))}
            for week, counts in sorted(weeks.items())
        ],
    }


def _timeliness(contacts: list[Any], decisions: dict[str, list[Any]], rules: Rules) -> dict[str, Any]:
    calendar = WorkingCalendar()
    within_day = within_deadline = decided = 0
    hours: dict[str, list[float]] = {rag: [] for rag in RAGS}
    on_time: Counter[str] = Counter()
    for row in contacts:
        if row.id not in decisions:
            continue
        first = decisions[row.id][0]
        decided += 1
        within_day += first.decided_at <= calendar.add_working_days(row.received_at, 1)
        in_time = first.decided_at <= calendar.decision_due_by(row.received_at, first.rag, rules.timescales)
        within_deadline += in_time
        on_time[first.rag] += in_time
        hours[first.rag].append((first.decided_at - row.received_at).total_seconds() / 3600)
    return {
        "decided": decided,
        "undecided": len(contacts) - decided,
        "within_one_working_day": within_day,
        "within_rag_deadline": within_deadline,
        "share_within_one_working_day": share(within_day, decided),
        "share_within_rag_deadline": share(within_deadline, decided),
        "hours_to_decision": {
            rag: {
                "decided": len(values),
                "within_deadline": on_time[rag],
                "median": percentile(values, 0.5),
                "p90": percentile(values, 0.9),
            }
            for rag, values in hours.items()
        },
    }


def _outcomes(contacts: list[Any], decisions: dict[str, list[Any]]) -> dict[str, Any]:
    by_source: dict[str, Counter[str]] = defaultdict(Counter)
    referrals = 0
    for row in contacts:
        if row.id in decisions:
            outcome = decisions[row.id][-1].outcome
            by_source[row.source_code][outcome] += 1
            referrals += outcome in REFERRAL_OUTCOMES
    decided = sum(sum(counts.values()) for counts in by_source.values())
    return {
        "by_source": {source: dict(sorted(counts.items())) for source, counts in sorted(by_source.items())},
        "conversion": {"decided": decided, "referrals": referrals, "rate": share(referrals, decided)},
    }


def _overrides(session: Session, span: Period) -> dict[str, Any]:
    rows = session.execute(
        select(
            Decision.override, Decision.outcome, Decision.rag, Decision.recommended_outcome, Decision.recommended_rag
        ).where(Decision.decided_at >= span.start, Decision.decided_at < span.end)
    ).all()
    overridden = [row for row in rows if row.override]
    directions = Counter(direction(r.outcome, r.rag, r.recommended_outcome, r.recommended_rag) for r in overridden)
    return {
        "decisions": len(rows),
        "overrides": len(overridden),
        "rate": share(len(overridden), len(rows)),
        "up": directions["up"],
        "down": directions["down"],
        "children_only": directions["children_only"],
        "no_recommendation": directions["no_recommendation"],
    }


def _children(session: Session, span: Period) -> dict[str, Any]:
    """Children with three or more contacts in the year to the period's end; re-referrals within a year."""
    people = load_people(session, span.end)
    earliest = min(span.start, span.end - YEAR) - YEAR
    rows = session.execute(
        select(Child.id, Contact.id.label("contact_id"), Contact.received_at)
        .join(Contact, Contact.id == Child.contact_id)
        .where(Contact.received_at >= earliest, Contact.received_at < span.end)
        .order_by(Contact.received_at)
    ).all()
    decided = dict(
        session.execute(
            select(Decision.contact_id, Decision.decided_at)
            .join(Contact, Contact.id == Decision.contact_id)
            .where(Contact.received_at >= earliest, Contact.received_at < span.end)
            .order_by(Decision.decided_at)
        ).all()
    )
    outcomes = dict(
        session.execute(
            select(Decision.contact_id, Decision.outcome)
            .join(Contact, Contact.id == Decision.contact_id)
            .where(Contact.received_at >= earliest, Contact.received_at < span.end)
            .order_by(Decision.decided_at)
        ).all()
    )
    history: dict[str, list[Any]] = defaultdict(list)
    repeat: Counter[str] = Counter()
    children = re_referred = after_closing = 0
    for row in rows:
        person = people.identifier(row.id)
        if row.received_at >= span.end - YEAR:
            repeat[person] += 1
        if row.received_at >= span.start:
            children += 1
            earlier = [
                e for e in history[person] if e in decided and row.received_at - YEAR <= decided[e] < row.received_at
            ]
            if earlier:
                re_referred += 1
                after_closing += outcomes[earlier[-1]] in CLOSED_AT_THE_DOOR
        history[person].append(row.contact_id)
    return {
        "children_on_contacts": children,
        "with_three_or_more_contacts_in_12_months": sum(1 for n in repeat.values() if n >= REPEAT_CONTACTS),
        "re_referrals_within_12_months": re_referred,
        "re_referral_rate": share(re_referred, children),
        "re_referrals_after_closing_at_the_door": after_closing,
    }
