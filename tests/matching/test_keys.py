import itertools
from datetime import date

import pytest

from mash.matching import Person, probe_keys, score, stored_keys
from mash.matching.keys import given_initials, given_sounds, given_tails, surname_codes, swapped_date
from mash.matching.normalise import phonetic_code, surname_parts


def _stored(person: Person) -> frozenset[str]:
    return stored_keys(person.first_name, person.last_name, person.date_of_birth, person.postcode)


def _probed(person: Person) -> frozenset[str]:
    return probe_keys(person.first_name, person.last_name, person.date_of_birth, person.postcode)


def test_stored_keys_join_two_or_three_details_each() -> None:
    keys = stored_keys("Alfie", "Hendry", date(2015, 3, 7), "e8 1aa")

    assert keys == {
        "ds:2015-03-07:H536",
        "dn:2015-03-07:he",
        "df:2015-03-07:A410",  # Alfie
        "df:2015-03-07:A416",  # Alfred, whose short form it is
        "dp:2015-03-07:E81AA",
        "ym:2015-03:H536:a",
        "yd:2015-07:H536:a",
        "md:03-07:H536:a",
        "yt:2015:H536:lfie",
        "ps:E81AA:H536",
        "pf:E81AA:a",
    }


def test_probe_keys_add_the_date_with_day_and_month_swapped() -> None:
    keys = probe_keys("Alfie", "Hendry", date(2015, 3, 7), None)

    assert keys - stored_keys("Alfie", "Hendry", date(2015, 3, 7), None) == {
        "ds:2015-07-03:H536",
        "dn:2015-07-03:he",
        "df:2015-07-03:A410",
        "df:2015-07-03:A416",
    }


@pytest.mark.parametrize(
    "date_of_birth",
    [date(2015, 3, 13), date(2015, 12, 31), date(2015, 4, 4)],
    ids=["day over 12", "day over 12 in December", "day equals month"],
)
def test_no_swapped_date_when_the_swap_is_not_another_date(date_of_birth: date) -> None:
    assert swapped_date(date_of_birth) is None
    assert probe_keys("Alfie", "Hendry", date_of_birth, None) == stored_keys("Alfie", "Hendry", date_of_birth, None)


def test_missing_date_of_birth_leaves_only_the_postcode_keys() -> None:
    assert stored_keys("Alfie", "Hendry", None, "E8 1AA") == {"ps:E81AA:H536", "pf:E81AA:a"}
    assert probe_keys("Alfie", "Hendry", None, None) == frozenset()


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
    codes = {surname_codes(spelling) for spelling in spellings}

    assert len(codes) == 1 and len(next(iter(codes))) == 1


def test_double_barrelled_surname_is_coded_by_each_part_and_the_whole() -> None:
    assert surname_codes("Smith-Jones") == {"S530", "J520", "S532"}
    assert surname_codes("O'Brien-Ní Bhriain") == {"O165", "N165"}


def test_vietnamese_name_with_tone_marks_and_barred_d_is_coded() -> None:
    assert surname_codes("Nguyễn") == {"N250"}
    assert surname_codes("Đỗ") == {"D000"}


def test_surname_in_another_script_is_kept_as_it_is() -> None:
    assert "ds:2016-01-02:李" in stored_keys(None, "李", date(2016, 1, 2), None)


@pytest.mark.parametrize("surname", ["DUPLICATE", "(dup)", "", "  ", "--", None])
def test_surname_that_is_only_a_marker_or_punctuation_gives_no_surname_key(surname: str | None) -> None:
    assert stored_keys("Alfie", surname, date(2015, 3, 7), None) == {"df:2015-03-07:A410", "df:2015-03-07:A416"}


def test_a_first_name_sounds_like_itself_and_the_full_names_it_is_a_form_of() -> None:
    assert given_sounds("Bill") == {"B400", "W450"}
    assert given_sounds("Ayaan") == given_sounds("Ayan") == {"A500"}


def test_a_typo_in_the_first_letter_of_a_first_name_keeps_its_tail() -> None:
    assert given_tails("Alfred") == given_tails("Elfred") == {"lfred"}
    assert given_tails("Jo Mary-Ann") == {"o", "ary", "nn"}


def test_first_name_initials_include_the_full_names_of_a_short_form() -> None:
    assert given_initials("Bill") == {"b", "w"}
    assert given_initials("Sasha") == {"s", "a"}
    assert given_initials("Mary-Jane (Molly)") == {"m", "j"}
    assert given_initials(None) == frozenset()


def test_known_child_with_mistyped_date_is_found_by_surname_initial_and_year_and_month() -> None:
    known = stored_keys("Alfred", "Hendry", date(2015, 3, 7), None)

    assert probe_keys("Alfie", "Hendrie", date(2015, 3, 17), None) & known == {"ym:2015-03:H536:a"}


