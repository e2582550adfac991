"""The dashboard's charts, built from the managers' figures: each with its data for a table and a CSV file."""

from __future__ import annotations

from typing import Any

from mash.enums import OUTCOMES, RAGS
from mash.web.charts import Chart, Series, bars
from mash.web.words import OUTCOMES as OUTCOME_WORDS
from mash.web.words import label

TIMELINESS_TARGET = 90.0
BLUE, TURQUOISE, ORANGE, RED, PURPLE, GREY = "#1d70b8", "#28a197", "#f47738", "#d4351c", "#4c2c92", "#505a5f"
AGES = (
    ("under_4_hours", "Under 4 hours", BLUE),
    ("4_to_24_hours", "4 to 24 hours", TURQUOISE),
    ("1_to_3_days", "1 to 3 days", ORANGE),
    ("over_3_days", "Over 3 days", RED),
)
CHECK_STATES = (
    ("answered_on_time", "Answered on time", BLUE),
    ("answered_late", "Answered late", ORANGE),
    ("overdue", "Overdue", RED),
    ("failed", "Failed", PURPLE),
    ("pending", "Not yet due", GREY),
)
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
        target_label=f"target {TIMELINESS_TARGET:.0f}%",
        top=100.0,
        empty="No decisions in this period",
    )


def decision_hours(figures: dict[str, Any]) -> Chart:
    """Hours from receiving a contact to its first decision, by RAG: the median and the 90th percentile."""
    spread = figures["timeliness"]["hours_to_decision"]
    rags = list(reversed(RAGS))
    return bars(
        "decision-hours",
        "Hours from receiving a contact to its first decision, by RAG",
        "hours",
        [r.capitalize() for r in rags],
        [
            Series("Median", tuple(float(spread[r]["median"] or 0) for r in rags)),
            Series("90th percentile", tuple(float(spread[r]["p90"] or 0) for r in rags)),
        ],
        stacked=False,
        empty="No decisions in this period",
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
    """Contacts waiting for a decision now, by RAG, stacked by how long they have waited."""
    queue = figures["queue"]
    rags = list(reversed(RAGS))
    return bars(
        "queue",
        f"Waiting for a decision now, by RAG and how long since they came in: {queue['waiting']} waiting, "
        f"{queue['overdue']} past their deadline",
        "contacts",
        [r.capitalize() for r in rags],
        [
            Series(words, tuple(float(queue["by_rag"][r]["by_age"][band]) for r in rags), colour)
            for band, words, colour in AGES
        ],
        empty="Nothing is waiting for a decision",
    )


def checks(figures: dict[str, Any]) -> Chart:
    """MASH checks asked of each agency in the period, by what became of them."""
    agencies = figures["checks"]
    return bars(
        "checks",
        "MASH checks asked of each agency, answered on time or not",
        "checks",
        [label(agency) for agency in agencies],
        [
            Series(words, tuple(float(found[state]) for found in agencies.values()), colour)
            for state, words, colour in CHECK_STATES
        ],
        empty="No checks asked in this period",
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
        empty="No team has workers or cases",
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
        empty="No overrides in this period",
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
        empty="No audits graded in this period",
    )


CHARTS = (
    weekly_contacts,
    timeliness,
    decision_hours,
    outcome_mix,
    queue_age,
    checks,
    team_capacity,
    overrides,
    quality_grades,
)


def charts(figures: dict[str, Any]) -> list[Chart]:
    """Build every chart of the dashboard from the figures."""
    return [build(figures) for build in CHARTS]
