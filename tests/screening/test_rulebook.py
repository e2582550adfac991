"""Loading and checking rulebook files: every problem is named with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from mash.screening import RulebookError, check_rulebook, default_rulebook, load_rulebook
from mash.screening.conditions import evaluate
from mash.screening.rulebook import DEFAULT_RULEBOOK
from tests.screening.test_facts import RECEIVED, build, contact, named

HEADER = """\
version: "test.1"
rag_by_level: {1: green, 2: green, 3: amber, 4: red}
outcome_by_level: {2: early_help, 3: assessment, 4: strategy_discussion}
fallback: {id: base-no-indicators, reason: Nothing applies., source: Test}
consent: {id: consent-refused, becomes: signpost, reason: Consent refused., source: Test}
rules:
"""
GOOD_RULE = """\
  - id: neglect
    when: {any_category: [neglect]}
    outcome: early_help
    rag: green
    level: 2
    reason: Neglect.
    source: WT23 ch.3
"""
FIRST_RULE_LINE = HEADER.count("\n") + 1


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def messages(tmp_path: Path, text: str) -> list[str]:
    return [str(problem) for problem in check_rulebook(write(tmp_path, text))]


def test_default_rulebook_has_no_problems() -> None:
    assert check_rulebook(DEFAULT_RULEBOOK) == []


def test_default_rulebook_is_versioned_and_loaded_once() -> None:
    assert default_rulebook().version == "2026.11.15"
    assert default_rulebook() is default_rulebook()


def test_a_minimal_rulebook_loads(tmp_path: Path) -> None:
    rulebook = load_rulebook(write(tmp_path, HEADER + GOOD_RULE))
    assert rulebook.version == "test.1"
    assert rulebook.rule_ids() == ("neglect", "consent-refused", "base-no-indicators")
    assert rulebook.non_mobile_infant_under_months == 6


def test_yaml_syntax_error_names_its_line(tmp_path: Path) -> None:
    rule = GOOD_RULE.replace("reason: Neglect.", "reason: Neglect: early help.")
    assert messages(tmp_path, HEADER + rule) == [
        f"line {FIRST_RULE_LINE + 5}: YAML syntax error: mapping values are not allowed here"
    ]


def test_unclosed_bracket_names_where_it_was_noticed_and_where_it_opened(tmp_path: Path) -> None:
    text = HEADER + GOOD_RULE + "  - id: broken\n    when: {any_category: [neglect]\n    outcome: nfa\n"
    problems = check_rulebook(write(tmp_path, text))
    assert len(problems) == 1
    assert problems[0].line == FIRST_RULE_LINE + 9
    assert problems[0].message.startswith("YAML syntax error: expected ',' or '}'")
    assert f"on line {FIRST_RULE_LINE + 8}" in problems[0].message


def test_unknown_indicator_names_its_line(tmp_path: Path) -> None:
    rule = GOOD_RULE.replace("{any_category: [neglect]}", "\n      any_indicator:\n        - injury\n        - sunburn")
    problems = check_rulebook(write(tmp_path, HEADER + rule))
    assert [(p.line, p.message) for p in problems] == [
        (FIRST_RULE_LINE + 4, "unknown indicator 'sunburn'"),
    ]


def test_misspelt_indicator_gets_a_suggestion(tmp_path: Path) -> None:
    rule = GOOD_RULE.replace("{any_category: [neglect]}", "{any_indicator: [injury_unexplaned]}")
    assert messages(tmp_path, HEADER + rule) == [
        f"line {FIRST_RULE_LINE + 1}: unknown indicator 'injury_unexplaned' (did you mean 'injury_unexplained'?)"
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("[neglect]", "[neglet]", "unknown category 'neglet'"),
        ("{any_category: [neglect]}", "{age: toddler}", "unknown age band 'toddler'"),
        ("{any_category: [neglect]}", "{agency_type: [police, fbi]}", "unknown agency type 'fbi'"),
        ("{any_category: [neglect]}", "{consent: maybe}", "unknown consent status 'maybe'"),
        ("{any_category: [neglect]}", "{any_categroy: [neglect]}", "unknown condition key 'any_categroy'"),
        ("{any_category: [neglect]}", "{thin: yes please}", "'thin' must be true or false"),
        ("{any_category: [neglect]}", "{prior_contacts_at_least: -1}", "'prior_contacts_at_least' must be"),
        ("{any_category: [neglect]}", "{any: []}", "'any' needs a non-empty list of conditions"),
        ("{any_category: [neglect]}", "{not: {any_indicator: [nope]}}", "unknown indicator 'nope'"),
        ("outcome: early_help", "outcome: early_halp", "unknown outcome 'early_halp'"),
        ("rag: green", "rag: purple", "unknown rag 'purple'"),
        ("level: 2", "level: 5", "'level' must be a whole number from 1 to 4"),
        ("level: 2", "level: 0", "'level' must be a whole number from 1 to 4"),
        ("level: 2", "level: 3", "level 3 does not fit outcome 'early_help'"),
        ("    reason: Neglect.\n", "", "missing 'reason'"),
        ("    source: WT23 ch.3\n", "    source: ''\n", "'source'"),
        ("    rag: green\n", "    rag: green\n    checks: [police, social_care]\n", "unknown check agency"),
        ("    rag: green\n", "    rag: green\n    colour: blue\n", "unknown rule key 'colour'"),
        ("id: neglect", "id: Neglect Rule", "must be lower-case words joined by hyphens"),
    ],
)
def test_reference_errors_name_the_rule_line(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in GOOD_RULE
    problems = check_rulebook(write(tmp_path, HEADER + GOOD_RULE.replace(old, new)))
    assert problems, f"no problem reported for {new!r}"
    assert any(expected in p.message for p in problems), [str(p) for p in problems]
    assert all(p.line is not None and FIRST_RULE_LINE <= p.line < FIRST_RULE_LINE + 9 for p in problems)


def test_duplicate_rule_id_names_both_lines(tmp_path: Path) -> None:
    problems = check_rulebook(write(tmp_path, HEADER + GOOD_RULE + GOOD_RULE))
    assert [(p.line, p.message) for p in problems] == [
        (FIRST_RULE_LINE + 7, f"duplicate rule id 'neglect' (first used on line {FIRST_RULE_LINE})"),
    ]


def test_rule_id_may_not_reuse_the_fallback_id(tmp_path: Path) -> None:
    rule = GOOD_RULE.replace("id: neglect", "id: base-no-indicators")
    assert any("duplicate rule id 'base-no-indicators'" in m for m in messages(tmp_path, HEADER + rule))


def test_missing_sections_are_reported(tmp_path: Path) -> None:
    text = 'version: "x"\nrules: []\n'
    found = messages(tmp_path, text)
    assert "line 2: 'rules' must be a non-empty list" in found
    assert any("missing 'fallback' section" in m for m in found)
    assert any("missing 'consent' section" in m for m in found)
    assert any("'rag_by_level' must map" in m for m in found)


def test_step_up_is_checked(tmp_path: Path) -> None:
    step = "step_ups:\n  - {id: repeat, when: {prior_contacts_at_least: two}, raise_levels: 9, reason: R., source: S}\n"
    found = messages(tmp_path, HEADER.replace("rules:\n", step + "rules:\n") + GOOD_RULE)
    step_line = HEADER.count("\n") + 1
    assert f"line {step_line}: 'prior_contacts_at_least' must be a whole number, 0 or more" in found
    assert any(m.startswith(f"line {step_line}:") and "'raise_levels'" in m for m in found)


def test_load_rulebook_raises_with_every_problem(tmp_path: Path) -> None:
    text = HEADER + GOOD_RULE.replace("[neglect]", "[neglet]").replace("rag: green", "rag: pink")
    path = write(tmp_path, text)
    with pytest.raises(RulebookError) as caught:
        load_rulebook(path)
    assert len(caught.value.problems) == 2
    assert f"{path}: line {FIRST_RULE_LINE + 1}: unknown category 'neglet'" in str(caught.value)


def test_unreadable_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    problems = check_rulebook(tmp_path / "missing.yaml")
    assert len(problems) == 1
    assert problems[0].line is None
    assert "cannot read" in problems[0].message


def test_a_rulebook_that_is_not_a_mapping(tmp_path: Path) -> None:
    assert messages(tmp_path, "- just\n- a list\n") == [
        "line 1: a rulebook must be a mapping with 'version' and 'rules'"
    ]


def test_a_key_written_twice_is_reported(tmp_path: Path) -> None:
    rule = GOOD_RULE.replace("    level: 2\n", "    level: 2\n    outcome: assessment\n")
    found = messages(tmp_path, HEADER + rule)
    assert f"line {FIRST_RULE_LINE + 5}: key 'outcome' is written twice" in found


def test_a_rule_that_is_not_a_mapping(tmp_path: Path) -> None:
    assert messages(tmp_path, HEADER + "  - just a sentence\n") == [f"line {FIRST_RULE_LINE}: a rule must be a mapping"]


def test_evaluating_what_is_not_a_condition_is_refused_naming_it() -> None:
    (facts,) = build(contact(named("2019-04-02")), RECEIVED)

    with pytest.raises(TypeError, match=r"^not a condition: \{'immediate_danger': True\}$"):
        evaluate({"immediate_danger": True}, facts)  # type: ignore[arg-type]
