"""Read and check a screening rulebook file: rules as data, each problem reported with its line number."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from mash.screening.conditions import Condition, FileChecker, Problem, parse_condition, suggest
from mash.screening.located import LocatedMap, line_of, load_located
from mash.screening.statutory import weakened_floors
from mash.screening.vocabulary import CHECK_AGENCIES, LEVELS, LEVELS_BY_OUTCOME, OUTCOMES, RAGS

DEFAULT_RULEBOOK = Path(__file__).parent / "rulebooks" / "default.yaml"

_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_TOP_KEYS = frozenset(
    {
        "version",
        "title",
        "non_mobile_infant_under_months",
        "rag_by_level",
        "outcome_by_level",
        "fallback",
        "consent",
        "step_ups",
        "rules",
    }
)
_RULE_KEYS = frozenset({"id", "when", "outcome", "rag", "level", "reason", "source", "checks", "statutory"})
_STEP_UP_KEYS = frozenset({"id", "when", "raise_levels", "reason", "source", "checks"})
_CONSENT_KEYS = frozenset({"id", "becomes", "reason", "source"})
_FALLBACK_KEYS = frozenset({"id", "reason", "source"})


@dataclass(frozen=True)
class Rule:
    """A floor: when the condition holds, the outcome, RAG and level are at least these."""

    id: str
    when: Condition
    outcome: str
    rag: str
    level: int
    reason: str
    source: str
    checks: frozenset[str]
    statutory: bool = False
    line: int = 0


@dataclass(frozen=True)
class StepUp:
    """Raise the level by raise_levels when the condition holds (repeat contacts, early help declined)."""

    id: str
    when: Condition
    raise_levels: int
    reason: str
    source: str
    checks: frozenset[str]


@dataclass(frozen=True)
class ConsentRule:
    """What an early help result becomes when the family refused consent."""

    id: str
    becomes: str
    reason: str
    source: str


@dataclass(frozen=True)
class Fallback:
    """The reason given when no rule fires."""

    id: str
    reason: str
    source: str


@dataclass(frozen=True)
class Rulebook:
    """A checked, versioned rulebook ready for the engine."""

    version: str
    rules: tuple[Rule, ...]
    step_ups: tuple[StepUp, ...]
    consent: ConsentRule
    fallback: Fallback
    rag_by_level: Mapping[int, str]
    outcome_by_level: Mapping[int, str]
    non_mobile_infant_under_months: int

    def rule_ids(self) -> tuple[str, ...]:
        """Return every id the rulebook can put in a reason, in file order."""
        return (
            *(rule.id for rule in self.rules),
            *(step.id for step in self.step_ups),
            self.consent.id,
            self.fallback.id,
        )


class RulebookError(Exception):
    """A rulebook file that cannot be used, with every problem found in it."""

    def __init__(self, path: str | Path, problems: list[Problem]) -> None:
        self.path = str(path)
        self.problems = tuple(problems)
        super().__init__("\n".join(f"{self.path}: {problem}" for problem in self.problems))


def check_rulebook(path: str | Path) -> list[Problem]:
    """Return every problem in a rulebook file, statutory floors it weakens included; empty means usable."""
    return _read_checked(Path(path))[1]


def load_rulebook(path: str | Path) -> Rulebook:
    """Load a rulebook file, raising RulebookError listing every problem when it cannot be read as a rulebook."""
    rulebook, problems = _read(Path(path))
    if problems or rulebook is None:
        raise RulebookError(path, problems)
    return rulebook


def load_council_rulebook(path: str | Path) -> Rulebook:
    """Load a rulebook the service will screen with; raise RulebookError if it weakens a statutory floor."""
    rulebook, problems = _read_checked(Path(path))
    if problems or rulebook is None:
        raise RulebookError(path, problems)
    return rulebook


def require_statutory_floors(path: str | Path | None) -> None:
    """Raise RulebookError when a council rulebook that can be read weakens a statutory floor.

    A file that cannot be read as a rulebook is not refused here: each screening job fails on it, visibly, and
    succeeds once the file is mended.
    """
    if path is None:
        return
    rulebook = _read(Path(path))[0]
    if rulebook is None or Path(path).resolve() == DEFAULT_RULEBOOK.resolve():
        return
    weakened = weakened_floors(rulebook, default_rulebook())
    if weakened:
        raise RulebookError(path, weakened)


def _read_checked(path: Path) -> tuple[Rulebook | None, list[Problem]]:
    rulebook, problems = _read(path)
    if rulebook is not None and path.resolve() != DEFAULT_RULEBOOK.resolve():
        problems.extend(weakened_floors(rulebook, default_rulebook()))
    return (rulebook if not problems else None), problems


@functools.cache
def default_rulebook() -> Rulebook:
    """Return the rulebook shipped with the service, loaded once on first use."""
    return load_rulebook(DEFAULT_RULEBOOK)


def parse_council_rulebook(text: str, name: str = "candidate rulebook") -> Rulebook:
    """Parse a rulebook's YAML text; raise RulebookError on any problem, weakened statutory floors included."""
    rulebook, problems = _parse(text)
    if rulebook is not None:
        problems.extend(weakened_floors(rulebook, default_rulebook()))
    if problems or rulebook is None:
        raise RulebookError(name, problems)
    return rulebook


