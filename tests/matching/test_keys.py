from datetime import date

import pytest

from mash.matching import BlockingKeys, blocking_keys, candidate_keys
from mash.matching.keys import DOB_KEY, SURNAME_YEAR_KEY


def test_blocking_keys_hold_iso_date_swapped_date_and_surname_code() -> None:
    keys = blocking_keys("Alfie", "Hendry", date(2015, 3, 7))

    assert keys == BlockingKeys(
        dob="2015-03-07", dob_swapped="2015-07-03", surname_phonetic="H536", surname_year="H536:2015"
    )


@pytest.mark.parametrize(
    "date_of_birth",
    [date(2015, 3, 13), date(2015, 12, 31), date(2015, 4, 4)],
    ids=["day over 12", "day over 12 in December", "day equals month"],
)
def test_no_swapped_date_when_the_swap_is_not_another_date(date_of_birth: date) -> None:
    assert blocking_keys("Alfie", "Hendry", date_of_birth).dob_swapped is None


def test_missing_date_of_birth_leaves_only_the_surname_code() -> None:
    keys = blocking_keys("Alfie", "Hendry", None)

    assert keys == BlockingKeys(dob=None, dob_swapped=None, surname_phonetic="H536", surname_year=None)


@pytest.mark.parametrize(
    "spellings",
    [
        ("O'Brien", "OBrien", "O Brien", "o\u2019brien", "O'BRIAN", "O'Bryan"),
        ("Mohammed", "Muhammad", "Mohamed", "MOHAMMAD"),
        ("Chaudhry", "Choudhury", "Chowdhury", "Chaudhary"),
        ("Khan", "Kahn"),
        ("Hussain", "Hussein", "Husain"),
        ("Nguyen", "Nguy\u1ec5n", "Ngyuen", "NGUYEN"),
        ("Okonkwo", "Okonkow"),
        ("Adeyemi", "Adeyimi"),
        ("Oluwaseun", "Oluwasheun"),
        ("Smith", "Smyth"),
        ("Pham", "Fam", "Ph\u1ea1m"),
        ("MacDonald", "McDonald", "Mac Donald"),
        ("Al-Hassan", "Al Hassan", "Alhassan"),
        ("Ní Bhriain", "Ni Bhriain", "NíBhriain"),
        ("Hendry", "Hendrie", "Hendry (dup)"),
    ],
)
def test_spellings_of_one_surname_share_a_phonetic_code(spellings: tuple[str, ...]) -> None:
    codes = {blocking_keys(None, spelling, None).surname_phonetic for spelling in spellings}

    assert len(codes) == 1


def test_double_barrelled_surname_is_coded_by_its_first_part() -> None:
    assert blocking_keys("Zoë", "O'Brien-Ní Bhriain", None).surname_phonetic == "O165"


def test_vietnamese_name_with_tone_marks_and_barred_d_is_coded() -> None:
    assert blocking_keys("Minh", "Nguyễn", None).surname_phonetic == "N250"
    assert blocking_keys("Thị", "Đỗ", None).surname_phonetic == "D000"


def test_surname_in_another_script_is_kept_as_it_is() -> None:
    assert blocking_keys(None, "李", date(2016, 1, 2)).surname_year == "李:2016"


@pytest.mark.parametrize("surname", ["DUPLICATE", "(dup)", "", "  ", "--", None])
def test_surname_that_is_only_a_marker_or_punctuation_gives_no_surname_key(surname: str | None) -> None:
    keys = blocking_keys("Alfie", surname, date(2015, 3, 7))

    assert (keys.surname_phonetic, keys.surname_year) == (None, None)
    assert keys.dob == "2015-03-07"


def test_candidate_keys_look_up_date_swapped_date_and_every_surname_part() -> None:
    keys = candidate_keys("Zoë", "O'Brien-Ní Bhriain", date(2015, 3, 7))

    assert keys == {
        (DOB_KEY, "2015-03-07"),
        (DOB_KEY, "2015-07-03"),
        (SURNAME_YEAR_KEY, "O165:2015"),
        (SURNAME_YEAR_KEY, "N165:2015"),
    }


def _stored(first: str, last: str, born: date) -> set[tuple[str, str]]:
    keys = blocking_keys(first, last, born)
    return {(kind, value) for kind, value in ((DOB_KEY, keys.dob), (SURNAME_YEAR_KEY, keys.surname_year)) if value}


def test_known_child_with_mistyped_date_is_found_by_surname_and_year() -> None:
    known = _stored("Alfred", "Hendry", date(2015, 3, 7))

    assert candidate_keys("Alfie", "Hendrie", date(2015, 3, 17)) & known == {(SURNAME_YEAR_KEY, "H536:2015")}


def test_known_child_with_swapped_day_and_month_is_found_by_date() -> None:
    known = _stored("Alfred", "Jones", date(2015, 3, 7))

    assert (DOB_KEY, "2015-03-07") in candidate_keys("Alfie", "Smith", date(2015, 7, 3)) & known


def test_known_double_barrelled_child_is_found_from_either_order_of_its_parts() -> None:
    known = _stored("Lexi", "Smith-Jones", date(2012, 11, 30))

    assert candidate_keys("Lexi", "Jones-Smith", date(2012, 10, 30)) & known == {(SURNAME_YEAR_KEY, "S530:2012")}


def test_no_candidate_keys_without_a_date_of_birth() -> None:
    assert candidate_keys("Alfie", "Hendry", None) == frozenset()
