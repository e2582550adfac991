"""The `when:` language of a rulebook: parse it with line-numbered problems, and test it against a child's facts.

A mapping with several keys means all of them. Keys:
- ``any_category`` / ``all_categories``: concern categories (a list).
- ``any_indicator`` / ``all_indicators``: indicators (a list).
- ``age``: the child's age band, or a list of bands (any of them); ``household_age``: any child in the contact.
- ``agency_type``, ``consent``: a value or a list of values (any of them).
- ``immediate_danger``, ``anonymous``, ``thin``, ``disabled``, ``early_help_declined``: true or false.
- ``early_help_declined_before``: earlier records say early help was declined or did not work.
- ``only_carer``: the child has one carer only (indicator ``sole_carer``, or one adult recorded living with them).
- ``same_concern_again``: an earlier contact in 12 months raised a concern of the same category.
- ``escalating``: this contact is more serious than every earlier one (its level before step-ups is higher).
- ``pattern_known``: what the earlier contacts were about is known (else repeats are judged by count alone).
- ``prior_contacts_at_least``: a whole number of EARLIER contacts in the last 12 months.
- ``all``, ``any``: a list of conditions; ``not``: one condition.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

from mash.screening.facts import ChildFacts
from mash.screening.located import LocatedMap, line_of
from mash.screening.vocabulary import AGE_BANDS, AGENCY_TYPES, CATEGORIES, CONSENT_STATUSES, INDICATORS


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a rulebook file, at a 1-based line (None when the file could not be read)."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return self.message if self.line is None else f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class OneOf:
    """True when the facts named by key hold any (or, for all_*, every) value listed."""

    key: str
    values: frozenset[str]


@dataclass(frozen=True)
class Flag:
    """True when a yes/no fact equals the expected value."""

    key: str
    expected: bool


@dataclass(frozen=True)
class AtLeast:
    """True when a count in the facts is at least the minimum."""

    key: str
    minimum: int


@dataclass(frozen=True)
class AllOf:
    """True when every part is true."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    """True when at least one part is true."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    """True when the part is false."""

    part: Condition


Condition = OneOf | Flag | AtLeast | AllOf | AnyOf | Not

_ONE_OF_TESTS: dict[str, Callable[[ChildFacts, frozenset[str]], bool]] = {
    "any_category": lambda f, v: bool(f.categories & v),
    "all_categories": lambda f, v: v <= f.categories,
    "any_indicator": lambda f, v: bool(f.indicators & v),
    "all_indicators": lambda f, v: v <= f.indicators,
    "age": lambda f, v: bool(f.age_bands & v),
    "household_age": lambda f, v: bool(f.household_age_bands & v),
    "agency_type": lambda f, v: f.agency_type in v,
    "consent": lambda f, v: f.consent in v,
}
_VOCABULARIES: dict[str, tuple[str, frozenset[str]]] = {
    "any_category": ("category", CATEGORIES),
    "all_categories": ("category", CATEGORIES),
    "any_indicator": ("indicator", INDICATORS),
    "all_indicators": ("indicator", INDICATORS),
    "age": ("age band", AGE_BANDS),
    "household_age": ("age band", AGE_BANDS),
    "agency_type": ("agency type", AGENCY_TYPES),
    "consent": ("consent status", CONSENT_STATUSES),
}
_LIST_ONLY = frozenset({"any_category", "all_categories", "any_indicator", "all_indicators"})
_FLAGS: dict[str, Callable[[ChildFacts], bool]] = {
    "immediate_danger": lambda f: f.immediate_danger,
    "anonymous": lambda f: f.anonymous,
    "thin": lambda f: f.thin,
    "disabled": lambda f: f.disabled,
    "early_help_declined": lambda f: f.early_help_declined,
    "early_help_declined_before": lambda f: f.early_help_declined_before,
    "only_carer": lambda f: f.only_carer,
    "same_concern_again": lambda f: f.same_concern_again,
    "escalating": lambda f: f.escalating,
    "pattern_known": lambda f: f.pattern_known,
}
_COUNTS: dict[str, Callable[[ChildFacts], int]] = {
    "prior_contacts_at_least": lambda f: f.prior_contacts,
}
CONDITION_KEYS: frozenset[str] = frozenset({*_ONE_OF_TESTS, *_FLAGS, *_COUNTS, "all", "any", "not"})


def evaluate(condition: Condition, facts: ChildFacts) -> bool:
    """Return whether a condition holds for one child's facts."""
    match condition:
        case OneOf(key, values):
            return _ONE_OF_TESTS[key](facts, values)
        case Flag(key, expected):
            return _FLAGS[key](facts) == expected
        case AtLeast(key, minimum):
            return _COUNTS[key](facts) >= minimum
        case AllOf(parts):
            return all(evaluate(part, facts) for part in parts)
        case AnyOf(parts):
            return any(evaluate(part, facts) for part in parts)
        case Not(part):
            return not evaluate(part, facts)
    raise TypeError(f"not a condition: {condition!r}")


