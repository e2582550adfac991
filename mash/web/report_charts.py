"""The dashboard's charts, built from the managers' figures: each with its data for a table and a CSV file."""

from __future__ import annotations

from typing import Any

from mash.enums import OUTCOMES, RAGS
from mash.web.charts import Chart, Series, bars
from mash.web.words import OUTCOMES as OUTCOME_WORDS

TIMELINESS_TARGET = 90.0
SOURCE_GROUPS = {
    "Individuals": ("1A", "1B", "1C", "1D"),
    "Education": ("2A", "2B"),
    "Health": ("3A", "3B", "3C", "3D", "3E", "3F"),
    "Housing": ("4",),
    "Council": ("5A", "5B", "5C", "5D"),
    "Police": ("6",),
    "Other": ("7", "8", "9", "10"),
}


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def weekly_contacts(figures: dict[str, Any]) -> Chart:
    """Contacts received each week, stacked by the kind of referrer."""
    weeks = figures["contacts"]["by_week"]
    series = [
        Series(group, tuple(float(sum(w["by_source"].get(c, 0) for c in codes)) for w in weeks))
        for group, codes in SOURCE_GROUPS.items()
    ]
    labels = [w["week_starting"] for w in weeks]
    return bars("weekly-contacts", "Contacts each week, by who made them", "contacts", labels, series)


def timeliness(figures: dict[str, Any]) -> Chart:
    """The share of first decisions made within the RAG's deadline, by RAG, against the target."""
    spread = figures["timeliness"]["hours_to_decision"]
    rags = list(reversed(RAGS))
    values = tuple(_percent(spread[r]["within_deadline"], spread[r]["decided"]) for r in rags)
    return bars(
        "timeliness",
        f"Decisions within their deadline, by RAG, against a target of {TIMELINESS_TARGET:.0f}%",
        "per cent",
        [r.capitalize() for r in rags],
        [Series("Within deadline (%)", values)],
        target=TIMELINESS_TARGET,
        top=100.0,
    )


def outcome_mix(figures: dict[str, Any]) -> Chart:
    """Latest outcomes of the period's contacts."""
    totals = {o: 0 for o in OUTCOMES}
    for counts in figures["outcomes"]["by_source"].values():
        for outcome, count in counts.items():
            totals[outcome] += count
    return bars(
        "outcomes",
        "Outcomes of the period's contacts",
        "contacts",
        [OUTCOME_WORDS[o] for o in OUTCOMES],
        [Series("Contacts", tuple(float(totals[o]) for o in OUTCOMES))],
    )


def queue_age(figures: dict[str, Any]) -> Chart:
    """Contacts waiting for a decision now, by RAG, and how many are past their deadline."""
    by_rag = figures["queue"]["by_rag"]
    rags = list(reversed(RAGS))
    return bars(
        "queue",
        "Waiting for a decision now, by RAG",
        "contacts",
        [r.capitalize() for r in rags],
        [
            Series("Waiting", tuple(float(by_rag[r]["waiting"]) for r in rags)),
            Series("Past deadline", tuple(float(by_rag[r]["overdue"]) for r in rags)),
        ],
        stacked=False,
    )


def team_capacity(figures: dict[str, Any]) -> Chart:
    """Each team's caseload against its capacity now."""
    teams = figures["teams"]
    return bars(
        "teams",
        "Team caseloads against capacity now",
        "children",
        [t["team"] for t in teams],
        [
            Series("Caseload", tuple(float(t["caseload"]) for t in teams)),
            Series("Capacity", tuple(float(t["capacity"]) for t in teams)),
        ],
        stacked=False,
    )


def overrides(figures: dict[str, Any]) -> Chart:
    """Decisions that overrode the recommendation, by direction."""
    found = figures["overrides"]
    kinds = (("up", "Stronger"), ("down", "Weaker"), ("children_only", "A child's outcome"))
    return bars(
        "overrides",
        f"Overrides of the recommendation: {found['overrides']} of {found['decisions']} decisions",
        "decisions",
        [words for _, words in kinds],
        [Series("Overrides", tuple(float(found[key]) for key, _ in kinds))],
    )


def quality_grades(figures: dict[str, Any]) -> Chart:
    """Quality audit grades by month."""
    months = figures["quality"]["by_month"]
    grades = (("good", "Good"), ("requires_improvement", "Requires improvement"), ("inadequate", "Inadequate"))
    return bars(
        "quality",
        "Quality audit grades by month",
        "decisions audited",
        [m["month"] for m in months],
        [Series(words, tuple(float(m[key]) for m in months)) for key, words in grades],
    )


CHARTS = (weekly_contacts, timeliness, outcome_mix, queue_age, team_capacity, overrides, quality_grades)


def charts(figures: dict[str, Any]) -> list[Chart]:
    """Build every chart of the dashboard from the figures."""
    return [build(figures) for build in CHARTS]
