"""What screening reads about a contact: typed inputs built from the stored contact, not from a request body.

The rules never see the public API's field names: services build a ``ContactInput`` from the stored contact (the
coded concerns, consent, the children and the referrer's own words) and the engine turns it into facts.
``adults_caring`` counts the adults recorded as living with the children (None when no adult is recorded).
``Suggestion`` is a fact the narrative reader found in the words and nobody dismissed; suggestions only ever add
to what the referrer coded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

TEXT_FIELDS: tuple[str, ...] = ("summary", "worries", "strengths", "needs", "information")


@dataclass(frozen=True)
class ChildInput:
    """One child on the contact, as stored."""

    first_name: str | None = None
    last_name: str | None = None
    date_of_birth: dt.date | None = None
    expected_date_of_delivery: dt.date | None = None
    nhs_number: str | None = None
    disability: bool = False

    @property
    def identifiable(self) -> bool:
        """Return whether anything on record could identify the child."""
        return any(
            (self.first_name, self.last_name, self.date_of_birth, self.expected_date_of_delivery, self.nhs_number)
        )


@dataclass(frozen=True)
class Suggestion:
    """An indicator or category the narrative reader found in the referrer's words, with where it was found."""

    name: str
    kind: str
    field: str
    sentence: str


@dataclass(frozen=True)
class ContactInput:
    """Everything the rules may look at in one contact."""

    agency_type: str
    children: tuple[ChildInput, ...]
    categories: frozenset[str] = frozenset()
    indicators: frozenset[str] = frozenset()
    immediate_danger: bool = False
    consent: str = "not_sought"
    adults_caring: int | None = None
    texts: Mapping[str, str] = field(default_factory=dict)
    suggestions: tuple[Suggestion, ...] = ()

    @property
    def suggested_categories(self) -> frozenset[str]:
        """Return the categories found only in the words."""
        return frozenset(s.name for s in self.suggestions if s.kind == "category") - self.categories

    @property
    def suggested_indicators(self) -> frozenset[str]:
        """Return the indicators found only in the words."""
        return frozenset(s.name for s in self.suggestions if s.kind == "indicator") - self.indicators
