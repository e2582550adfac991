"""Reading a contact's words: suggested indicators and concern categories, each with the sentence it came from."""

from __future__ import annotations

import functools
from pathlib import Path

from mash.screening.narrative.reader import FIELDS, Finding, NarrativeReader
from mash.screening.narrative.terms import DEFAULT_TERMS, NarrativeTermsError, check_terms, load_terms

__all__ = [
    "DEFAULT_TERMS",
    "FIELDS",
    "Finding",
    "NarrativeReader",
    "NarrativeTermsError",
    "check_terms",
    "load_reader",
    "load_terms",
]


def load_reader(path: str | None = None) -> NarrativeReader:
    """Return the reader for a council's terms file (None: the default terms), built once per process."""
    return _reader(str(Path(path or DEFAULT_TERMS).resolve()))


@functools.cache
def _reader(path: str) -> NarrativeReader:
    return NarrativeReader(load_terms(path))
