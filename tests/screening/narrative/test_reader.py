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
        '    phrases: ["left alone",', '    phrases: ["a latchkey child", "left alone",'
    )
    assert "a latchkey child" in text
    path = tmp_path / "council.yaml"
    path.write_text(text, encoding="utf-8")
    sentence = {"summary": "The boy, 7, is a latchkey child every weekend."}
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


def test_an_injury_and_its_missing_explanation_in_the_next_sentence_are_read_together() -> None:
    findings = load_reader().read(
        {"summary": "Liam (14) came in with a black eye. He would not say how it happened and seemed anxious."}
    )
    unexplained = [finding for finding in findings if finding.name == "injury_unexplained"]
    assert len(unexplained) == 1
    assert unexplained[0].sentence == "He would not say how it happened and seemed anxious."
    assert unexplained[0].term == "black eye ... would not say how"
    apart = {"summary": "He has a bruise on his arm.", "information": "He would not say how the window broke."}
    assert "injury_unexplained" not in names(apart)
    two_on = "He has a bruise on his arm. He likes football. He would not say how the window broke."
    assert "injury_unexplained" not in names({"summary": two_on})


@pytest.mark.parametrize(
    ("sentence", "found", "not_found"),
    [
        ("He said he would kill her if she did not let him back in.", {"threats_to_kill"}, {"parent_suicidal"}),
        ("Back in 2019 he said he would kill her.", set(), {"threats_to_kill"}),
        ("Her partner hit her over the head with a bottle.", {"weapon_or_strangulation"}, set()),
        ("Mum was feeding the baby with a bottle when dad came home.", set(), {"weapon_or_strangulation"}),
        ("Dad hit him with a belt.", {"physical_abuse"}, {"weapon_or_strangulation"}),
        ("Father punched mother in the face in front of the children.", {"child_witnessed_violence"}, set()),
        ("Parents argued in front of the children.", set(), {"child_witnessed_violence"}),
        ("The flat is squalid and there is no food in the house.", {"serious_neglect", "neglect"}, set()),
        ("The children are often unkempt.", {"neglect"}, {"serious_neglect"}),
        ("Amy (12) came with her mother and a pregnancy test was positive.", {"sexual_activity_under_13"}, set()),
        ("Amy (15) came with her mum; a pregnancy test was positive.", {"pregnant"}, {"sexual_activity_under_13"}),
        ('Hodan (9) told the nurse she was cut "down there" in the holiday.', {"fgm", "disclosure_by_child"}, set()),
        ("Theo (6) acted out sexual acts on other children in the playground.", {"harmful_sexual_behaviour"}, set()),
        ("The family has left the address and nobody knows where she is.", {"missing"}, set()),
        ("Mum said she wants to end her life.", {"parent_suicidal"}, set()),
        ("Ruby (3) arrived with bruising to both cheeks.", {"bruising_ten4_site", "injury"}, set()),
        ("Linear marks across the back of his legs.", set(), {"bruising_ten4_site"}),
        ("Mum uses heroin daily and there is no other adult at home.", {"sole_carer"}, {"no_protective_adult"}),
        ("Mum was too drunk to care for the baby; there is no other adult.", {"no_protective_adult"}, set()),
        ("Mum is anxious because Nina's cousin was sexually exploited.", set(), {"sexual_exploitation"}),
        (
            "Ava (12 weeks) has a bruise on her cheek, consistent with the explanation that her sister poked her.",
            {"injury_described", "not_independently_mobile"},
            {"injury", "bruising_ten4_site"},
        ),
        ("Baby has a bruise on his cheek and mum did not know how.", {"injury"}, {"injury_described"}),
        ("The mark on her back is a Mongolian blue spot.", set(), {"injury", "injury_described"}),
        ("A bruise behind Leo's left ear.", {"bruising_ten4_site", "injury"}, set()),
        ("The electricity has been cut off.", set(), {"fgm"}),
        ("Ms Price is hearing voices and lives alone with the baby.", {"carer_incapacitated", "sole_carer"}, set()),
        ("The two little ones are left in the flat on their own for hours.", {"child_left_alone"}, set()),
        ("Mum has a learning disability and would like support.", {"parental_learning_disability"}, set()),
        ("He said his dad hit his mum and he hid under his bed.", {"child_witnessed_violence"}, set()),
    ],
)
def test_words_for_the_facts_that_set_a_floor(sentence: str, found: set[str], not_found: set[str]) -> None:
    read = names({"summary": sentence})
    assert found <= read
    assert not (not_found & read)


def test_unless_names_terms_that_exist(tmp_path: Path) -> None:
    text = DEFAULT_TERMS.read_text(encoding="utf-8").replace(
        "    unless: [injury, bruising_ten4_site, patterned_injury]", "    unless: [injury, bruise_site]", 1
    )
    path = tmp_path / "council.yaml"
    path.write_text(text, encoding="utf-8")
    assert any("bruise_site" in str(problem) for problem in check_terms(path))


def test_a_combination_reaches_at_most_one_sentence_back(tmp_path: Path) -> None:
    text = DEFAULT_TERMS.read_text(encoding="utf-8").replace("    sentences: 2\n", "    sentences: 3\n", 1)
    path = tmp_path / "council.yaml"
    path.write_text(text, encoding="utf-8")
    problems = [str(problem) for problem in check_terms(path)]
    assert any("'sentences' must be 1 or 2, not '3'" in problem for problem in problems)


@pytest.mark.parametrize(
    "text",
    [
        "Callum (12) has a bruise on his shin. He said he got it playing football and his PE teacher saw the tackle.",
        "He fell off his scooter on the way to school. He has a graze on his knee.",
        "Ted has a small scald on his wrist. The account is consistent and he was seen the same day.",
    ],
)
def test_an_accident_told_in_the_sentence_before_or_after_leaves_the_injury_only_described(text: str) -> None:
    read = names({"summary": text})
    assert "injury" not in read
    assert "injury_described" in read


@pytest.mark.parametrize(
    "text",
    [
        "Callum has a bruise on his arm. Mum said he fell over but we are not convinced.",
        "Callum has bruises on his arm again. He said he fell over.",
        "Callum has a bruise on his arm. He said he fell over, then said his dad grabbed him.",
        "Callum has a bruise on his arm. Mum said he fell over but could not say where.",
        "Mia (3 months) has a bruise on her arm. Mum said she fell off the sofa.",
    ],
)
def test_an_explanation_beside_a_doubt_a_repeat_harm_or_a_baby_explains_nothing(text: str) -> None:
    assert "injury" in names({"summary": text})


def test_an_explanation_reaches_only_the_next_sentence_in_the_same_text() -> None:
    assert "injury" in names({"summary": "He has a bruise on his arm. He is in year 7. He fell over at football."})
    assert "injury" in names({"summary": "He has a bruise on his arm.", "information": "He fell over at football."})


def test_marks_a_doctor_found_to_be_eczema_are_not_injuries() -> None:
    read = names({"summary": "Staff saw red marks on Isla's arms. The rash was diagnosed as eczema by the GP."})
    assert not {"injury", "injury_described"} & read
    assert "injury" in names({"summary": "Staff saw red marks on Isla's arms. Mum says it is eczema."})


def test_explains_names_terms_that_exist(tmp_path: Path) -> None:
    text = DEFAULT_TERMS.read_text(encoding="utf-8").replace("    explains: [injury]\n", "    explains: [injry]\n", 1)
    path = tmp_path / "council.yaml"
    path.write_text(text, encoding="utf-8")
    assert any("injry" in str(problem) for problem in check_terms(path))
