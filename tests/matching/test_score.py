from dataclasses import replace
from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mash.matching import MatchScore, Person, score
from mash.matching.normalise import name_words, surname_parts
from mash.matching.score import LIKELY_THRESHOLD, POSSIBLE_THRESHOLD

BORN = date(2015, 3, 7)
VALID_NHS = "943 476 5919"
OTHER_VALID_NHS = "3740681241"
BAD_CHECK_DIGIT_NHS = "9434765918"


def test_nickname_with_same_surname_and_date_of_birth_is_likely() -> None:
    result = score(Person("Alfie", "Hendry", BORN), Person("Alfred", "Hendry", BORN))

    assert result.band == "likely"
    assert result.evidence == (
        "first names are nickname forms (Alfie / Alfred)",
        "same surname",
        "same date of birth",
    )


def test_same_name_with_another_date_of_birth_and_nothing_else_is_unlikely() -> None:
    result = score(Person("Alfred", "Hendry", BORN), Person("Alfred", "Hendry", date(2016, 9, 21)))

    assert result.band == "unlikely"
    assert result.score < POSSIBLE_THRESHOLD
    assert "different dates of birth" in result.evidence


def test_date_of_birth_with_day_and_month_swapped_is_at_least_possible() -> None:
    result = score(Person("Alfred", "Hendry", date(2015, 7, 3)), Person("Alfred", "Hendry", BORN))

    assert result.band in {"possible", "likely"}
    assert "date of birth with day and month swapped" in result.evidence


def test_lexi_and_alexandra_with_same_surname_and_date_of_birth_are_likely() -> None:
    result = score(Person("Lexi", "Morgan", BORN), Person("Alexandra", "Morgan", BORN))

    assert result.band == "likely"
    assert "first names are nickname forms (Lexi / Alexandra)" in result.evidence


@pytest.mark.parametrize(
    ("first", "second"),
    [("Amira", "Aisha"), ("Amira", "Amina"), ("Oliver", "Olivia"), ("Alexander", "Alexandra"), ("Alfie", "Freddie")],
)
def test_twins_sharing_everything_but_first_name_are_at_most_possible(first: str, second: str) -> None:
    twin = Person(last_name="Khan", date_of_birth=BORN, postcode="E8 1AA", school="Hackney Primary")

    result = score(replace(twin, first_name=first), replace(twin, first_name=second))

    assert result.band == "possible"


def test_twin_rule_says_why_a_high_score_is_held_at_possible() -> None:
    twin = Person(last_name="Khan", date_of_birth=BORN, postcode="E8 1AA")

    result = score(replace(twin, first_name="Amira"), replace(twin, first_name="Amina"))

    assert result.score >= LIKELY_THRESHOLD
    assert result.evidence[-1] == "held at possible: first names differ and twins share everything else"


def test_same_name_date_of_birth_and_postcode_is_likely_with_a_high_score() -> None:
    result = score(
        Person("Alfred", "Hendry", BORN, postcode="E8 1AA"), Person("Alfred", "Hendry", BORN, postcode="e81aa")
    )

    assert result.band == "likely"
    assert result.score >= 0.95
    assert "same postcode" in result.evidence


def test_accents_case_and_curly_apostrophes_do_not_stop_a_match() -> None:
    result = score(Person("Zoe", "O'Brien", BORN), Person("ZOË", "o\u2019brien", BORN))

    assert result.band == "likely"
    assert result.evidence[:2] == ("same first name", "same surname")


def test_double_barrelled_irish_and_vietnamese_names_match_themselves() -> None:
    for first, last in [("Zoë", "O'Brien-Ní Bhriain"), ("Thị Minh", "Nguyễn")]:
        assert score(Person(first, last, BORN), Person(first, last, BORN)).band == "likely"


def test_surname_marked_dup_matches_the_surname_without_the_marker() -> None:
    result = score(Person("Alfred", "Hendry (dup)", BORN), Person("Alfred", "Hendry", BORN))

    assert result.band == "likely"
    assert "same surname" in result.evidence


def test_surname_typed_as_duplicate_is_treated_as_missing() -> None:
    result = score(Person("Alfred", "DUPLICATE", BORN), Person("Alfred", "Hendry", BORN))

    assert result == MatchScore(0.6, "possible", ("same first name", "same date of birth"))


def test_same_nhs_number_decides_alone() -> None:
    result = score(
        Person("Alfie", nhs_number=VALID_NHS, date_of_birth=BORN),
        Person("Alfred", nhs_number="9434765919", date_of_birth=date(2014, 1, 1)),
    )

    assert (result.score, result.band) == (1.0, "likely")
    assert result.evidence[0] == "same NHS number"
    assert "different dates of birth" in result.evidence


def test_different_valid_nhs_numbers_are_unlikely_whatever_else_agrees() -> None:
    child = Person("Alfred", "Hendry", BORN, postcode="E8 1AA", school="Hackney Primary")

    result = score(replace(child, nhs_number=VALID_NHS), replace(child, nhs_number=OTHER_VALID_NHS))

    assert (result.score, result.band) == (0.0, "unlikely")
    assert result.evidence[0] == "different NHS numbers"


