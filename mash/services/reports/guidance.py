"""The Annex A guidance of each year (columns and categories), kept as data in `mash/data/annex_a/`."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

GUIDANCE_DIR = Path(__file__).resolve().parent.parent.parent / "data" / "annex_a"
LISTS = ("contacts", "early-help", "referrals")


@dataclass(frozen=True)
class Guidance:
    """One year's Annex A: the columns of each list and how our values are written in its categories."""

    version: str
    applies_from: date
    date_format: str
    columns: dict[str, tuple[str, ...]]
    gender: dict[str, str]
    ethnicity: dict[str, str]
    ethnicity_not_recorded: str
    source: dict[str, str]
    referral_nfa: dict[str, str]
    not_allocated: str
    early_help_organisation: str
    early_help_outcomes: frozenset[str]
    referral_outcomes: frozenset[str]

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Guidance:
        """Build the guidance from one year's YAML document."""
        return cls(
            version=str(document["version"]),
            applies_from=document["applies_from"],
            date_format=str(document["date_format"]),
            columns={name: tuple(spec["columns"]) for name, spec in document["lists"].items()},
            gender={str(k): str(v) for k, v in document["gender"].items()},
            ethnicity={str(k): str(v) for k, v in document["ethnicity"].items()},
            ethnicity_not_recorded=str(document["ethnicity_not_recorded"]),
            source={str(k): str(v) for k, v in document["source"].items()},
            referral_nfa={str(k): str(v) for k, v in document["referral_nfa"].items()},
            not_allocated=str(document["not_allocated"]),
            early_help_organisation=str(document["early_help_organisation"]),
            early_help_outcomes=frozenset(document["early_help_outcomes"]),
            referral_outcomes=frozenset(document["referral_outcomes"]),
        )

    def day(self, value: date | None) -> str:
        """Write a date as this year's guidance asks ('' when there is none)."""
        return value.strftime(self.date_format) if value else ""

    def gender_of(self, gender: str | None) -> str:
        """Return the Annex A gender category of one of our genders."""
        return self.gender.get(gender or "unknown", self.gender["unknown"])

    def ethnicity_of(self, code: str | None) -> str:
        """Return the Annex A ethnicity category of a CIN ethnicity code."""
        return self.ethnicity.get(code or "", self.ethnicity_not_recorded)

    def source_of(self, code: str) -> str:
        """Return the Annex A contact or referral source of a CIN referral source code."""
        return self.source[code]


@functools.cache
def all_guidance(directory: Path = GUIDANCE_DIR) -> tuple[Guidance, ...]:
    """Load every year's guidance in a directory, oldest first."""
    found = [
        Guidance.from_document(yaml.safe_load(path.read_text(encoding="utf-8")))
        for path in sorted(directory.glob("*.yaml"))
    ]
    return tuple(sorted(found, key=lambda g: g.applies_from))


def guidance_for(day: date, directory: Path = GUIDANCE_DIR) -> Guidance:
    """Return the guidance in force on a day: the latest that applies from then or before (else the oldest)."""
    years = all_guidance(directory)
    current = [g for g in years if g.applies_from <= day]
    return current[-1] if current else years[0]
