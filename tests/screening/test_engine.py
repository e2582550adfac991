"""The engine: floors, consent, step-up, ordering of reasons, and combining children."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from mash.screening import ChildHistory, Rulebook, ScreeningResult, default_rulebook, explain, load_rulebook, screen
from mash.screening.engine import Reason
from mash.screening.inputs import Suggestion
from tests.screening.builders import contact_input

RECEIVED = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)

SMALL_RULEBOOK = """\
version: "small.2"
rag_by_level: {1: green, 2: green, 3: amber, 4: red}
outcome_by_level: {2: early_help, 3: assessment, 4: strategy_discussion}
fallback: {id: nothing, reason: Nothing applies., source: Test}
consent: {id: refused, becomes: nfa, reason: Consent refused so no early help., source: Test}
step_ups:
  - {id: twice-more, when: {prior_contacts_at_least: 1}, raise_levels: 2, checks: [education],
     reason: Raised two levels., source: Test}
rules:
  - {id: young, when: {age: under_13}, outcome: strategy_discussion, rag: amber, level: 4,
     checks: [police], reason: Young., source: Test}
  - {id: older, when: {age: aged_16_17}, outcome: assessment, rag: red, level: 3,
     checks: [health], reason: Older., source: Test}
  - {id: help, when: {any_category: [neglect]}, outcome: early_help, rag: green, level: 2,
     reason: Help., source: Test}
"""


@pytest.fixture
def small(tmp_path: Path) -> Rulebook:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_RULEBOOK, encoding="utf-8")
    return load_rulebook(path)


def run(body: dict[str, Any], *args: Any) -> ScreeningResult:
    return screen(contact_input(body), *args)


def contact(categories: list[str], *dates_of_birth: dt.date, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "referrer": {"agency_type": "police"},
        "children": [
            {"first_name": f"Child{n}", "last_name": "Lee", "date_of_birth": born}
            for n, born in enumerate(dates_of_birth)
        ],
        "concerns": {"categories": categories, "indicators": []},
        "immediate_danger": False,
        "consent": {"status": "given"},
    }
    body.update(overrides)
    return body


def test_contact_takes_the_highest_outcome_rag_and_level_independently(small: Rulebook) -> None:
    result = run(contact(["other"], dt.date(2015, 1, 1), dt.date(2010, 1, 1)), RECEIVED, [], small)
    young, older = result.children
    assert (young.outcome, young.rag, young.level) == ("strategy_discussion", "amber", 4)
    assert (older.outcome, older.rag, older.level) == ("assessment", "red", 3)
    assert (result.outcome, result.rag, result.level) == ("strategy_discussion", "red", 4)
    assert result.checks == {"police", "health"}
    assert [reason.rule for reason in result.reasons] == ["young", "older"]
    assert result.rulebook_version == "small.2"


def test_each_child_keeps_its_own_index_and_reasons(small: Rulebook) -> None:
    result = run(contact(["neglect"], dt.date(2010, 1, 1), dt.date(2015, 1, 1)), RECEIVED, [], small)
    assert [child.index for child in result.children] == [0, 1]
    assert [r.rule for r in result.children[0].reasons] == ["older", "help"]
    assert [r.rule for r in result.children[1].reasons] == ["young", "help"]
    assert [r.rule for r in result.reasons] == ["young", "help", "older"]


def test_no_rule_fired_gives_nfa_with_the_fallback_reason(small: Rulebook) -> None:
    result = run(contact(["other"], dt.date(2000, 1, 1)), RECEIVED, [], small)
    assert (result.outcome, result.rag, result.level) == ("nfa", "green", 1)
    assert [(r.rule, r.text, r.source) for r in result.reasons] == [("nothing", "Nothing applies.", "Test")]
    assert result.checks == frozenset()


def test_consent_outcome_comes_from_the_rulebook(small: Rulebook) -> None:
    refused = contact(["neglect"], dt.date(2000, 1, 1), consent={"status": "refused", "reason": "No"})
    result = run(refused, RECEIVED, [], small)
    assert (result.outcome, result.rag, result.level) == ("nfa", "green", 2)
    assert [r.rule for r in result.reasons] == ["help", "refused"]


def test_step_up_raises_by_the_rulebooks_amount_and_adds_its_checks(small: Rulebook) -> None:
    result = run(contact(["neglect"], dt.date(2000, 1, 1)), RECEIVED, [ChildHistory(1)], small)
    assert (result.outcome, result.rag, result.level) == ("strategy_discussion", "red", 4)
    assert result.checks == {"education"}
    assert [r.rule for r in result.reasons] == ["help", "twice-more"]


def test_step_up_never_goes_past_level_4_or_lowers_rag(small: Rulebook) -> None:
    result = run(contact(["other"], dt.date(2010, 1, 1)), RECEIVED, [ChildHistory(1)], small)
    assert (result.outcome, result.rag, result.level) == ("strategy_discussion", "red", 4)


def test_default_rulebook_orders_reasons_by_severity() -> None:
    body = contact(["neglect", "domestic_abuse"], dt.date(2019, 4, 2))
    body["concerns"]["indicators"] = ["weapon_or_strangulation", "repeat_incidents", "injury"]
    result = run(body, RECEIVED, [], default_rulebook())
    assert [r.rule for r in result.reasons] == [
        "da-high-risk",
        "da-repeated",
        "injury",
        "neglect-repeated",
        "neglect",
        "domestic-abuse",
    ]
    assert all(r.source for r in result.reasons)


def test_a_contact_needs_a_child() -> None:
    with pytest.raises(ValueError, match="at least one child"):
        run(contact(["neglect"]), RECEIVED, [], default_rulebook())


def test_explain_shows_recommendation_reasons_and_each_child() -> None:
    body = contact(["neglect"], dt.date(2026, 8, 10), dt.date(2019, 4, 2))
    body["concerns"]["indicators"] = ["injury"]
    result = run(body, RECEIVED, [], default_rulebook())
    due = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
    text = explain(result, decision_due_by=due)
    lines = text.splitlines()
    assert lines[0] == "Recommendation: strategy discussion (s47) [strategy_discussion], RED, level 4"
    assert lines[1] == "Rulebook version: 2026.11.15"
    assert lines[2] == "Decision due by: 2026-11-23T14:00:00+00:00"
    assert lines[3] == "MASH checks: education, health, police"
    assert "Child 1 (children.0): strategy discussion (s47) [strategy_discussion], RED, level 4" in lines
    assert "Child 2 (children.1): child and family assessment (s17) [assessment], AMBER, level 3" in lines
    assert any("[injury-non-mobile-infant; London CP Procedures 2024" in line for line in lines)
    assert text.endswith("\n")


def test_explain_without_a_due_time_or_checks() -> None:
    body = contact(["other"], dt.date(2015, 1, 1), consent={"status": "not_sought", "reason": "Not yet"})
    result = run(body, RECEIVED, [], default_rulebook())
    text = explain(result)
    assert "Decision due by" not in text
    assert "MASH checks: none recommended" in text
    assert "[base-no-indicators;" in text


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        (("worries", "summary", "summary"), "Found in the referrer's words in the summary and worries"),
        (("police", "health"), "From the health and the police"),
        (("summary", "police"), "Found in the referrer's words in the summary; From the police"),
    ],
)
def test_a_rule_that_fires_only_on_the_words_says_where_they_were_found(
    small: Rulebook, fields: tuple[str, ...], said: str
) -> None:
    found = tuple(Suggestion("neglect", "category", field, "He is left hungry.") for field in fields)

    result = screen(contact_input(contact([], dt.date(2014, 1, 5)), found), RECEIVED, [], small)

    assert result.children[0].reasons == (
        Reason("young", "Young.", "Test"),
        Reason("help", f"Help. ({said}.)", "Test", from_words=True),
    )


STEP_RULEBOOK = """\
version: "step.1"
non_mobile_infant_under_months: 9
rag_by_level: {1: green, 2: green, 3: amber, 4: red}
outcome_by_level: {2: early_help, 3: assessment, 4: strategy_discussion}
fallback: {id: nothing, reason: Nothing applies., source: Test}
consent: {id: refused, becomes: signpost, reason: Consent refused so no early help., source: Test consent}
step_ups:
  - {id: again, when: {prior_contacts_at_least: 1}, raise_levels: 1, reason: Seen before., source: Test step}
  - {id: worse, when: {any_category: [sexual_abuse]}, raise_levels: 1, reason: Worse., source: Test step}