def test_nhs_number_failing_its_check_digit_is_not_held_against_a_match() -> None:
    result = score(
        Person("Alfred", "Hendry", BORN, nhs_number=VALID_NHS),
        Person("Alfred", "Hendry", BORN, nhs_number=BAD_CHECK_DIGIT_NHS),
    )

    assert result.band == "likely"
    assert result.evidence[-1] == "NHS numbers not compared: one fails its check digit or is a placeholder"


def test_same_placeholder_nhs_number_does_not_make_strangers_the_same_child() -> None:
    result = score(
        Person("Alfred", "Hendry", BORN, nhs_number="000 000 0000"),
        Person("Amira", "Khan", date(2019, 1, 2), nhs_number="0000000000"),
    )

    assert result.band == "unlikely"
    assert "NHS numbers not compared: one fails its check digit or is a placeholder" in result.evidence


@pytest.mark.parametrize(
    ("new_born", "known_born", "evidence"),
    [
        (BORN, date(2014, 3, 7), "date of birth one year apart"),
        (BORN, date(2015, 3, 8), "date of birth one digit different"),
        (BORN, date(2015, 3, 27), "date of birth one digit different"),
        (date(2015, 3, 12), date(2015, 3, 21), "date of birth with two digits transposed"),
        (BORN, date(2015, 3, 16), "different dates of birth"),
    ],
)
def test_near_dates_of_birth_are_weaker_evidence(new_born: date, known_born: date, evidence: str) -> None:
    near = score(Person("Alfred", "Hendry", new_born), Person("Alfred", "Hendry", known_born))
    exact = score(Person("Alfred", "Hendry", known_born), Person("Alfred", "Hendry", known_born))

    assert evidence in near.evidence
    assert near.score < exact.score


def test_one_digit_off_date_with_same_name_is_possible() -> None:
    result = score(Person("Alfred", "Hendry", BORN), Person("Alfred", "Hendry", date(2015, 3, 8)))

    assert result.band == "possible"


def test_surname_typo_with_same_first_name_and_date_of_birth_is_likely() -> None:
    result = score(Person("Alfred", "Hendrie", BORN), Person("Alfred", "Hendry", BORN))

    assert result.band == "likely"
    assert result.evidence[1] == "surnames sound alike, surname Jaro-Winkler 0.91"


def test_part_of_a_double_barrelled_surname_counts_as_a_close_surname() -> None:
    result = score(Person("Lexi", "Smith-Jones", BORN), Person("Lexi", "Jones", BORN))

    assert result.band == "likely"
    assert "surnames share a part (Smith Jones / Jones)" in result.evidence


def test_changed_surname_with_same_first_name_date_and_postcode_is_possible() -> None:
    result = score(
        Person("Alfred", "Hendry", BORN, postcode="N1 2AB"), Person("Alfred", "Okafor", BORN, postcode="N1 2AB")
    )

    assert result.band == "possible"
    assert "different surnames" in result.evidence


def test_same_postcode_district_is_weaker_than_same_postcode() -> None:
    person = Person("Alfred", "Hendry", date(2016, 9, 21), postcode="E8 1AA")
    same = score(person, Person("Alfred", "Hendry", BORN, postcode="E8 1AA"))
    district = score(person, Person("Alfred", "Hendry", BORN, postcode="E8 4QT"))
    elsewhere = score(person, Person("Alfred", "Hendry", BORN, postcode="SE1 7PB"))

    assert same.score > district.score > elsewhere.score
    assert "same postcode district (E8)" in district.evidence
    assert "different postcodes" in elsewhere.evidence


def test_school_names_written_differently_are_the_same_school() -> None:
    result = score(
        Person("Alfred", "Hendry", school="St Mary's C of E Primary School"),
        Person("Alfred", "Hendry", school="Saint Marys C of E Primary"),
    )

    assert "same school" in result.evidence


def test_middle_name_used_as_first_name_counts_for_a_little_less() -> None:
    result = score(Person("Alfie James", "Hendry", BORN), Person("James", "Hendry", BORN))

    assert result.evidence[0] == "other given names: same first name"
    assert result.band == "possible"


@pytest.mark.parametrize("missing", ["first_name", "date_of_birth", "postcode", "school", "nhs_number"])
def test_what_only_one_record_gives_is_left_out_of_the_comparison(missing: str) -> None:
    known = Person("Alfred", "Hendry", BORN, nhs_number=VALID_NHS, postcode="E8 1AA", school="Hackney Primary")
    evidence = {
        "nhs_number": "same NHS number",
        "first_name": "same first name",
        "last_name": "same surname",
        "date_of_birth": "same date of birth",
        "postcode": "same postcode",
        "school": "same school",
    }

    result = score(replace(known, **{missing: None}), known)

    assert result.evidence == tuple(text for field, text in evidence.items() if field != missing)


def test_a_different_school_counts_nothing() -> None:
    child = Person("Alfred", "Hendry", BORN)

    same = score(replace(child, school="Hackney Primary"), replace(child, school="Hackney Primary"))
    different = score(replace(child, school="Hackney Primary"), replace(child, school="Clapton Girls Academy"))

    assert different.score == score(child, child).score
    assert same.score > different.score
    assert different.evidence[-1] == "different schools"


