"""The words a rulebook may use: the contract's enumerations (mash.enums), and what screening derives from them."""

from __future__ import annotations

from mash import enums

OUTCOMES: tuple[str, ...] = enums.OUTCOMES
RAGS: tuple[str, ...] = enums.RAGS
LEVELS: tuple[int, ...] = (1, 2, 3, 4)

LEVELS_BY_OUTCOME: dict[str, frozenset[int]] = {
    "nfa": frozenset({1}),
    "signpost": frozenset({1, 2}),
    "early_help": frozenset({2}),
    "assessment": frozenset({3}),
    "strategy_discussion": frozenset({4}),
    "immediate_protection": frozenset({4}),
}

CHECK_AGENCIES: frozenset[str] = frozenset({"police", "health", "education"})

CONSENT_STATUSES: frozenset[str] = frozenset(enums.CONSENT_STATUSES)
AGENCY_TYPES: frozenset[str] = frozenset(enums.AGENCY_TYPES)
CATEGORIES: frozenset[str] = frozenset(enums.CONCERN_CATEGORIES)

INDICATORS: frozenset[str] = frozenset(enums.CONCERN_INDICATORS)

# Indicators about the history of the case rather than harm: they do not make anonymous information specific.
HISTORY_INDICATORS: frozenset[str] = frozenset({"early_help_declined"})

AGE_BANDS: frozenset[str] = frozenset(
    {"unborn", "non_mobile_infant", "under_4", "under_5", "under_13", "under_16", "aged_16_17", "age_unknown"}
)


def outcome_rank(outcome: str) -> int:
    """Return the position of an outcome in the order nfa < ... < immediate_protection."""
    return OUTCOMES.index(outcome)


def rag_rank(rag: str) -> int:
    """Return the position of a RAG rating in the order green < amber < red."""
    return RAGS.index(rag)