rules:
  - {id: baby, when: {age: non_mobile_infant}, outcome: assessment, rag: amber, level: 3, reason: A baby.,
     source: Test}
  - {id: help, when: {any_category: [neglect]}, outcome: early_help, rag: green, level: 2, reason: Help.,
     source: Test}
  - {id: teen, when: {age: aged_16_17}, outcome: assessment, rag: amber, level: 3, reason: A teenager.,
     source: Test}
"""
NOTHING = Reason("nothing", "Nothing applies.", "Test")
SEEN_BEFORE = Reason("again", "Seen before.", "Test step")
REFUSED = Reason("refused", "Consent refused so no early help.", "Test consent")


@pytest.fixture
def stepping(tmp_path: Path) -> Rulebook:
    path = tmp_path / "step.yaml"
    path.write_text(STEP_RULEBOOK, encoding="utf-8")
    return load_rulebook(path)


@pytest.mark.parametrize(
    ("consent", "outcome", "reasons"),
    [("refused", "signpost", (NOTHING, REFUSED, SEEN_BEFORE)), ("given", "early_help", (NOTHING, SEEN_BEFORE))],
)
def test_a_step_up_to_early_help_gives_the_consent_outcome_when_consent_was_refused(
    stepping: Rulebook, consent: str, outcome: str, reasons: tuple[Reason, ...]
) -> None:
    body = contact(["other"], dt.date(2014, 1, 5), consent={"status": consent})

    child = run(body, RECEIVED, [ChildHistory(1)], stepping).children[0]

    assert (child.outcome, child.rag, child.level, child.reasons) == (outcome, "green", 2, reasons)


def test_only_what_the_words_added_is_said_to_come_from_them(stepping: Rulebook) -> None:
    seven_months_old = dt.date(2026, 4, 20)
    words = (
        Suggestion("neglect", "category", "summary", "There is no food in the house."),
        Suggestion("sexual_abuse", "category", "worries", "He showed her pictures."),
    )

    result = screen(
        contact_input(contact([], seven_months_old), words), RECEIVED, [ChildHistory(1)], stepping
    ).children[0]

    assert result.reasons == (
        Reason("baby", "A baby.", "Test"),
        Reason("help", "Help. (Found in the referrer's words in the summary.)", "Test", from_words=True),
        SEEN_BEFORE,
        Reason("worse", "Worse. (Found in the referrer's words in the worries.)", "Test step", from_words=True),
    )


def test_children_as_serious_as_each_other_give_their_reasons_in_the_order_they_were_given(stepping: Rulebook) -> None:
    result = run(contact([], dt.date(2010, 1, 5), dt.date(2026, 4, 20)), RECEIVED, [], stepping)

    assert result.reasons == (Reason("teen", "A teenager.", "Test"), Reason("baby", "A baby.", "Test"))


def test_a_contact_without_children_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^a contact needs at least one child$"):
        run(contact(["neglect"]), RECEIVED, [], default_rulebook())
