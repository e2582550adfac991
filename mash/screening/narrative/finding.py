"""What the narrative reader finds, in a module light enough for callers that never load spaCy."""

from __future__ import annotations

from dataclasses import dataclass

FIELDS: tuple[str, ...] = ("summary", "worries", "strengths", "needs", "information")


@dataclass(frozen=True)
class Finding:
    """A fact the reader found in the words, with the sentence it came from."""

    name: str  # an indicator name, or a concern category name
    kind: str  # "indicator" or "category"
    field: str  # which text it came from: "summary", "worries", "strengths", "needs", or "information"
    sentence: str  # the sentence it came from, as written
    term: str  # the words that matched
