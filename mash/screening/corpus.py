"""A corpus of synthetic contacts, each with the outcomes a practitioner would defend, and how screening fares on it.

A corpus is a directory of YAML files, each with ``cases:``, a list of:
  id: unique; source: the threshold guidance that defends the acceptable outcomes
  acceptable: the outcomes a practitioner would defend (the lowest of them is the case's floor)
  referrer: agency type (default ``police``); consent: a status, or {status, reason} (default ``not_sought``)
  children: each {name, born} or {due} (expected date of delivery) or {gender}, optionally disabled: true
  adults: each {relationship, lives_with_child}; categories, indicators: as coded (default [other], [])
  immediate_danger: true or false; received_at: ISO 8601 (default Monday 2026-11-23 10:00 UTC)
  history: {contacts, categories, max_level, early_help_declined} for every child (earlier contacts in 12 months)
  summary, worries, strengths, needs: the referrer's words, which the narrative reader reads
A recommendation is acceptable when its outcome is in the set, below the floor when it is lower than every
acceptable outcome, and above when it is higher than every acceptable outcome.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from mash.screening.engine import ScreeningResult, screen
from mash.screening.facts import ChildHistory
from mash.screening.inputs import TEXT_FIELDS, ChildInput, ContactInput, Suggestion
from mash.screening.rulebook import Rulebook
from mash.screening.vocabulary import OUTCOMES, outcome_rank

if TYPE_CHECKING:
    from mash.screening.narrative.reader import NarrativeReader

DEFAULT_RECEIVED_AT = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class CorpusCase:
    """One synthetic contact and the outcomes a practitioner would defend for it."""

    id: str
    source: str
    acceptable: tuple[str, ...]
    contact: ContactInput
    histories: tuple[ChildHistory, ...]
    received_at: dt.datetime


@dataclass(frozen=True)
class CaseResult:
    """How screening did on one case."""

    case: CorpusCase
    result: ScreeningResult

    @property
    def acceptable(self) -> bool:
        """Return whether the recommendation is one of the acceptable outcomes."""
        return self.result.outcome in self.case.acceptable

    @property
    def below_floor(self) -> bool:
        """Return whether the recommendation is lower than every acceptable outcome."""
        return outcome_rank(self.result.outcome) < min(outcome_rank(o) for o in self.case.acceptable)

    @property
    def above(self) -> bool:
        """Return whether the recommendation is higher than every acceptable outcome."""
        return outcome_rank(self.result.outcome) > max(outcome_rank(o) for o in self.case.acceptable)


@dataclass(frozen=True)
class CorpusReport:
    """The corpus's agreement: every case's result, those below their floor and those above."""

    results: tuple[CaseResult, ...]

    @property
    def agreement(self) -> float:
        """Return the share of cases whose recommendation is acceptable."""
        return sum(r.acceptable for r in self.results) / len(self.results) if self.results else 0.0

    @property
    def below_floor(self) -> tuple[CaseResult, ...]:
        """Return the cases recommended below their floor."""
        return tuple(r for r in self.results if r.below_floor)

    @property
    def above(self) -> tuple[CaseResult, ...]:
        """Return the cases recommended above every acceptable outcome."""
        return tuple(r for r in self.results if r.above)

    def as_dict(self) -> dict[str, Any]:
        """Return the report as plain data, for --json."""
        return {
            "cases": len(self.results),
            "acceptable": sum(r.acceptable for r in self.results),
            "agreement": round(self.agreement, 4),
            "below_floor": [_row(r) for r in self.below_floor],
            "above": [_row(r) for r in self.above],
        }


def corpus_report(report: CorpusReport) -> str:
    """Return the corpus's agreement and the cases below their floor and above every acceptable outcome, as text."""
    lines = [
        f"screening corpus: {len(report.results)} contacts, "
        f"{sum(r.acceptable for r in report.results)} acceptable, agreement {report.agreement:.3f}",
        f"below the floor: {len(report.below_floor)}",
        *(_line(r) for r in report.below_floor),
        f"above every acceptable outcome: {len(report.above)}",
        *(_line(r) for r in report.above),
    ]
    return "\n".join(lines) + "\n"


def _line(result: CaseResult) -> str:
    rules = ", ".join(reason.rule for reason in result.result.reasons)
    return (
        f"  {result.case.id}: recommended {result.result.outcome}, acceptable {', '.join(result.case.acceptable)} "
        f"({result.case.source}); rules: {rules}"
    )


