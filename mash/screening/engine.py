"""Screen a contact against a rulebook: floors, then the consent rule, then the repeat-contact step-up.

The contact is a typed ``ContactInput``. The rules see what the referrer coded together with the suggestions the
narrative reader found in the words; a rule that fires only because of a suggestion says so in its reason
(``from_words`` and the fields the words came from), so the words can only ever raise a recommendation.

For each child:
1. Every rule is evaluated. The outcome, RAG and level are the highest floors among the rules that fired
   (nfa < signpost < early_help < assessment < strategy_discussion < immediate_protection; green < amber < red).
   When nothing fires the result is nfa, green, level 1 with the rulebook's fallback reason.
2. Consent: when the result is early_help and the family refused consent, the outcome becomes the rulebook's
   consent outcome (signpost) at the same level and RAG. Refusal never raises anything, and at levels 3-4 it
   changes nothing.
3. Step-up: when any step-up fires (the default rulebook: a third contact in 12 months that repeats an earlier
   concern or is more serious than the earlier ones; early help declined or failed before and concerns persist),
   step-ups see the level reached so far (``escalating``); the level rises by the
   largest raise_levels among them (capped at 4). The outcome rises to at least the rulebook's outcome for the new
   level (early_help at level 2, or the consent outcome when consent was refused) and the RAG to at least the
   rulebook's RAG for the new level. A child already at level 4 keeps it; the step-up is still given as a reason.

Reasons list the rules that fired, most severe first (outcome, then level, then RAG; file order breaks ties),
then the consent reason and step-up reasons when they applied. The contact's recommendation is the highest
outcome, RAG and level of its children; its reasons are its children's, most serious child first, each rule once;
its checks are the union of its children's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from mash.screening.conditions import Condition, evaluate, names_in
from mash.screening.facts import ChildFacts, ChildHistory, build_facts
from mash.screening.inputs import TEXT_FIELDS, ContactInput
from mash.screening.rulebook import Rulebook
from mash.screening.vocabulary import OUTCOMES, RAGS, outcome_rank, rag_rank


@dataclass(frozen=True)
class Reason:
    """Why screening recommended what it did: the rule's id, its plain-English text and its guidance."""

    rule: str
    text: str
    source: str
    from_words: bool = False


@dataclass(frozen=True)
class ChildResult:
    """The recommendation for one child, by the child's index in the contact."""

    index: int
    outcome: str
    rag: str
    level: int
    reasons: tuple[Reason, ...]
    checks: frozenset[str]


@dataclass(frozen=True)
class ScreeningResult:
    """The recommendation for a whole contact and for each of its children."""

    outcome: str
    rag: str
    level: int
    reasons: tuple[Reason, ...]
    checks: frozenset[str]
    children: tuple[ChildResult, ...]
    rulebook_version: str


def screen(
    contact: ContactInput,
    received_at: dt.datetime,
    histories: Sequence[ChildHistory],
    rulebook: Rulebook,
) -> ScreeningResult:
    """Screen a contact, child by child, and combine the children into one recommendation."""
    months = rulebook.non_mobile_infant_under_months
    facts = build_facts(contact, received_at, histories, non_mobile_infant_under_months=months)
    if not facts:
        raise ValueError("a contact needs at least one child")
    coded: tuple[ChildFacts | None, ...] = (None,) * len(facts)
    words: dict[str, tuple[str, ...]] = {}
    if contact.suggestions:
        coded = build_facts(
            contact, received_at, histories, non_mobile_infant_under_months=months, with_suggestions=False
        )
        for suggestion in contact.suggestions:
            fields = words.get(suggestion.name, ())
            if suggestion.field not in fields:
                words[suggestion.name] = (*fields, suggestion.field)
    children = tuple(
        screen_child(child, rulebook, coded=coded_child, words=words)
        for child, coded_child in zip(facts, coded, strict=True)
    )
    ranked = sorted(children, key=_severity, reverse=True)
    reasons: dict[str, Reason] = {}
    for child in ranked:
        for reason in child.reasons:
            reasons.setdefault(reason.rule, reason)
    return ScreeningResult(
        outcome=max((child.outcome for child in children), key=outcome_rank),
        rag=max((child.rag for child in children), key=rag_rank),
        level=max(child.level for child in children),
        reasons=tuple(reasons.values()),
        checks=frozenset().union(*(child.checks for child in children)),
        children=children,
        rulebook_version=rulebook.version,
    )


