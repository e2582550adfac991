"""The narrative reader through its public interface: what it finds, what context cancels, a council's own words."""

from __future__ import annotations

from pathlib import Path

import pytest

from mash import enums
from mash.screening.narrative import DEFAULT_TERMS, Finding, NarrativeTermsError, check_terms, load_reader


def names(texts: dict[str, str]) -> set[str]:
    return {finding.name for finding in load_reader().read(texts)}


def test_an_injury_to_a_baby_with_no_explanation_is_found_with_its_sentence_and_words() -> None:
    findings = load_reader().read(
        {
            "summary": "Health visitor call. Bruise on the left cheek of a 4-month-old baby; mum could not explain it.",
            "worries": "Mum has asked for support.",
        }
    )
    by_name = {finding.name: finding for finding in findings}
    assert {"injury", "injury_unexplained", "not_independently_mobile", "help_requested"} <= set(by_name)
    injury = by_name["injury"]
    assert injury == Finding(
        name="injury",
        kind="indicator",
        field="summary",
        sentence="Bruise on the left cheek of a 4-month-old baby; mum could not explain it.",
        term="Bruise on the left cheek",
    )
    assert by_name["help_requested"].field == "worries"


@pytest.mark.parametrize(
    "sentence",
    [
        "No marks or bruises were seen.",
        "In 2019 there was a bruise on his arm.",
        "If he comes back there may be bruising.",
        "Her friend has a bruise on her face.",
        "The bruise was from a witnessed fall, seen by the nursery.",
    ],
)
def test_negated_historical_hypothetical_someone_elses_and_resolved_injuries_are_not_findings(sentence: str) -> None:
    assert "injury" not in names({"summary": sentence})


def test_each_name_is_found_once_from_the_first_sentence_in_field_order() -> None:
    findings = load_reader().read(
        {"summary": "He has a bruise on his arm.", "information": "School saw another bruise on his leg today."}
    )
    injuries = [finding for finding in findings if finding.name == "injury"]
    assert len(injuries) == 1
    assert injuries[0].field == "summary" and injuries[0].sentence == "He has a bruise on his arm."


def test_names_are_the_contracts_indicators_and_categories() -> None:
    findings = load_reader().read(
        {"summary": "Mum is drinking heavily and is the only carer of the baby. Dad hit mum and the police attended."}
    )
    assert findings
    for finding in findings:
        expected = "indicator" if finding.name in enums.CONCERN_INDICATORS else "category"
        assert finding.kind == expected
        assert finding.name in enums.CONCERN_INDICATORS or finding.name in enums.CONCERN_CATEGORIES


def test_the_parent_being_suicidal_is_not_the_child_being_suicidal() -> None:
    assert {"parent_suicidal", "parental_mental_health"} <= names({"summary": "Mum is suicidal and drinking."})
    assert "suicidal" not in names({"summary": "Mum is suicidal and drinking."})
    assert "suicidal" in names({"summary": "Jade told her teacher she feels suicidal."})


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValueError, match="narrative fields"):
        load_reader().read({"notes": "A bruise."})


def test_empty_texts_give_no_findings() -> None:
    assert load_reader().read({"summary": "", "worries": "   "}) == ()


def test_the_reader_is_built_once_per_process_and_carries_the_terms_version() -> None:
    assert load_reader() is load_reader(None)
    assert load_reader().version


def test_a_council_adds_its_own_words(tmp_path: Path) -> None:
    text = DEFAULT_TERMS.read_text(encoding="utf-8").replace(
        '    phrases: ["left alone",', '    phrases: ["left to fend for himself", "left alone",'
    )
    assert "left to fend for himself" in text
    path = tmp_path / "council.yaml"
    path.write_text(text, encoding="utf-8")
    sentence = {"summary": "The boy, 7, was left to fend for himself over the weekend."}
    assert "child_left_alone" not in names(sentence)
    council = load_reader(str(path))
    assert "child_left_alone" in {finding.name for finding in council.read(sentence)}


def test_a_bad_terms_file_is_refused_naming_the_line(tmp_path: Path) -> None:
    lines = DEFAULT_TERMS.read_text(encoding="utf-8").splitlines()
    index = next(n for n, line in enumerate(lines) if line.strip() == "finds: [child_left_alone]")
    lines[index] = lines[index].replace("child_left_alone", "child_left_alon")
    pattern_index = next(n for n, line in enumerate(lines) if "{LOWER: aged}" in line)
    lines[pattern_index] = lines[pattern_index].replace("{LOWER: aged}", "{LOWEST: aged}")
    path = tmp_path / "bad.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = [str(problem) for problem in check_terms(path)]
    assert any(p.startswith(f"line {index + 1}:") and "did you mean 'child_left_alone'" in p for p in problems)
    assert any(p.startswith(f"line {pattern_index + 1}:") and "LOWEST" in p for p in problems)
    with pytest.raises(NarrativeTermsError, match=f"line {index + 1}"):
        load_reader(str(path))


def test_the_default_terms_are_valid() -> None:
    assert check_terms(DEFAULT_TERMS) == []
