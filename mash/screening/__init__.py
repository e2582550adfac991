"""Screening: rules as data, a small engine, and the working-day clock. Pure domain logic."""

from mash.screening.clock import DEFAULT_TIMESCALES, Timescale, WorkingCalendar
from mash.screening.conditions import Problem
from mash.screening.engine import ChildResult, Reason, ScreeningResult, screen, screen_child
from mash.screening.explain import explain
from mash.screening.facts import ChildFacts, ChildHistory, build_facts
from mash.screening.rulebook import (
    Rulebook,
    RulebookError,
    check_rulebook,
    default_rulebook,
    load_rulebook,
)

__all__ = [
    "DEFAULT_TIMESCALES",
    "ChildFacts",
    "ChildHistory",
    "ChildResult",
    "Problem",
    "Reason",
    "Rulebook",
    "RulebookError",
    "ScreeningResult",
    "Timescale",
    "WorkingCalendar",
    "build_facts",
    "check_rulebook",
    "default_rulebook",
    "explain",
    "load_rulebook",
    "screen",
    "screen_child",
]
