"""How values read on the staff pages: outcomes, RAG, ages, deadlines and times in words."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

ENGLAND = ZoneInfo("Europe/London")

OUTCOMES = {
    "nfa": "No further action",
    "signpost": "Signpost",
    "early_help": "Early help",
    "assessment": "Assessment",
    "strategy_discussion": "Strategy discussion",
    "immediate_protection": "Immediate protection",
}
OUTCOME_ORDER = tuple(OUTCOMES)
RAG_TAGS = {
    "red": ("Red", "govuk-tag--red"),
    "amber": ("Amber", "govuk-tag--orange"),
    "green": ("Green", "govuk-tag--green"),
}
STATUSES = {
    "received": "Received, screening",
    "awaiting_decision": "Awaiting decision",
    "screening_failed": "Screening failed",
    "decided": "Decided, awaiting sign-off",
    "closed": "Closed",
}


# Facts a partner may give by phone that screening keys on, as the contact page offers them.
PHONE_FACTS = {
    "child_protection_plan": "On a child protection plan",
    "looked_after": "Looked after by a local authority",
    "repeat_incidents": "Repeated domestic abuse incidents",
    "marac_high_risk": "High-risk domestic abuse (MARAC)",
}

ACRONYMS = {"gp": "GP", "fgm": "FGM", "nfa": "No further action", "la_social_care": "Local authority social care"}


def label(value: str | None) -> str:
    """Turn an enumeration value into words (`domestic_abuse` becomes `Domestic abuse`)."""
    return ACRONYMS.get(value or "") or (value or "").replace("_", " ").capitalize()


def outcome(value: str | None) -> str:
    """Return an outcome in words."""
    return OUTCOMES.get(value or "", label(value))


def _span(seconds: float) -> str:
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' * (days != 1)}")
    if hours:
        parts.append(f"{hours} hour{'s' * (hours != 1)}")
    if mins and not days:
        parts.append(f"{mins} minute{'s' * (mins != 1)}")
    return " ".join(parts) or "less than a minute"


def due(due_by: datetime, now: datetime) -> str:
    """Say how long is left before a deadline, or how long ago it passed."""
    seconds = (due_by - now).total_seconds()
    return f"{_span(seconds)} left" if seconds >= 0 else f"Overdue by {_span(-seconds)}"


def when(at: datetime | None) -> str:
    """Return a time as people in England read it: `14:05 on 3 December 2026`."""
    if at is None:
        return ""
    local = at.astimezone(ENGLAND)
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"


def day(value: date | None) -> str:
    """Return a date as `3 December 2026`."""
    return f"{value.day} {value:%B %Y}" if value else ""


def age(born: date | None, expected: date | None, today: date) -> str:
    """Return a child's age in words, or that they are not yet born."""
    if born is None:
        return f"Unborn, due {day(expected)}" if expected else "Not known"
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if years >= 2:
        return f"{years} years"
    months = (today.year - born.year) * 12 + today.month - born.month - (today.day < born.day)
    return f"{months} month{'s' * (months != 1)}"
