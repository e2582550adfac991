"""Statutory floors: the rules that law and statutory guidance set, which no council's rulebook may lower.

The default rulebook marks them ``statutory: true``. A council's rulebook keeps each of them, by id, still marked
statutory, with a condition at least as wide (the same ``when``, or an ``any`` that lists it among others) and an
outcome, level and RAG at least as high; and it may not raise the age below which a baby counts as non-mobile
less than the default. Anything else lowers, removes or weakens a floor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mash.screening.conditions import AnyOf, Condition, Problem
from mash.screening.vocabulary import outcome_rank, rag_rank

if TYPE_CHECKING:
    from mash.screening.rulebook import Rule, Rulebook


def weakened_floors(candidate: Rulebook, floors: Rulebook) -> list[Problem]:
    """Return a problem naming each statutory floor of ``floors`` that ``candidate`` lowers, removes or weakens."""
    problems: list[Problem] = []
    by_id = {rule.id: rule for rule in candidate.rules}
    for floor in floors.rules:
        if not floor.statutory:
            continue
        rule = by_id.get(floor.id)
        if rule is None:
            problems.append(Problem(None, f"statutory floor '{floor.id}' is missing: {floor.source}"))
            continue
        lowered = _lowered(rule, floor)
        if lowered:
            what = ", ".join(lowered)
            problems.append(Problem(rule.line, f"statutory floor '{floor.id}' is weakened ({what}): {floor.source}"))
    if candidate.non_mobile_infant_under_months < floors.non_mobile_infant_under_months:
        problems.append(
            Problem(
                None,
                "statutory floor 'injury-non-mobile-infant' is weakened: non_mobile_infant_under_months "
                f"{candidate.non_mobile_infant_under_months} is below {floors.non_mobile_infant_under_months}",
            )
        )
    return problems


def _lowered(rule: Rule, floor: Rule) -> list[str]:
    lowered = []
    if not rule.statutory:
        lowered.append("no longer marked statutory")
    if not _covers(rule.when, floor.when):
        lowered.append("its condition is narrower")
    if outcome_rank(rule.outcome) < outcome_rank(floor.outcome):
        lowered.append(f"outcome {rule.outcome} is below {floor.outcome}")
    if rule.level < floor.level:
        lowered.append(f"level {rule.level} is below {floor.level}")
    if rag_rank(rule.rag) < rag_rank(floor.rag):
        lowered.append(f"RAG {rule.rag} is below {floor.rag}")
    return lowered


def _covers(when: Condition, floor: Condition) -> bool:
    return when == floor or (isinstance(when, AnyOf) and any(_covers(part, floor) for part in when.parts))
