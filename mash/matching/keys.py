"""Blocking keys: the indexed values that find the few known children worth scoring against a new one.

A known child is stored with the keys of `stored_keys`, one indexed row each; a new child is looked up by the
keys of `probe_keys`, which are the same and the date-of-birth keys again with day and month swapped (a date typed
the American way). Every key joins details, so that a block holds the children who agree on all of them, not
everyone born on one day (152 of a million known children) or everyone of one surname and year:

* on the date of birth: `ds` with the sound of a surname (the same child under another first name, or with a
  typo in it), `dn` with the first two letters of a surname (a typo that changes its sound, Hendry and Hendy),
  `df` with the sound of a first name (the same child under another surname: a parent's new partner, an
  adoption), `dp` with the postcode (the same address whatever the names say);
* near the date of birth: `ym`, `yd` and `md`, two of the year, month and day with the sound of a surname and a
  first-name initial (a date with one digit wrong, two digits transposed or the year one out leaves two of the
  three as they were), and `yt`, the year with the sound of a surname and a first name without its first letter
  (Elfred for Alfred, born in the same year);
* at an address: `ps` and `pf`, the postcode with the sound of a surname or with a first-name initial (the same
  child whatever the date says).

The score (`mash.matching.score`) keeps a pair only when the names, the date and the address agree enough. Every
pair it keeps with one error between them shares a key, and so does every pair it keeps that the wider keys before
these found (the date of birth, or the sound of a surname and the year): `tests/matching/test_keys.py` checks both
on a grid of errors. A pair with two errors, one of them in the date, may share none (Alfred Hendry and Alfred
Hendy born a month apart), as it shared none of the wider keys. A new child is found with no key by its NHS
number, which the service looks up on its own.

The sound of a surname is the Soundex code of each of its parts (and of the whole, when it has several), because
Soundex keeps the first letter and the consonants and ignores vowels, which is where transliterated South Asian,
West African and Vietnamese surnames vary most (Mohammed and Muhammad, Chaudhry and Choudhury, Nguyen and
Ngyuen, Okonkwo and Okonkow all agree; Metaphone splits Khan and Kahn, Morgan and Morgen; NYSIIS splits Ahmed
and Ahmet). A leading "Ph" is read as "F" so that Pham and Fam agree. Every part is a key on both sides, so
"Smith" finds a known "Smith-Jones" and "Jones-Smith" finds it too.

A first name's sound and initial are those of each given name and of each full name the nickname table knows it
as a form of, so that Bill finds William and Sasha finds Alexander.

Changing what a key holds changes what is stored: it needs a migration that rebuilds the `child_keys` table.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import NamedTuple

from mash.matching.nicknames import known_forms
from mash.matching.normalise import CACHE_SIZE, name_words, normalise_postcode, phonetic_code, surname_parts


def swapped_date(value: date) -> date | None:
    """Return the date with day and month swapped, or None when that is not a different valid date."""
    if value.day > 12 or value.day == value.month:
        return None
    return value.replace(month=value.day, day=value.month)


class _Details(NamedTuple):
    sounds: frozenset[str]
    starts: frozenset[str]
    initials: frozenset[str]
    given_sounds: frozenset[str]
    tails: frozenset[str]
    postcode: str | None


@lru_cache(maxsize=CACHE_SIZE)
def surname_codes(last_name: str | None) -> frozenset[str]:
    """Return the sound of each part of a surname, and of the whole when it has several parts (a surname in another
    script is its own sound, cut to 20 letters so that every key fits its column)."""
    parts = surname_parts(last_name)
    codes = {phonetic_code(part) for part in parts}
    if len(parts) > 1:
        codes.add(phonetic_code("".join(parts)))
    return frozenset(code[:20] for code in codes)


@lru_cache(maxsize=CACHE_SIZE)
def _surname_starts(last_name: str | None) -> frozenset[str]:
    return frozenset(part[:2] for part in surname_parts(last_name))


@lru_cache(maxsize=CACHE_SIZE)
def given_initials(first_name: str | None) -> frozenset[str]:
    """Return the first letters of each given name and of the full names it may be a form of."""
    return frozenset(form[0] for word in name_words(first_name) for form in known_forms(word) or (word,))


@lru_cache(maxsize=CACHE_SIZE)
def given_sounds(first_name: str | None) -> frozenset[str]:
    """Return the sound of each given name and of the full names it may be a form of."""
    return frozenset(
        phonetic_code(form)[:20] for word in name_words(first_name) for form in known_forms(word) or (word,)
    )


@lru_cache(maxsize=CACHE_SIZE)
def given_tails(first_name: str | None) -> frozenset[str]:
    """Return each given name of two letters or more without its first letter (lfred for Alfred and Elfred)."""
    return frozenset(word[1:21] for word in name_words(first_name) if len(word) > 1)


def _details(first_name: str | None, last_name: str | None, postcode: str | None) -> _Details:
    compact = normalise_postcode(postcode)
    return _Details(
        surname_codes(last_name),
        _surname_starts(last_name),
        given_initials(first_name),
        given_sounds(first_name),
        given_tails(first_name),
        compact[0] if compact is not None else None,
    )


def _date_keys(born: date, details: _Details) -> set[str]:
    day = born.isoformat()
    keys = {
        *(f"ds:{day}:{sound}" for sound in details.sounds),
        *(f"dn:{day}:{start}" for start in details.starts),
        *(f"df:{day}:{sound}" for sound in details.given_sounds),
    }
    if details.postcode is not None:
        keys.add(f"dp:{day}:{details.postcode}")
    return keys


def _near_date_keys(born: date, details: _Details) -> set[str]:
    pairs = (f"ym:{born.year:04d}-{born.month:02d}", f"yd:{born.year:04d}-{born.day:02d}", f"md:{born:%m-%d}")
    return {
        *(f"{pair}:{sound}:{initial}" for pair in pairs for sound in details.sounds for initial in details.initials),
        *(f"yt:{born.year:04d}:{sound}:{tail}" for sound in details.sounds for tail in details.tails),
    }


def stored_keys(
    first_name: str | None, last_name: str | None, date_of_birth: date | None, postcode: str | None
) -> frozenset[str]:
    """Return the keys a known child is stored with."""
    details = _details(first_name, last_name, postcode)
    keys: set[str] = set()
    if date_of_birth is not None:
        keys |= _date_keys(date_of_birth, details) | _near_date_keys(date_of_birth, details)
    if details.postcode is not None:
        keys |= {f"ps:{details.postcode}:{sound}" for sound in details.sounds}
        keys |= {f"pf:{details.postcode}:{initial}" for initial in details.initials}
    return frozenset(keys)


def probe_keys(
    first_name: str | None, last_name: str | None, date_of_birth: date | None, postcode: str | None
) -> frozenset[str]:
    """Return the keys to look known children up by for a new child: its own, and its date's with day and month
    swapped."""
    keys = stored_keys(first_name, last_name, date_of_birth, postcode)
    swapped = swapped_date(date_of_birth) if date_of_birth is not None else None
    if swapped is None:
        return keys
    return keys | _date_keys(swapped, _details(first_name, last_name, postcode))