def test_known_child_with_swapped_day_and_month_and_another_surname_is_found_by_date_and_first_name() -> None:
    known = stored_keys("Alfred", "Jones", date(2015, 3, 7), None)

    assert probe_keys("Alfie", "Smith", date(2015, 7, 3), None) & known == {"df:2015-03-07:A416"}


def test_known_double_barrelled_child_is_found_from_either_order_of_its_parts() -> None:
    known = stored_keys("Lexi", "Smith-Jones", date(2012, 11, 30), None)

    assert probe_keys("Lexi", "Jones-Smith", date(2012, 10, 30), None) & known >= {
        "yd:2012-30:S530:l",
        "yd:2012-30:J520:l",
    }


def test_known_child_is_found_from_one_part_of_a_double_barrelled_surname() -> None:
    known = stored_keys("Lexi", "Smith-Jones", date(2012, 11, 30), None)

    assert "ds:2012-11-30:J520" in probe_keys("Lexie", "Jones", date(2012, 11, 30), None) & known


def test_a_stranger_born_the_same_day_shares_no_key() -> None:
    known = stored_keys("Oliver", "Okafor", date(2015, 3, 7), "N1 5QQ")

    assert probe_keys("Alfie", "Hendry", date(2015, 3, 7), "E8 1AA") & known == frozenset()


KNOWN = Person("Alfred", "Hendry", date(2015, 3, 12), postcode="E8 1AA", school="Hackney Primary School")
FIRST_NAMES = ("Alfred", "Alfrde", "Elfred", "Alfie", "Jack Alfred", "Oliver", None)
LAST_NAMES = ("Hendry", "Hendrie", "Hendy", "Hendry-Smith", "Smith Hendry", "Okafor", None)
DATES = (
    date(2015, 3, 12),
    date(2015, 12, 3),  # day and month swapped
    date(2015, 3, 21),  # digits of the day transposed
    date(2015, 3, 13),  # a digit of the day
    date(2015, 8, 12),  # a digit of the month
    date(2016, 3, 12),  # a year out
    date(2005, 3, 12),  # a digit of the year
    date(2016, 10, 21),
    None,
)
POSTCODES = ("E8 1AA", "E8 2BB", "N1 5QQ", None)
SCHOOLS = ("Hackney Primary School", "Brook Academy", None)


def _grid() -> list[Person]:
    return [
        Person(first, last, born, postcode=postcode, school=school)
        for first, last, born, postcode, school in itertools.product(FIRST_NAMES, LAST_NAMES, DATES, POSTCODES, SCHOOLS)
    ]


def _errors(other: Person) -> int:
    return sum(
        getattr(other, name) != getattr(KNOWN, name)
        for name in ("first_name", "last_name", "date_of_birth", "postcode", "school")
    )


def _found_by_the_wide_keys(new: Person, known: Person) -> bool:
    """The keys of migration 0005 to 0017: the date of birth or the swapped date, or a surname sound and the year."""
    if new.date_of_birth is None or known.date_of_birth is None:
        return False
    if known.date_of_birth in (new.date_of_birth, swapped_date(new.date_of_birth)):
        return True
    known_parts = surname_parts(known.last_name)
    return (
        known.date_of_birth.year == new.date_of_birth.year
        and bool(known_parts)
        and phonetic_code(known_parts[0]) in {phonetic_code(part) for part in surname_parts(new.last_name)}
    )


def _kept_pairs() -> list[tuple[Person, Person, int]]:
    pairs = []
    for other in _grid():
        for new, known in ((other, KNOWN), (KNOWN, other)):
            if score(new, known).band != "unlikely":
                pairs.append((new, known, _errors(other)))
    return pairs


def test_every_kept_pair_of_the_grid_the_wide_keys_found_shares_a_narrow_key() -> None:
    pairs = [(new, known) for new, known, _ in _kept_pairs() if _found_by_the_wide_keys(new, known)]
    missed = [(new, known) for new, known in pairs if not _probed(new) & _stored(known)]

    assert len(pairs) > 2500
    assert missed == []


def test_every_kept_pair_of_the_grid_with_one_error_shares_a_narrow_key() -> None:
    pairs = [(new, known) for new, known, errors in _kept_pairs() if errors <= 1]
    missed = [(new, known) for new, known in pairs if not _probed(new) & _stored(known)]

    assert len(pairs) > 40
    assert missed == []


def test_the_narrow_keys_find_more_kept_pairs_of_the_grid_than_the_wide_ones() -> None:
    pairs = _kept_pairs()
    narrow = sum(bool(_probed(new) & _stored(known)) for new, known, _ in pairs)
    wide = sum(_found_by_the_wide_keys(new, known) for new, known, _ in pairs)

    assert narrow > wide


def test_most_pairs_of_the_grid_the_score_drops_share_no_key() -> None:
    dropped = [other for other in _grid() if score(other, KNOWN).band == "unlikely"]
    sharing = [other for other in dropped if _probed(other) & _stored(KNOWN)]

    assert len(sharing) < len(dropped) / 2
