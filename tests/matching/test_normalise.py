import pytest

from mash.matching.normalise import (
    name_words,
    nhs_number_is_usable,
    normalise_nhs_number,
    normalise_postcode,
    normalise_school,
    normalise_text,
    surname_parts,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Zoë O'Brien-Ní Bhriain", "zoe obrien ni bhriain"),
        ("Nguyễn Thị Minh", "nguyen thi minh"),
        ("  ĐỖ   văn\tAnh ", "do van anh"),
        ("Straße", "strasse"),
        ("Søren Łukasz", "soren lukasz"),
        ("Smith2", "smith"),
    ],
)
def test_normalise_text_folds_case_accents_punctuation_and_space(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


def test_name_words_drop_duplicate_markers() -> None:
    assert name_words("Alfie (DUP)") == ("alfie",)
    assert name_words("DUPLICATE") == ()
    assert name_words(None) == ()


@pytest.mark.parametrize(
    ("raw", "parts"),
    [
        ("O'Brien-Ní Bhriain", ("obrien", "nibhriain")),
        ("Van der Berg", ("vanderberg",)),
        ("Al-Hassan", ("alhassan",)),
        ("Smith-Jones", ("smith", "jones")),
        ("Le", ("le",)),
        ("Du", ("du",)),
        ("De", ("de",)),
    ],
)
def test_surname_parts_join_particles_to_the_following_word(raw: str, parts: tuple[str, ...]) -> None:
    assert surname_parts(raw) == parts


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("e8 1aa", ("E81AA", "E8")),
        ("SW1A 1AA", ("SW1A1AA", "SW1A")),
        ("N1-2AB", ("N12AB", "N1")),
        ("abroad", ("ABROAD", None)),
        ("", None),
        (None, None),
    ],
)
def test_normalise_postcode_gives_compact_postcode_and_outward_code(
    raw: str | None, expected: tuple[str, str | None] | None
) -> None:
    assert normalise_postcode(raw) == expected


def test_normalise_school_ignores_filler_words_and_saint_abbreviation() -> None:
    assert normalise_school("The St. Mary's School") == normalise_school("Saint Marys") == "saint marys"
    assert normalise_school("The School") is None


def test_nhs_number_is_ten_digits_with_a_modulus_11_check_digit() -> None:
    assert normalise_nhs_number("943 476 5919") == "9434765919"
    assert normalise_nhs_number("943-476-591") is None
    assert nhs_number_is_usable("9434765919")
    assert not nhs_number_is_usable("9434765918")


@pytest.mark.parametrize("placeholder", ["0000000000", "1111111111"])
def test_placeholder_nhs_numbers_that_pass_the_check_digit_are_not_usable(placeholder: str) -> None:
    assert not nhs_number_is_usable(placeholder)