def screen_child(
    facts: ChildFacts,
    rulebook: Rulebook,
    *,
    coded: ChildFacts | None = None,
    words: dict[str, tuple[str, ...]] | None = None,
) -> ChildResult:
    """Screen one child's facts against every rule, then apply the consent rule and the step-up.

    ``coded`` are the same child's facts without the narrative's suggestions; a rule that holds on ``facts`` but
    not on ``coded`` came from the words (``words`` maps each suggested name to the fields it was found in).
    """
    fired = sorted(
        (rule for rule in rulebook.rules if evaluate(rule.when, facts)),
        key=lambda rule: (outcome_rank(rule.outcome), rule.level, rag_rank(rule.rag)),
        reverse=True,
    )
    reasons = [_reason(rule.id, rule.when, rule.reason, rule.source, facts, coded, words) for rule in fired]
    checks = frozenset().union(*(rule.checks for rule in fired))
    if fired:
        outcome = OUTCOMES[max(outcome_rank(rule.outcome) for rule in fired)]
        rag = RAGS[max(rag_rank(rule.rag) for rule in fired)]
        level = max(rule.level for rule in fired)
    else:
        outcome, rag, level = "nfa", "green", 1
        fallback = rulebook.fallback
        reasons.append(Reason(fallback.id, fallback.reason, fallback.source))

    refused = facts.consent == "refused"
    consent = rulebook.consent
    consent_reason = Reason(consent.id, consent.reason, consent.source)
    if refused and outcome == "early_help":
        outcome = consent.becomes
        reasons.append(consent_reason)

    reached = replace(facts, level_so_far=level)
    reached_coded = None if coded is None else replace(coded, level_so_far=level)
    step_ups = [step for step in rulebook.step_ups if evaluate(step.when, reached)]
    if step_ups:
        level = min(4, level + max(step.raise_levels for step in step_ups))
        floor = rulebook.outcome_by_level[level]
        if refused and floor == "early_help":
            floor = consent.becomes
            if consent_reason not in reasons:
                reasons.append(consent_reason)
        outcome = max(outcome, floor, key=outcome_rank)
        rag = max(rag, rulebook.rag_by_level[level], key=rag_rank)
        reasons.extend(
            _reason(step.id, step.when, step.reason, step.source, reached, reached_coded, words) for step in step_ups
        )
        checks = checks.union(*(step.checks for step in step_ups))

    return ChildResult(
        index=facts.index,
        outcome=outcome,
        rag=rag,
        level=level,
        reasons=tuple(reasons),
        checks=checks,
    )


def _reason(
    rule_id: str,
    when: Condition,
    text: str,
    source: str,
    facts: ChildFacts,
    coded: ChildFacts | None,
    words: dict[str, tuple[str, ...]] | None,
) -> Reason:
    if coded is None or evaluate(when, coded):
        return Reason(rule_id, text, source)
    fields = {field for name in names_in(when) for field in (words or {}).get(name, ())}
    texts = sorted(fields & set(TEXT_FIELDS))
    checks = sorted(fields - set(TEXT_FIELDS))
    found = []
    if texts or not checks:
        found.append("Found in the referrer's words" + (f" in the {' and '.join(texts)}" if texts else ""))
    if checks:
        found.append(f"From the {' and the '.join(checks)}")
    return Reason(rule_id, f"{text} ({'; '.join(found)}.)", source, from_words=True)


def _severity(child: ChildResult) -> tuple[int, int, int, int]:
    return (outcome_rank(child.outcome), child.level, rag_rank(child.rag), -child.index)