def names_in(condition: Condition) -> frozenset[str]:
    """Return every category and indicator a condition mentions."""
    match condition:
        case OneOf(key, values) if key in _LIST_ONLY:
            return values
        case AllOf(parts) | AnyOf(parts):
            return frozenset().union(*(names_in(part) for part in parts))
        case Not(part):
            return names_in(part)
    return frozenset()


def parse_condition(node: object, line: int, problems: list[Problem]) -> Condition | None:
    """Parse a `when:` value, appending a line-numbered problem for each mistake; None when it has any."""
    line = line_of(node, line)
    if not isinstance(node, LocatedMap) or not node:
        problems.append(Problem(line, "a condition must be a mapping with at least one key"))
        return None
    for key, key_line in node.duplicate_keys:
        problems.append(Problem(key_line, f"condition key '{key}' is written twice"))
    parts: list[Condition | None] = [
        _parse_key(str(key), value, node.line_of(key), problems) for key, value in node.items()
    ]
    if any(part is None for part in parts):
        return None
    known = [part for part in parts if part is not None]
    return known[0] if len(known) == 1 else AllOf(tuple(known))


def _parse_key(key: str, value: object, line: int, problems: list[Problem]) -> Condition | None:
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            problems.append(Problem(line, f"'{key}' needs a non-empty list of conditions"))
            return None
        parts = [parse_condition(item, line_of(item, line), problems) for item in value]
        if any(part is None for part in parts):
            return None
        known = tuple(part for part in parts if part is not None)
        return AllOf(known) if key == "all" else AnyOf(known)
    if key == "not":
        part = parse_condition(value, line, problems)
        return None if part is None else Not(part)
    if key in _FLAGS:
        if not isinstance(value, bool):
            problems.append(Problem(line, f"'{key}' must be true or false"))
            return None
        return Flag(key, value)
    if key in _COUNTS:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.append(Problem(line, f"'{key}' must be a whole number, 0 or more"))
            return None
        return AtLeast(key, value)
    if key in _VOCABULARIES:
        return _parse_one_of(key, value, line, problems)
    problems.append(Problem(line, f"unknown condition key '{key}'{suggest(key, CONDITION_KEYS)}"))
    return None


def _parse_one_of(key: str, value: object, line: int, problems: list[Problem]) -> OneOf | None:
    noun, vocabulary = _VOCABULARIES[key]
    items: list[object]
    if isinstance(value, str) and key not in _LIST_ONLY:
        items = [value]
    elif isinstance(value, list) and value:
        items = list(value)
    else:
        problems.append(Problem(line, f"'{key}' needs a non-empty list of {noun} values"))
        return None
    ok = True
    for item in items:
        if not isinstance(item, str) or item not in vocabulary:
            problems.append(Problem(line_of(item, line), f"unknown {noun} '{item}'{suggest(str(item), vocabulary)}"))
            ok = False
    return OneOf(key, frozenset(str(item) for item in items)) if ok else None


def suggest(word: str, choices: frozenset[str] | tuple[str, ...]) -> str:
    """Return ' (did you mean ...?)' for a close match among the choices, or ''."""
    close = difflib.get_close_matches(word, sorted(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


class FileChecker:
    """Reads a YAML file loaded with its lines, gathering each problem with the line it is on."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))

    def mapping(self, node: object, what: str) -> LocatedMap | None:
        if isinstance(node, LocatedMap):
            for key, line in node.duplicate_keys:
                self.problem(line, f"key '{key}' is written twice")
            return node
        self.problem(line_of(node, 1), f"{what} must be a mapping")
        return None

    def items(self, node: LocatedMap, key: str, *, required: bool = False) -> list[object]:
        value = node.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or (required and not value):
            self.problem(node.line_of(key), f"'{key}' must be a non-empty list")
            return []
        return value

    def keys(self, node: LocatedMap, allowed: frozenset[str], what: str) -> None:
        for key in node:
            if key not in allowed:
                self.problem(node.line_of(key), f"unknown {what} key '{key}'{suggest(str(key), allowed)}")

    def text(self, node: LocatedMap, key: str) -> str:
        value = node.get(key)
        if not isinstance(value, str) or not value.strip():
            state = "missing" if key not in node else "empty or not text:"
            self.problem(node.line_of(key), f"{state} '{key}'")
            return ""
        return str(value).strip()
