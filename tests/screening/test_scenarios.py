"""Run every scenario in tests/screening/scenarios against the default rulebook.

Each file holds `scenarios:`, a list of:
  name: unique, used as the test id
  about: what happened, in words (optional)
  received_at: ISO 8601 with offset (optional; default Monday 2026-11-23 10:00 UTC)
  contact: a trimmed contract body; referrer.agency_type defaults to police, indicators to [],
           immediate_danger to false, consent to not_sought
  histories: one {contacts_last_12_months, early_help_declined_or_failed} per child (optional)
  expect: outcome, rag, level; optionally rules (must fire), absent_rules (must not), checks (exactly),
          and children: the same per child, in order
Every rule id in the default rulebook must appear in some scenario's expected rules.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from mash.screening import ChildHistory, ScreeningResult, default_rulebook, screen
from mash.screening.inputs import ContactInput
from tests.screening.builders import contact_input

SCENARIO_DIR = Path(__file__).parent / "scenarios"
DEFAULT_RECEIVED_AT = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
SCENARIO_KEYS = {"name", "about", "received_at", "contact", "histories", "expect"}
EXPECT_KEYS = {"outcome", "rag", "level", "rules", "absent_rules", "checks", "children"}
CHILD_EXPECT_KEYS = {"outcome", "rag", "level", "rules", "absent_rules", "checks"}


def load_scenarios() -> list[dict[str, Any]]:
    scenarios = []
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        for scenario in yaml.safe_load(path.read_text(encoding="utf-8"))["scenarios"]:
            scenarios.append({**scenario, "file": path.name})
    return scenarios


SCENARIOS = load_scenarios()


def build_contact(trimmed: dict[str, Any]) -> ContactInput:
    return contact_input(trimmed)


def run(scenario: dict[str, Any]) -> ScreeningResult:
    received_at = DEFAULT_RECEIVED_AT
    if "received_at" in scenario:
        received_at = dt.datetime.fromisoformat(scenario["received_at"])
    histories = [history_of(history) for history in scenario.get("histories", [])]
    return screen(build_contact(scenario["contact"]), received_at, histories, default_rulebook())


def history_of(given: dict[str, Any]) -> ChildHistory:
    earlier = given.get("earlier_categories")
    return ChildHistory(
        contacts_last_12_months=given.get("contacts_last_12_months", 0),
        early_help_declined_or_failed=given.get("early_help_declined_or_failed", False),
        earlier_categories=None if earlier is None else frozenset(earlier),
        earlier_max_level=given.get("earlier_max_level"),
    )


def expected_rule_ids(scenario: dict[str, Any]) -> set[str]:
    expect = scenario["expect"]
    ids = set(expect.get("rules", [])) | set(expect.get("absent_rules", []))
    for child in expect.get("children", []):
        ids |= set(child.get("rules", [])) | set(child.get("absent_rules", []))
    return ids


def assert_matches(label: str, got: Any, expect: dict[str, Any]) -> None:
    fired = [reason.rule for reason in got.reasons]
    assert (got.outcome, got.rag, got.level) == (expect["outcome"], expect["rag"], expect["level"]), (
        f"{label}: got {got.outcome}/{got.rag}/{got.level} from rules {fired}"
    )
    missing = set(expect.get("rules", [])) - set(fired)
    assert not missing, f"{label}: expected rules {sorted(missing)} to fire; fired {fired}"
    unexpected = set(expect.get("absent_rules", [])) & set(fired)
    assert not unexpected, f"{label}: rules {sorted(unexpected)} fired but should not have"
    if "checks" in expect:
        assert got.checks == frozenset(expect["checks"]), f"{label}: checks {sorted(got.checks)}"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[scenario["name"] for scenario in SCENARIOS])
def test_scenario(scenario: dict[str, Any]) -> None:
    result = run(scenario)
    assert_matches("contact", result, scenario["expect"])
    children = scenario["expect"].get("children", [])
    if children:
        assert len(children) == len(result.children)
        for index, (got, expect) in enumerate(zip(result.children, children, strict=True)):
            assert_matches(f"child {index}", got, expect)
    assert result.rulebook_version == default_rulebook().version


def test_scenarios_are_well_formed() -> None:
    names = [scenario["name"] for scenario in SCENARIOS]
    assert len(names) == len(set(names)), "scenario names must be unique"
    known = set(default_rulebook().rule_ids())
    for scenario in SCENARIOS:
        assert set(scenario) - {"file"} <= SCENARIO_KEYS, scenario["name"]
        assert set(scenario["expect"]) <= EXPECT_KEYS, scenario["name"]
        for child in scenario["expect"].get("children", []):
            assert set(child) <= CHILD_EXPECT_KEYS, scenario["name"]
        assert expected_rule_ids(scenario) <= known, f"{scenario['name']} names an unknown rule"


def test_every_rule_in_the_default_rulebook_has_a_scenario() -> None:
    covered: set[str] = set()
    for scenario in SCENARIOS:
        expect = scenario["expect"]
        covered |= set(expect.get("rules", []))
        for child in expect.get("children", []):
            covered |= set(child.get("rules", []))
    uncovered = [rule_id for rule_id in default_rulebook().rule_ids() if rule_id not in covered]
    assert not uncovered, f"rules with no scenario expecting them to fire: {uncovered}"
