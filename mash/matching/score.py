"""Score how likely a new child and a known child are the same child, with the evidence in plain English.

An NHS number decides alone: the same number on both is the same child, two different numbers are
different children; a number that fails its check digit, or a placeholder like 0000000000, is not relied
on. Otherwise each field that both records hold adds its weight times its agreement (0 to 1); the weights
add up to 1, so the score is 1 only when everything agrees.

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
from typing import Literal, NamedTuple

from rapidfuzz.distance import OSA, Hamming, JaroWinkler

from mash.matching.nicknames import known_forms
from mash.matching.normalise import (
    CACHE_SIZE,
    name_words,
    nhs_number_is_usable,
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

NEW_CHILD_CACHE_SIZE = 64


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


class _Given(NamedTuple):
    word: str
    display: str
    forms: frozenset[str]
    known: bool


class _Surname(NamedTuple):
    joined: str
    code: str
    parts: tuple[str, ...]


@lru_cache(maxsize=CACHE_SIZE)
def _given_names(raw: str | None) -> tuple[_Given, ...]:
    names = []
    for word in name_words(raw):
        forms = known_forms(word)
        names.append(_Given(word, word.title(), forms or frozenset((word,)), forms is not None))
    return tuple(names)


@lru_cache(maxsize=CACHE_SIZE)
def _surname(raw: str | None) -> _Surname | None:
    parts = surname_parts(raw)
    if not parts:
        return None
    joined = "".join(parts)
    return _Surname(joined, phonetic_code(joined), parts)


class _Prepared(NamedTuple):
    given: tuple[_Given, ...]
    surname: _Surname | None
    born: date | None
    postcode: tuple[str, str | None] | None
    school: str | None
    nhs: str | None


def _prepare(person: Person) -> _Prepared:
    return _Prepared(
        _given_names(person.first_name),
        _surname(person.last_name),
        person.date_of_birth,
        normalise_postcode(person.postcode),
        normalise_school(person.school),
        normalise_nhs_number(person.nhs_number),
    )


_prepare_new = lru_cache(maxsize=NEW_CHILD_CACHE_SIZE)(_prepare)
"""The new child is scored against every candidate in turn, so it is prepared once; each candidate is
prepared as it comes, from the per-field caches."""


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


def _pair(new: str, known: str) -> str:
    return f"({new} / {known})"


def _given_pair(new: _Given, known: _Given) -> tuple[float, str]:
    if new.word == known.word:
        return 1.0, "same first name"
    if new.word in known.forms or known.word in new.forms:
        similarity, reason = 1.0, "first names are nickname forms"
    elif not new.forms.isdisjoint(known.forms):
        similarity, reason = SHORT_FORMS_SIMILARITY, "first names are short forms of one name"
    elif new.known and known.known:
        similarity, reason = 0.0, "different first names"
    else:
        similarity = _jaro_winkler(new.word, known.word)
        reason = (
            f"first name Jaro-Winkler {similarity:.2f}"
            if similarity > NAME_SIMILARITY_FLOOR
            else "different first names"
        )
    return similarity, f"{reason} {_pair(new.display, known.display)}"


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
    shares_part = (len(new.parts) > 1 or len(known.parts) > 1) and not set(new.parts).isdisjoint(known.parts)
    if shares_part and similarity < SURNAME_PART_SIMILARITY:
        similarity = SURNAME_PART_SIMILARITY
        evidence = f"surnames share a part {_pair(' '.join(new.parts).title(), ' '.join(known.parts).title())}"
    if similarity <= NAME_SIMILARITY_FLOOR:
        evidence = "different surnames"
    return similarity, evidence


@lru_cache(maxsize=CACHE_SIZE)
def _digits(value: date) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def _compare_dob(new: date, known: date) -> tuple[float, str]:
    if new == known:
        return 1.0, "same date of birth"
    if new.year == known.year and new.day == known.month and new.month == known.day:
        return DOB_SWAPPED_AGREEMENT, "date of birth with day and month swapped"
    if new.month == known.month and new.day == known.day and abs(new.year - known.year) == 1:
        return DOB_NEAR_AGREEMENT, "date of birth one year apart"
    new_digits, known_digits = _digits(new), _digits(known)
    differ = Hamming.distance(new_digits, known_digits)
    if differ == 1:
        return DOB_NEAR_AGREEMENT, "date of birth one digit different"
    if differ == 2 and OSA.distance(new_digits, known_digits) == 1:
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


def _weighted(new: _Prepared, known: _Prepared) -> tuple[float, bool, list[str]]:
    total = 0.0
    evidence: list[str] = []
    strong_first_name = False
    if new.given and known.given:
        similarity, text = _compare_given(new.given, known.given)
        total += FIRST_NAME_WEIGHT * _agreement(similarity)
        strong_first_name = similarity >= STRONG_FIRST_NAME
        evidence.append(text)
    if new.surname and known.surname:
        similarity, text = _compare_surname(new.surname, known.surname)
        total += SURNAME_WEIGHT * _agreement(similarity)
        evidence.append(text)
    if new.born and known.born:
        agreement, text = _compare_dob(new.born, known.born)
        total += DOB_WEIGHT * agreement
        evidence.append(text)
    if new.postcode and known.postcode:
        agreement, text = _compare_postcode(new.postcode, known.postcode)
        total += POSTCODE_WEIGHT * agreement
        evidence.append(text)
    if new.school and known.school:
        agreement, text = _compare_school(new.school, known.school)
        total += SCHOOL_WEIGHT * agreement
        evidence.append(text)
    return min(1.0, round(total, 4)), strong_first_name, evidence


def _compare_nhs(new: str, known: str) -> tuple[float | None, str]:
    if not (nhs_number_is_usable(new) and nhs_number_is_usable(known)):
        return None, "NHS numbers not compared: one fails its check digit or is a placeholder"
    if new == known:
        return 1.0, "same NHS number"
    return 0.0, "different NHS numbers"


def score(new: Person, known: Person) -> MatchScore:
    """Score whether a new child is a known child, with the evidence for and against."""
    new_prepared, known_prepared = _prepare_new(new), _prepare(known)
    total, strong_first_name, evidence = _weighted(new_prepared, known_prepared)
    if new_prepared.nhs and known_prepared.nhs:
        decided, text = _compare_nhs(new_prepared.nhs, known_prepared.nhs)
        if decided is not None:
            return MatchScore(decided, "likely" if decided else "unlikely", (text, *evidence))
        evidence.append(text)
    if total >= LIKELY_THRESHOLD:
        if strong_first_name:
            return MatchScore(total, "likely", tuple(evidence))
        evidence.append("held at possible: first names differ and twins share everything else")
    band: Band = "possible" if total >= POSSIBLE_THRESHOLD else "unlikely"
    return MatchScore(total, band, tuple(evidence))
