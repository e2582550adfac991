"""Small statistics for the figures: shares, nearest-rank percentiles, and ranks of outcomes and RAGs."""

from __future__ import annotations

import math
from collections.abc import Sequence

from mash.enums import OUTCOMES, RAGS


def share(part: int, whole: int) -> float | None:
    """Return part/whole rounded to four places, or None when there is nothing to divide."""
    return round(part / whole, 4) if whole else None


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Return the nearest-rank percentile of some values (None when there are none), rounded to two places."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)], 2)


def direction(outcome: str, rag: str, recommended_outcome: str | None, recommended_rag: str | None) -> str:
    """Say whether an override made the response stronger ('up'), weaker ('down') or only changed a child's."""
    if recommended_outcome is None or recommended_rag is None:
        return "no_recommendation"
    decided = (OUTCOMES.index(outcome), RAGS.index(rag))
    recommended = (OUTCOMES.index(recommended_outcome), RAGS.index(recommended_rag))
    if decided > recommended:
        return "up"
    if decided < recommended:
        return "down"
    return "children_only"
