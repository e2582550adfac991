"""Normalise names, postcodes, schools and NHS numbers so that records typed differently compare equal."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import jellyfish

CACHE_SIZE = 1 << 14

# Apostrophes vanish so that O'Brien and OBrien agree; letters that NFKD does not decompose
# (the Vietnamese đ, the Nordic ø, the Polish ł) are spelled in ASCII.
_FOLD = str.maketrans(
    {
        "'": "",
        "\u2019": "",
        "\u2018": "",
        "\u02bc": "",
        "`": "",
        "\u00b4": "",
        "\u0111": "d",
        "\u00f0": "d",
        "\u00f8": "o",
        "\u0142": "l",
        "\u00e6": "ae",
        "\u0153": "oe",
        "\u00fe": "th",
        "\u0131": "i",
        "\u0127": "h",
    }
)
_NOT_LETTER = re.compile(r"[\W\d_]+")
_NOT_ALNUM = re.compile(r"[\W_]+")
_NOT_DIGIT = re.compile(r"\D+")
_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}")

NOISE_WORDS = frozenset({"duplicate", "dup", "dupe"})
"""Words that staff type into a name field to mark a duplicate record, never part of a name."""

SURNAME_PARTICLES = frozenset(
    {
        "o",
        "mac",
        "mc",
        "ni",
        "nic",
        "ui",
        "van",
        "von",
        "de",
        "der",
        "den",
        "del",
        "della",
        "da",
        "di",
        "dos",
        "al",
        "el",
    }
)
"""Particles joined to the word after them, so "Ní Bhriain", "Mac Donald" and "Al-Hassan" stay one part.

"Le", "La", "Do" and "Du" are left out: they are whole Vietnamese and Chinese surnames.
"""

_SCHOOL_NOISE = frozenset({"the", "school"})


@lru_cache(maxsize=CACHE_SIZE)
def normalise_text(raw: str) -> str:
    """Casefold, strip accents and punctuation, and collapse whitespace."""
    text = raw.casefold().translate(_FOLD)
    if not text.isascii():
        text = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    return " ".join(_NOT_LETTER.sub(" ", text).split())


@lru_cache(maxsize=CACHE_SIZE)
def name_words(raw: str | None) -> tuple[str, ...]:
    """Split a given name into normalised words, dropping duplicate markers."""
    if not raw:
        return ()
    return tuple(word for word in normalise_text(raw).split() if word not in NOISE_WORDS)


@lru_cache(maxsize=CACHE_SIZE)
def surname_parts(raw: str | None) -> tuple[str, ...]:
    """Split a surname into its parts (double-barrelled names have several), particles joined on."""
    parts: list[str] = []
    pending = ""
    for word in name_words(raw):
        if word in SURNAME_PARTICLES:
            pending += word
        else:
            parts.append(pending + word)
            pending = ""
    if pending:
        parts.append(pending)
    return tuple(parts)


@lru_cache(maxsize=CACHE_SIZE)
def phonetic_code(word: str) -> str:
    """Return the Soundex code of a normalised word, or the word itself when it is not Latin script."""
    if not (word.isascii() and word.isalpha()):
        return word
    if word.startswith("ph"):
        word = "f" + word[2:]
    return str(jellyfish.soundex(word))


@lru_cache(maxsize=CACHE_SIZE)
def normalise_postcode(raw: str | None) -> tuple[str, str | None] | None:
    """Return a postcode without spaces, upper case, and its outward code when it is a UK postcode."""
    if not raw:
        return None
    compact = _NOT_ALNUM.sub("", raw).upper()
    if not compact:
        return None
    return compact, compact[:-3] if _POSTCODE.fullmatch(compact) else None


@lru_cache(maxsize=CACHE_SIZE)
def normalise_school(raw: str | None) -> str | None:
    """Return a school name without case, accents, punctuation or the words "the" and "school"."""
    if not raw:
        return None
    words = ["saint" if word == "st" else word for word in normalise_text(raw).split()]
    return " ".join(word for word in words if word not in _SCHOOL_NOISE) or None


def normalise_nhs_number(raw: str | None) -> str | None:
    """Return the ten digits of an NHS number, or None when it does not have ten."""
    if not raw:
        return None
    digits = _NOT_DIGIT.sub("", raw)
    return digits if len(digits) == 10 else None


def nhs_number_is_usable(digits: str) -> bool:
    """Say whether ten digits pass the modulus 11 check and are not a placeholder such as 0000000000."""
    if len(set(digits)) == 1:
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return check != 10 and check % 11 == int(digits[9])
