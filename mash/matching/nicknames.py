"""Given names and their short forms (Alfie and Alfred, Lexi and Alexandra), read from nicknames.txt."""

from __future__ import annotations

from collections import defaultdict
from functools import cache, lru_cache
from importlib.resources import files

from mash.matching.normalise import CACHE_SIZE, normalise_text

TABLE_FILE = "nicknames.txt"


class NicknameTableError(ValueError):
    """The nickname table has a line that is not "formal spellings: short forms"."""


def parse_table(text: str) -> dict[str, frozenset[str]]:
    """Map each name in a nickname table to itself and every full name it may be a form of."""
    full_names: defaultdict[str, set[str]] = defaultdict(set)
    for number, line in enumerate(text.splitlines(), start=1):
        content = line.split("#", 1)[0].strip()
        if not content:
            continue
        formal_text, colon, short_text = content.partition(":")
        formal = normalise_text(formal_text).split()
        if not colon or not formal:
            raise NicknameTableError(f"line {number}: expected 'formal spellings: short forms', got {line!r}")
        for name in (*formal, *normalise_text(short_text).split()):
            full_names[name].update(formal)
    return {name: frozenset({name, *formal}) for name, formal in full_names.items()}


@cache
def _table() -> dict[str, frozenset[str]]:
    return parse_table(files("mash.matching").joinpath(TABLE_FILE).read_text(encoding="utf-8"))


def known_forms(word: str) -> frozenset[str] | None:
    """Return the forms of a normalised one-word name, or None when the table does not know it."""
    return _table().get(word)


@lru_cache(maxsize=CACHE_SIZE)
def canonical_forms(name: str) -> frozenset[str]:
    """Return the normalised name with every full name it may be a short form or spelling of."""
    word = normalise_text(name)
    return known_forms(word) or frozenset({word})


def are_nicknames(first: str, second: str) -> bool:
    """Say whether two given names can be forms of the same name (identical names count)."""
    return not canonical_forms(first).isdisjoint(canonical_forms(second))
