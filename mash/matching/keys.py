"""Blocking keys: the indexed values that find the few known children worth scoring against a new one.

A known child is stored with its `BlockingKeys.dob` and `BlockingKeys.surname_year`, each in an indexed
column. A new child is looked up with `candidate_keys`: pairs of (column, value), where the column is
`DOB_KEY` or `SURNAME_YEAR_KEY`. The lookups are:

* its date of birth, and the same date with day and month swapped (a date typed the American way);
* the Soundex code of each part of its surname with its birth year, so that a child whose date of birth
  was mistyped, but whose surname sounds the same and whose year is right, is still found.

A new child without a date of birth has no candidate keys: a surname code alone would fetch thousands.

Soundex is the phonetic code because it keeps the first letter and the consonants and ignores vowels,
which is where transliterated South Asian, West African and Vietnamese surnames vary most (Mohammed and
Muhammad, Chaudhry and Choudhury, Nguyen and Ngyuen, Okonkwo and Okonkow all agree; Metaphone splits
Khan and Kahn, Morgan and Morgen; NYSIIS splits Ahmed and Ahmet). A leading "Ph" is read as "F" so that
Pham and Fam agree. A double-barrelled surname is split into parts: the stored key codes the first part,
and a new child is looked up by every part, so "Smith" finds a known "Smith-Jones".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mash.matching.normalise import phonetic_code, surname_parts

DOB_KEY = "dob"
SURNAME_YEAR_KEY = "surname_year"


@dataclass(frozen=True, slots=True)
class BlockingKeys:
    """The values stored, indexed, beside a known child; each is None when it cannot be worked out."""

    dob: str | None
    dob_swapped: str | None
    surname_phonetic: str | None
    surname_year: str | None


def swapped_date(value: date) -> date | None:
    """Return the date with day and month swapped, or None when that is not a different valid date."""
    if value.day > 12 or value.day == value.month:
        return None
    return value.replace(month=value.day, day=value.month)


def _surname_year(code: str, value: date) -> str:
    return f"{code}:{value.year:04d}"


def blocking_keys(first_name: str | None, last_name: str | None, date_of_birth: date | None) -> BlockingKeys:
    """Work out the blocking keys of a child; the first name is accepted but no key depends on it."""
    parts = surname_parts(last_name)
    code = phonetic_code(parts[0]) if parts else None
    if date_of_birth is None:
        return BlockingKeys(dob=None, dob_swapped=None, surname_phonetic=code, surname_year=None)
    swapped = swapped_date(date_of_birth)
    return BlockingKeys(
        dob=date_of_birth.isoformat(),
        dob_swapped=swapped.isoformat() if swapped else None,
        surname_phonetic=code,
        surname_year=_surname_year(code, date_of_birth) if code else None,
    )


def candidate_keys(
    first_name: str | None, last_name: str | None, date_of_birth: date | None
) -> frozenset[tuple[str, str]]:
    """Return the (column, value) pairs to look known children up by for a new child."""
    if date_of_birth is None:
        return frozenset()
    keys = {(DOB_KEY, date_of_birth.isoformat())}
    swapped = swapped_date(date_of_birth)
    if swapped:
        keys.add((DOB_KEY, swapped.isoformat()))
    for part in surname_parts(last_name):
        keys.add((SURNAME_YEAR_KEY, _surname_year(phonetic_code(part), date_of_birth)))
    return frozenset(keys)
