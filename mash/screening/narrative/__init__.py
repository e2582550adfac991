"""Reading a contact's words: suggested indicators and concern categories, each with the sentence it came from.

spaCy and medspaCy take about two seconds and 170 MB to import, so the reader's module is imported only when a
reader is first built: a command that never reads words (a report, an account) never pays for them.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from mash.screening.narrative.finding import FIELDS, Finding
from mash.screening.narrative.terms import DEFAULT_TERMS, NarrativeTermsError, check_terms, load_terms

if TYPE_CHECKING:
    from mash.screening.narrative.reader import NarrativeReader

__all__ = [
    "DEFAULT_TERMS",
    "FIELDS",
    "Finding",
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
    from mash.screening.narrative.reader import NarrativeReader

    return NarrativeReader(load_terms(path))
