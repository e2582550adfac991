"""Score how likely a new child and a known child are the same child, with the evidence in plain English.

An NHS number decides alone: the same valid number on both is the same child, two different valid numbers
are different children. Otherwise each field that both records hold adds its weight times its agreement
(0 to 1); the weights add up to 1, so the score is 1 only when everything agrees.

Names are compared with Jaro-Winkler on normalised words. A similarity at or below `NAME_SIMILARITY_FLOOR`
agrees not at all, one at or above `NAME_SIMILARITY_FULL` agrees fully, and agreement rises in a straight
line between. A short form and its full name (Alfie, Alfred) agree fully; two names that the nickname table
knows but never groups together (Oliver, Olivia) do not agree at all, however alike they look.

Twins share a surname, a date of birth, an address and often a school: so a pair is `likely` only when the
first names agree strongly (at least `STRONG_FIRST_NAME`), whatever the score.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

from rapidfuzz.distance import JaroWinkler

from mash.matching.keys import swapped_date
from mash.matching.nicknames import known_forms
from mash.matching.normalise import (
    CACHE_SIZE,
    name_words,
    nhs_number_is_valid,
    normalise_nhs_number,
    normalise_postcode,
    normalise_school,
    phonetic_code,
    surname_parts,
)

Band = Literal["likely", "possible", "unlikely"]

FIRST_NAME_WEIGHT = 0.25
SURNAME_WEIGHT = 0.25
DOB_WEIGHT = 0.35
POSTCODE_WEIGHT = 0.10
SCHOOL_WEIGHT = 0.05

LIKELY_THRESHOLD = 0.80
"""Same first name, surname and date of birth score 0.85; so does a nickname of the first name."""
POSSIBLE_THRESHOLD = 0.60
"""Same full name with nothing else scores 0.50 (unlikely); add a near date of birth and it is possible."""

NAME_SIMILARITY_FLOOR = 0.80
NAME_SIMILARITY_FULL = 0.95
STRONG_FIRST_NAME = 0.95
SHORT_FORMS_SIMILARITY = 0.90
"""Two short forms of one full name (Alfie, Freddie): close, but also what twins get called."""
OTHER_GIVEN_NAME_FACTOR = 0.90
"""A match on a middle name, or a known-as name in brackets, counts for a little less than the first."""
SURNAME_PART_SIMILARITY = 0.95
"""One part of a double-barrelled surname equal to the other surname (Smith-Jones, Jones)."""
SOUNDS_ALIKE_SIMILARITY = 0.95
SOUNDS_ALIKE_MIN_JARO_WINKLER = 0.80
"""Surnames with the same Soundex code count as SOUNDS_ALIKE_SIMILARITY only when this close in spelling."""

DOB_SWAPPED_AGREEMENT = 0.70
DOB_NEAR_AGREEMENT = 0.60
"""One year apart, one digit different, or two neighbouring digits transposed."""
POSTCODE_DISTRICT_AGREEMENT = 0.30
SCHOOL_SIMILARITY_FULL = 0.95


@dataclass(frozen=True, slots=True)
class Person:
    """What is known about one child, as typed; every field may be missing."""

    first_name: str | None = None
    last_name: str | None = None
    date_of_birth: date | None = None
    nhs_number: str | None = None
    postcode: str | None = None
    school: str | None = None


@dataclass(frozen=True, slots=True)
class MatchScore:
    """A score from 0 to 1, its band, and the evidence for and against, in plain English."""

    score: float
    band: Band
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Given:
    word: str
    forms: frozenset[str]
    known: bool


@dataclass(frozen=True, slots=True)
class _Surname:
    joined: str
    code: str
    parts: tuple[str, ...]


@lru_cache(maxsize=CACHE_SIZE)
def _given_names(raw: str | None) -> tuple[_Given, ...]:
    names = []
    for word in name_words(raw):
        forms = known_forms(word)
        names.append(_Given(word, forms or frozenset((word,)), forms is not None))
    return tuple(names)


@lru_cache(maxsize=CACHE_SIZE)
def _surname(raw: str | None) -> _Surname | None:
    parts = surname_parts(raw)
    if not parts:
        return None
    joined = "".join(parts)
    return _Surname(joined, phonetic_code(joined), parts)


def _jaro_winkler(first: str, second: str) -> float:
    if first > second:
        first, second = second, first
    return float(JaroWinkler.similarity(first, second))


def _agreement(similarity: float) -> float:
    if similarity >= NAME_SIMILARITY_FULL:
        return 1.0
    if similarity <= NAME_SIMILARITY_FLOOR:
        return 0.0
    return (similarity - NAME_SIMILARITY_FLOOR) / (NAME_SIMILARITY_FULL - NAME_SIMILARITY_FLOOR)


def _given_pair(new: _Given, known: _Given) -> tuple[float, str]:
    pair = f"({new.word.title()} / {known.word.title()})"
    if new.word == known.word:
        return 1.0, f"same first name ({new.word.title()})"
    if new.word in known.forms or known.word in new.forms:
        return 1.0, f"first names are nickname forms {pair}"
    if not new.forms.isdisjoint(known.forms):
        return SHORT_FORMS_SIMILARITY, f"first names are short forms of one name {pair}"
    if new.known and known.known:
        return 0.0, f"different first names {pair}"
    similarity = _jaro_winkler(new.word, known.word)
    if similarity <= NAME_SIMILARITY_FLOOR:
        return similarity, f"different first names {pair}"
    return similarity, f"first name Jaro-Winkler {similarity:.2f} {pair}"


def _compare_given(new: tuple[_Given, ...], known: tuple[_Given, ...]) -> tuple[float, str]:
    best, evidence = _given_pair(new[0], known[0])
    if best < 1.0 and (len(new) > 1 or len(known) > 1):
        for i, new_name in enumerate(new):
            for j, known_name in enumerate(known):
                if i == j == 0:
                    continue
                similarity, text = _given_pair(new_name, known_name)
                if similarity * OTHER_GIVEN_NAME_FACTOR > best:
                    best, evidence = similarity * OTHER_GIVEN_NAME_FACTOR, f"other given names: {text}"
    return best, evidence


def _compare_surname(new: _Surname, known: _Surname) -> tuple[float, str]:
    if new.joined == known.joined:
        return 1.0, "same surname"
    similarity = _jaro_winkler(new.joined, known.joined)
    evidence = f"surname Jaro-Winkler {similarity:.2f}"
    if new.code == known.code and similarity >= SOUNDS_ALIKE_MIN_JARO_WINKLER:
        similarity, evidence = max(similarity, SOUNDS_ALIKE_SIMILARITY), f"surnames sound alike, {evidence}"
    if (len(new.parts) > 1 or len(known.parts) > 1) and not set(new.parts).isdisjoint(known.parts):
        if similarity < SURNAME_PART_SIMILARITY:
            similarity, evidence = SURNAME_PART_SIMILARITY, "surnames share a part"
    if similarity <= NAME_SIMILARITY_FLOOR:
        evidence = "different surnames"
    return similarity, evidence


def _digits(value: date) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def _compare_dob(new: date, known: date) -> tuple[float, str]:
    if new == known:
        return 1.0, "same date of birth"
    if swapped_date(new) == known:
        return DOB_SWAPPED_AGREEMENT, "date of birth with day and month swapped"
    if (new.month, new.day) == (known.month, known.day) and abs(new.year - known.year) == 1:
        return DOB_NEAR_AGREEMENT, "date of birth one year apart"
    new_digits, known_digits = _digits(new), _digits(known)
    differ = [i for i, (a, b) in enumerate(zip(new_digits, known_digits, strict=True)) if a != b]
    if len(differ) == 1:
        return DOB_NEAR_AGREEMENT, "date of birth one digit different"
    if (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and new_digits[differ[0]] == known_digits[differ[1]]
        and new_digits[differ[1]] == known_digits[differ[0]]
    ):
        return DOB_NEAR_AGREEMENT, "date of birth with two digits transposed"
    return 0.0, "different dates of birth"


def _compare_postcode(new: tuple[str, str | None], known: tuple[str, str | None]) -> tuple[float, str]:
    if new[0] == known[0]:
        return 1.0, "same postcode"
    if new[1] is not None and new[1] == known[1]:
        return POSTCODE_DISTRICT_AGREEMENT, f"same postcode district ({new[1]})"
    return 0.0, "different postcodes"


def _compare_school(new: str, known: str) -> tuple[float, str]:
    if new == known or _jaro_winkler(new, known) >= SCHOOL_SIMILARITY_FULL:
        return 1.0, "same school"
    return 0.0, "different schools"


def _weighted(new: Person, known: Person) -> tuple[float, bool, list[str]]:
    total = 0.0
    evidence: list[str] = []
    strong_first_name = False
    new_given, known_given = _given_names(new.first_name), _given_names(known.first_name)
    if new_given and known_given:
        similarity, text = _compare_given(new_given, known_given)
        total += FIRST_NAME_WEIGHT * _agreement(similarity)
        strong_first_name = similarity >= STRONG_FIRST_NAME
        evidence.append(text)
    new_surname, known_surname = _surname(new.last_name), _surname(known.last_name)
    if new_surname and known_surname:
        similarity, text = _compare_surname(new_surname, known_surname)
        total += SURNAME_WEIGHT * _agreement(similarity)
        evidence.append(text)
    if new.date_of_birth and known.date_of_birth:
        agreement, text = _compare_dob(new.date_of_birth, known.date_of_birth)
        total += DOB_WEIGHT * agreement
        evidence.append(text)
    new_postcode, known_postcode = normalise_postcode(new.postcode), normalise_postcode(known.postcode)
    if new_postcode and known_postcode:
        agreement, text = _compare_postcode(new_postcode, known_postcode)
        total += POSTCODE_WEIGHT * agreement
        evidence.append(text)
    new_school, known_school = normalise_school(new.school), normalise_school(known.school)
    if new_school and known_school:
        agreement, text = _compare_school(new_school, known_school)
        total += SCHOOL_WEIGHT * agreement
        evidence.append(text)
    return min(1.0, round(total, 4)), strong_first_name, evidence


def _band(score: float, strong_first_name: bool) -> Band:
    if score >= LIKELY_THRESHOLD and strong_first_name:
        return "likely"
    if score >= POSSIBLE_THRESHOLD:
        return "possible"
    return "unlikely"


def score(new: Person, known: Person) -> MatchScore:
    """Score whether a new child is a known child, with the evidence for and against."""
    total, strong_first_name, evidence = _weighted(new, known)
    new_nhs, known_nhs = normalise_nhs_number(new.nhs_number), normalise_nhs_number(known.nhs_number)
    if new_nhs and known_nhs:
        if new_nhs == known_nhs:
            return MatchScore(1.0, "likely", ("same NHS number", *evidence))
        if nhs_number_is_valid(new_nhs) and nhs_number_is_valid(known_nhs):
            return MatchScore(0.0, "unlikely", ("different NHS numbers", *evidence))
        evidence.append("NHS numbers differ but one fails its check digit, so they were not compared")
    return MatchScore(total, _band(total, strong_first_name), tuple(evidence))