def test_nothing_known_scores_nothing() -> None:
    assert score(Person(), Person()) == MatchScore(0.0, "unlikely", ())


NAMES = st.sampled_from(["Alfie", "Alfred", "Lexi", "Alexandra", "Amira", "Aisha", "Zoë", "Thị Minh", "Mo", "Mohamed"])
SURNAMES = st.sampled_from(
    ["Hendry", "Hendrie", "O'Brien-Ní Bhriain", "O\u2019Brien", "Khan", "Nguyễn", "Smith-Jones", "Jones"]
)
WORDS = st.text(alphabet=st.characters(categories=("Lu", "Ll")), min_size=1, max_size=12)
DATES = st.one_of(st.dates(date(2005, 1, 1), date(2025, 12, 31)), st.just(BORN), st.just(date(2015, 7, 3)))
NHS_NUMBERS = st.sampled_from([None, VALID_NHS, OTHER_VALID_NHS, BAD_CHECK_DIGIT_NHS, "12"])
POSTCODES = st.sampled_from([None, "E8 1AA", "e81aa", "E8 4QT", "SE1 7PB", "not a postcode", ""])
SCHOOLS = st.sampled_from([None, "Hackney Primary", "The Hackney Primary School", "Brook Academy"])
PEOPLE = st.builds(
    Person,
    first_name=st.one_of(st.none(), NAMES, st.sampled_from(["", "(dup)"]), st.text(max_size=12)),
    last_name=st.one_of(st.none(), SURNAMES, st.just("DUPLICATE"), st.text(max_size=12)),
    date_of_birth=st.one_of(st.none(), DATES),
    nhs_number=NHS_NUMBERS,
    postcode=POSTCODES,
    school=SCHOOLS,
)
NAMED_PEOPLE = st.builds(
    Person,
    first_name=st.one_of(NAMES, WORDS),
    last_name=st.one_of(SURNAMES, WORDS),
    date_of_birth=DATES,
    nhs_number=NHS_NUMBERS,
    postcode=POSTCODES,
    school=SCHOOLS,
)


@settings(database=None, max_examples=400, deadline=None)
@given(PEOPLE, PEOPLE)
def test_score_is_symmetric_and_between_zero_and_one(new: Person, known: Person) -> None:
    forward, backward = score(new, known), score(known, new)

    assert 0.0 <= forward.score <= 1.0
    assert (forward.score, forward.band) == (backward.score, backward.band)


@settings(database=None, max_examples=200, deadline=None)
@given(NAMED_PEOPLE)
def test_a_child_with_a_name_and_date_of_birth_is_likely_to_be_itself(person: Person) -> None:
    assume(name_words(person.first_name) and surname_parts(person.last_name))

    assert score(person, person).band == "likely"


def test_just_under_the_likely_threshold_is_possible() -> None:
    result = score(
        Person("Alfred", "Hendry", date(2016, 3, 7), postcode="SW2 1AA", school="Oakfield Primary School"),
        Person("Alfred", "Hendry", BORN, postcode="SW2 5QT", school="Oakfield Primary School"),
    )

    assert (result.score, result.band) == (0.79, "possible")


def test_just_over_the_likely_threshold_is_likely() -> None:
    result = score(
        Person("Alfred", "Hendry", date(2016, 3, 7), postcode="SW2 5QT"),
        Person("Alfred", "Hendry", BORN, postcode="SW2 5QT"),
    )

    assert (result.score, result.band) == (0.81, "likely")


def test_exactly_the_possible_threshold_is_possible_and_just_under_is_unlikely() -> None:
    known = Person("Alfred", "Hendry", postcode="SW2 5QT", school="Oakfield Primary School")
    at = score(Person("Alfred", "Hendry", postcode="SW2 5QT"), known)
    under = score(Person("Alfred", "Hendry", postcode="SW2 1AA", school="Oakfield Primary School"), known)

    assert (at.score, at.band) == (0.6, "possible")
    assert (under.score, under.band) == (0.58, "unlikely")


def test_first_names_exactly_as_close_as_a_strong_match_are_likely() -> None:
    result = score(Person("Kayden", "Hendry", BORN), Person("Kaydence", "Hendry", BORN))

    assert result == MatchScore(
        0.85, "likely", ("first name Jaro-Winkler 0.95 (Kayden / Kaydence)", "same surname", "same date of birth")
    )


def test_exactly_the_likely_threshold_is_likely() -> None:
    school = "Oakfield Primary School"
    result = score(Person("Alfred", "Hendry", BORN, school=school), Person("Alfred", "Hnery", BORN, school=school))

    assert result == MatchScore(
        0.8, "likely", ("same first name", "surname Jaro-Winkler 0.89", "same date of birth", "same school")
    )


def test_a_partly_agreeing_first_name_scores_in_proportion_to_four_decimals() -> None:
    result = score(Person("Kayden", "Hendry", BORN), Person("Keyden", "Hendry", BORN))

    assert (result.score, result.band) == (0.7667, "possible")