def load_corpus(directory: str | Path) -> list[CorpusCase]:
    """Read every case in a corpus directory, in file then list order; raise ValueError naming a bad case."""
    cases: list[CorpusCase] = []
    seen: set[str] = set()
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" line {mark.line + 1}" if mark is not None else ""
            raise ValueError(f"{path.name}:{where} is not valid YAML ({getattr(exc, 'problem', exc)})") from exc
        if not isinstance(document, dict) or not isinstance(document.get("cases"), list):
            raise ValueError(f"{path.name}: needs a list under 'cases'")
        for raw in document["cases"]:
            try:
                case = _case(raw)
            except (KeyError, TypeError, ValueError) as exc:
                raise ValueError(f"{path.name}: case {raw.get('id', '?')}: {exc}") from exc
            if case.id in seen:
                raise ValueError(f"{path.name}: case id {case.id} is used twice")
            seen.add(case.id)
            cases.append(case)
    return cases


def suggestions_for(reader: NarrativeReader, texts: Mapping[str, str]) -> tuple[Suggestion, ...]:
    """Return the reader's findings in the texts as suggestions for screening."""
    return tuple(Suggestion(f.name, f.kind, f.field, f.sentence) for f in reader.read(texts))


def evaluate_corpus(cases: Iterable[CorpusCase], rulebook: Rulebook, reader: NarrativeReader) -> CorpusReport:
    """Screen every case, its words read by the reader, and report the agreement with the acceptable outcomes."""
    results = []
    for case in cases:
        contact = case.contact
        suggested = suggestions_for(reader, contact.texts)
        contact = ContactInput(**{**vars(contact), "suggestions": suggested})
        results.append(CaseResult(case, screen(contact, case.received_at, case.histories, rulebook)))
    return CorpusReport(tuple(results))


def _row(result: CaseResult) -> dict[str, Any]:
    return {
        "id": result.case.id,
        "recommended": result.result.outcome,
        "acceptable": list(result.case.acceptable),
        "source": result.case.source,
        "rules": [reason.rule for reason in result.result.reasons],
    }


def _date(value: object) -> dt.date | None:
    if value is None:
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _child(raw: Mapping[str, Any]) -> ChildInput:
    first, _, last = str(raw.get("name") or "").partition(" ")
    return ChildInput(
        first_name=first or None,
        last_name=last or None,
        date_of_birth=_date(raw.get("born")),
        expected_date_of_delivery=_date(raw.get("due")),
        disability=bool(raw.get("disabled", False)),
    )


def _case(raw: Mapping[str, Any]) -> CorpusCase:
    acceptable = tuple(raw["acceptable"])
    unknown = [o for o in acceptable if o not in OUTCOMES]
    if not acceptable or unknown:
        raise ValueError(f"acceptable outcomes must be from {', '.join(OUTCOMES)}")
    if not str(raw.get("source") or "").strip():
        raise ValueError("every case needs the threshold source that defends it")
    consent = raw.get("consent", "not_sought")
    adults: Sequence[Mapping[str, Any]] = raw.get("adults") or ()
    children = tuple(_child(child) for child in raw["children"])
    history = raw.get("history")
    histories: tuple[ChildHistory, ...] = ()
    if history:
        one = ChildHistory(
            contacts_last_12_months=int(history.get("contacts", 0)),
            early_help_declined_or_failed=bool(history.get("early_help_declined", False)),
            earlier_categories=frozenset(history.get("categories") or ()),
            earlier_max_level=history.get("max_level"),
        )
        histories = (one,) * len(children)
    received = raw.get("received_at")
    return CorpusCase(
        id=str(raw["id"]),
        source=str(raw["source"]),
        acceptable=acceptable,
        contact=ContactInput(
            agency_type=str(raw.get("referrer", "police")),
            children=children,
            categories=frozenset(raw.get("categories") or ("other",)),
            indicators=frozenset(raw.get("indicators") or ()),
            immediate_danger=bool(raw.get("immediate_danger", False)),
            consent=str(consent["status"] if isinstance(consent, Mapping) else consent),
            adults_caring=sum(1 for a in adults if a.get("lives_with_child")) if adults else None,
            texts={name: str(raw[name]) for name in TEXT_FIELDS if raw.get(name)},
        ),
        histories=histories,
        received_at=dt.datetime.fromisoformat(str(received)) if received else DEFAULT_RECEIVED_AT,
    )