def _read(path: Path) -> tuple[Rulebook | None, list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(None, f"cannot read {path}: {exc}")]
    return _parse(text)


def _parse(text: str) -> tuple[Rulebook | None, list[Problem]]:
    try:
        document = load_located(text)
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(exc)]
    except yaml.YAMLError as exc:
        return None, [Problem(None, f"YAML error: {exc}")]
    checker = _Checker()
    rulebook = checker.rulebook(document)
    return (rulebook if not checker.problems else None), checker.problems


def _syntax_problem(exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    message = f"YAML syntax error: {exc.problem or exc.context}"
    if exc.context and exc.context_mark is not None and exc.context_mark.line + 1 != line:
        message += f" ({exc.context} on line {exc.context_mark.line + 1})"
    return Problem(line, message)


class _Checker(FileChecker):
    def __init__(self) -> None:
        super().__init__()
        self.ids: dict[str, int] = {}

    def rulebook(self, document: object) -> Rulebook | None:
        if not isinstance(document, LocatedMap):
            self.problem(line_of(document, 1), "a rulebook must be a mapping with 'version' and 'rules'")
            return None
        self.keys(document, _TOP_KEYS, "rulebook")
        version = self.text(document, "version")
        infant_months = self.whole(document, "non_mobile_infant_under_months", 1, 24, default=6)
        rag_by_level = self.by_level(document, "rag_by_level", LEVELS, RAGS)
        outcome_by_level = self.by_level(document, "outcome_by_level", (2, 3, 4), OUTCOMES)
        fallback = self.fallback(self.section(document, "fallback"))
        consent = self.consent(self.section(document, "consent"))
        step_ups = tuple(self.step_up(item) for item in self.items(document, "step_ups"))
        rules = tuple(self.rule(item) for item in self.items(document, "rules", required=True))
        if self.problems or fallback is None or consent is None:
            return None
        return Rulebook(
            version=version,
            rules=tuple(rule for rule in rules if rule is not None),
            step_ups=tuple(step for step in step_ups if step is not None),
            consent=consent,
            fallback=fallback,
            rag_by_level=rag_by_level,
            outcome_by_level=outcome_by_level,
            non_mobile_infant_under_months=infant_months,
        )

    def rule(self, item: object) -> Rule | None:
        node = self.mapping(item, "a rule")
        if node is None:
            return None
        self.keys(node, _RULE_KEYS, "rule")
        rule_id = self.identifier(node)
        when = self.when(node)
        outcome = self.choice(node, "outcome", OUTCOMES)
        rag = self.choice(node, "rag", RAGS)
        level = self.whole(node, "level", 1, 4)
        if outcome in LEVELS_BY_OUTCOME and level in LEVELS and level not in LEVELS_BY_OUTCOME[outcome]:
            allowed = " or ".join(str(n) for n in sorted(LEVELS_BY_OUTCOME[outcome]))
            self.problem(node.line_of("level"), f"level {level} does not fit outcome '{outcome}' (use {allowed})")
        reason, source, checks = self.text(node, "reason"), self.text(node, "source"), self.checks(node)
        statutory = node.get("statutory", False)
        if not isinstance(statutory, bool):
            self.problem(node.line_of("statutory"), "'statutory' must be true or false")
        if when is None:
            return None
        return Rule(rule_id, when, outcome, rag, level, reason, source, checks, statutory is True, node.line)

    def step_up(self, item: object) -> StepUp | None:
        node = self.mapping(item, "a step-up")
        if node is None:
            return None
        self.keys(node, _STEP_UP_KEYS, "step-up")
        step_id, when = self.identifier(node), self.when(node)
        raise_levels = self.whole(node, "raise_levels", 1, 3)
        reason, source, checks = self.text(node, "reason"), self.text(node, "source"), self.checks(node)
        if when is None:
            return None
        return StepUp(step_id, when, raise_levels, reason, source, checks)

    def consent(self, node: LocatedMap | None) -> ConsentRule | None:
        if node is None:
            return None
        self.keys(node, _CONSENT_KEYS, "consent")
        consent_id = self.identifier(node)
        becomes = self.choice(node, "becomes", ("nfa", "signpost"))
        return ConsentRule(consent_id, becomes, self.text(node, "reason"), self.text(node, "source"))

    def fallback(self, node: LocatedMap | None) -> Fallback | None:
        if node is None:
            return None
        self.keys(node, _FALLBACK_KEYS, "fallback")
        fallback_id = self.identifier(node)
        return Fallback(fallback_id, self.text(node, "reason"), self.text(node, "source"))

    def section(self, node: LocatedMap, key: str) -> LocatedMap | None:
        value = node.get(key)
        if value is None:
            self.problem(node.line_of(key), f"missing '{key}' section")
            return None
        return self.mapping(value, f"'{key}'")

    def identifier(self, node: LocatedMap) -> str:
        value = self.text(node, "id")
        if not value:
            return value
        line = node.line_of("id")
        if not _ID.match(value):
            self.problem(line, f"id '{value}' must be lower-case words joined by hyphens")
        if value in self.ids:
            self.problem(line, f"duplicate rule id '{value}' (first used on line {self.ids[value]})")
        else:
            self.ids[value] = line
        return value

    def when(self, node: LocatedMap) -> Condition | None:
        if "when" not in node:
            self.problem(node.line, "missing 'when'")
            return None
        return parse_condition(node["when"], node.line_of("when"), self.problems)

    def choice(self, node: LocatedMap, key: str, allowed: tuple[str, ...]) -> str:
        value = node.get(key)
        if value is None:
            self.problem(node.line_of(key), f"missing '{key}'")
            return ""
        if value not in allowed:
            self.problem(node.line_of(key), f"unknown {key} '{value}'{suggest(str(value), allowed)}")
            return ""
        return str(value)

    def whole(self, node: LocatedMap, key: str, low: int, high: int, default: int | None = None) -> int:
        value = node.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            state = "missing" if value is None else f"'{value}' is outside {low}-{high}:"
            self.problem(node.line_of(key), f"{state} '{key}' must be a whole number from {low} to {high}")
            return low
        return value

    def checks(self, node: LocatedMap) -> frozenset[str]:
        value = node.get("checks", [])
        if not isinstance(value, list):
            self.problem(node.line_of("checks"), "'checks' must be a list of agencies")
            return frozenset()
        for item in value:
            if item not in CHECK_AGENCIES:
                line = line_of(item, node.line_of("checks"))
                self.problem(line, f"unknown check agency '{item}'{suggest(str(item), CHECK_AGENCIES)}")
        return frozenset(str(item) for item in value if item in CHECK_AGENCIES)

    def by_level(self, node: LocatedMap, key: str, levels: tuple[int, ...], allowed: tuple[str, ...]) -> dict[int, str]:
        value = node.get(key)
        if not isinstance(value, LocatedMap):
            self.problem(node.line_of(key), f"'{key}' must map each of levels {levels} to a value")
            return {}
        result: dict[int, str] = {}
        for level in levels:
            if level not in value:
                self.problem(value.line, f"'{key}' has no entry for level {level}")
            elif value[level] not in allowed:
                word = value[level]
                self.problem(value.line_of(level), f"unknown value '{word}' in '{key}'{suggest(str(word), allowed)}")
            else:
                result[level] = str(value[level])
        for extra in set(value) - set(levels):
            self.problem(value.line_of(extra), f"'{key}' has an unexpected level '{extra}'")
        return result
