"""Render a screening result as plain text a screener or practice lead can read."""

from __future__ import annotations

import datetime as dt

from mash.screening.engine import ChildResult, Reason, ScreeningResult

_OUTCOME_WORDS = {
    "nfa": "no further action",
    "signpost": "signpost to another service",
    "early_help": "early help",
    "assessment": "child and family assessment (s17)",
    "strategy_discussion": "strategy discussion (s47)",
    "immediate_protection": "immediate protection",
}


def explain(result: ScreeningResult, decision_due_by: dt.datetime | None = None) -> str:
    """Explain a screening result: the recommendation, when it is due, the checks, and why, child by child."""
    lines = [
        f"Recommendation: {_summary(result.outcome, result.rag, result.level)}",
        f"Rulebook version: {result.rulebook_version}",
    ]
    if decision_due_by is not None:
        lines.append(f"Decision due by: {decision_due_by.isoformat()}")
    lines.append(f"MASH checks: {', '.join(sorted(result.checks)) or 'none recommended'}")
    lines.append("Reasons:")
    lines.extend(_reason_lines(result.reasons))
    for child in result.children:
        lines.append("")
        lines.extend(_child_lines(child))
    return "\n".join(lines) + "\n"


def _summary(outcome: str, rag: str, level: int) -> str:
    return f"{_OUTCOME_WORDS.get(outcome, outcome)} [{outcome}], {rag.upper()}, level {level}"


def _child_lines(child: ChildResult) -> list[str]:
    checks = ", ".join(sorted(child.checks)) or "none"
    return [
        f"Child {child.index + 1} (children.{child.index}): {_summary(child.outcome, child.rag, child.level)}",
        f"  MASH checks: {checks}",
        *_reason_lines(child.reasons),
    ]


def _reason_lines(reasons: tuple[Reason, ...]) -> list[str]:
    return [f"  - {reason.text} [{reason.rule}; {reason.source}]" for reason in reasons]
