"""Statutory floors: a council rulebook may raise them, never lower, remove or weaken them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mash.app import create_app
from mash.screening import RulebookError, check_rulebook, default_rulebook
from mash.screening.rulebook import DEFAULT_RULEBOOK
from mash.settings import Settings

MASH = str(Path(sys.executable).with_name("mash"))
DEFAULT_TEXT = DEFAULT_RULEBOOK.read_text(encoding="utf-8")
NIM_RULE = """  - id: injury-non-mobile-infant
    when:
      all:
        - age: non_mobile_infant
        - any:
            - any_indicator: [injury, injury_described, injury_unexplained, patterned_injury]
            - any_category: [physical_abuse]
    statutory: true
    outcome: strategy_discussion
    rag: red
"""


def council(tmp_path: Path, old: str, new: str) -> Path:
    assert DEFAULT_TEXT.count(old) == 1, old
    path = tmp_path / "council.yaml"
    path.write_text(DEFAULT_TEXT.replace(old, new), encoding="utf-8")
    return path


def messages(path: Path) -> list[str]:
    return [str(problem) for problem in check_rulebook(path)]


def test_the_default_rulebook_marks_the_floors_law_and_statutory_guidance_set() -> None:
    statutory = {rule.id for rule in default_rulebook().rules if rule.statutory}
    assert {
        "sexual-abuse-allegation",
        "sexual-activity-under-13",
        "injury-non-mobile-infant",
        "injury-unexplained-or-patterned",
        "risk-to-life",
        "abandoned-or-no-carer",
        "exploitation",
        "missing-repeat-or-prolonged",
        "da-high-risk",
        "person-posing-risk",
        "fgm",
        "unborn-trigger",
        "homeless-16-17",
        "unaccompanied-asylum-seeking-child",
        "private-fostering",
    } <= statutory
    assert "neglect" not in statutory and "domestic-abuse" not in statutory
    assert check_rulebook(DEFAULT_RULEBOOK) == []


def test_a_council_rulebook_that_raises_a_floor_is_accepted(tmp_path: Path) -> None:
    raised = NIM_RULE.replace("outcome: strategy_discussion", "outcome: immediate_protection")
    assert messages(council(tmp_path, NIM_RULE, raised)) == []


def test_a_council_rulebook_that_widens_a_floor_with_any_is_accepted(tmp_path: Path) -> None:
    old_when = NIM_RULE.split("    statutory")[0]
    new_when = (
        "  - id: injury-non-mobile-infant\n    when:\n      any:\n        - any_category: [fgm]\n        - all:\n"
        "            - age: non_mobile_infant\n            - any:\n"
        "                - any_indicator: [injury, injury_described, injury_unexplained, patterned_injury]\n"
        "                - any_category: [physical_abuse]\n"
    )
    assert messages(council(tmp_path, old_when, new_when)) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("outcome: strategy_discussion", "outcome assessment is below strategy_discussion"),
        ("rag: red", "RAG amber is below red"),
        ("statutory: true", "no longer marked statutory"),
        ("- any_category: [physical_abuse]", "its condition is narrower"),
    ],
)
def test_a_council_rulebook_that_lowers_or_weakens_a_floor_fails_naming_it(
    tmp_path: Path, change: str, expected: str
) -> None:
    replacement = {
        "outcome: strategy_discussion": "outcome: assessment\n    level: 3",
        "rag: red": "rag: amber",
        "statutory: true": "statutory: false",
        "- any_category: [physical_abuse]": "- any_category: [sexual_abuse]",
    }[change]
    weakened = NIM_RULE.replace(change, replacement)
    if change == "outcome: strategy_discussion":
        path = council(tmp_path, NIM_RULE + "    level: 4\n", weakened)
    else:
        path = council(tmp_path, NIM_RULE, weakened)
    found = messages(path)
    assert any("statutory floor 'injury-non-mobile-infant'" in m and expected in m for m in found), found


def test_a_council_rulebook_that_removes_a_floor_fails_naming_it(tmp_path: Path) -> None:
    start = DEFAULT_TEXT.index("  - id: fgm\n")
    end = DEFAULT_TEXT.index("  - id: forced-marriage\n")
    path = council(tmp_path, DEFAULT_TEXT[start:end], "")
    assert any(m.startswith("statutory floor 'fgm' is missing") for m in messages(path))


def test_a_later_non_mobile_age_weakens_the_infant_floor(tmp_path: Path) -> None:
    path = council(tmp_path, "non_mobile_infant_under_months: 6", "non_mobile_infant_under_months: 4")
    assert any("non_mobile_infant_under_months 4 is below 6" in m for m in messages(path))


def test_mash_rules_check_exits_1_naming_the_weakened_rule(tmp_path: Path) -> None:
    path = council(tmp_path, NIM_RULE, NIM_RULE.replace("rag: red", "rag: green"))
    done = subprocess.run([MASH, "rules", "check", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "statutory floor 'injury-non-mobile-infant' is weakened (RAG green is below red)" in done.stderr


def test_the_app_and_the_command_refuse_to_start_with_a_weakened_floor(tmp_path: Path, settings: Settings) -> None:
    path = council(tmp_path, NIM_RULE, NIM_RULE.replace("rag: red", "rag: green"))
    with pytest.raises(RulebookError, match="injury-non-mobile-infant"):
        create_app(Settings(database_url=settings.database_url, rulebook_path=str(path)))
    env = {**os.environ, "DATABASE_URL": settings.database_url, "MASH_RULEBOOK": str(path)}
    env.pop("REDIS_URL", None)
    for command in (["db", "upgrade"], ["worker", "--burst"]):
        done = subprocess.run([MASH, *command], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 1, command
        assert "refusing to start" in done.stderr and "injury-non-mobile-infant" in done.stderr
