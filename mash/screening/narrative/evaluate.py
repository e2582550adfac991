"""Measure the reader against labelled sentences: precision and recall, overall (micro) and for each name."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from mash.screening.conditions import Problem
from mash.screening.located import LocatedMap, line_of, load_located
from mash.screening.narrative.finding import FIELDS
from mash.screening.narrative.terms import CATEGORIES, CONTEXTS, INDICATORS

if TYPE_CHECKING:
    from mash.screening.narrative.reader import NarrativeReader

_CASE_KEYS = frozenset({"text", "field", "expect", "context", "source"})


@dataclass(frozen=True)
class Case:
    """A labelled text: the names a practitioner expects the reader to find in it, and the source that defends it."""

    text: str
    field: str
    expect: frozenset[str]
    context: str | None
    source: str
    where: str


@dataclass(frozen=True)
class Score:
    """Counts for one name (or all of them): found and expected, found and not expected, expected and missed."""

    name: str
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        """Return the share of findings that were expected (1.0 when nothing was found)."""
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        """Return the share of expected names that were found (1.0 when nothing was expected)."""
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


@dataclass(frozen=True)
class Miss:
    """A case where the reader and the label disagree."""

    case: Case
    missed: frozenset[str]
    extra: frozenset[str]


@dataclass(frozen=True)
class Evaluation:
    """The reader's agreement with a corpus."""

    cases: int
    in_context: int
    micro: Score
    by_name: tuple[Score, ...]
    misses: tuple[Miss, ...]


class CorpusError(Exception):
    """A corpus file that cannot be used, with every problem found in it."""


def load_corpus(directory: Path) -> list[Case]:
    """Read every *.yaml file of labelled cases in a directory, raising CorpusError naming each bad line."""
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise CorpusError(f"{directory}: no *.yaml corpus files")
    cases: list[Case] = []
    problems: list[str] = []
    for path in files:
        try:
            document = load_located(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise CorpusError(f"{path}: {exc}") from exc
        if not isinstance(document, list):
            problems.append(f"{path}: a corpus file must be a list of cases")
            continue
        for item in document:
            case, item_problems = _case(item, path)
            problems += [f"{path}:{problem}" for problem in item_problems]
            if case is not None:
                cases.append(case)
    if problems:
        raise CorpusError("\n".join(problems))
    return cases


def evaluate(reader: NarrativeReader, cases: Iterable[Case]) -> Evaluation:
    """Run the reader over every case and count agreement by name."""
    counts: dict[str, Counter[str]] = {}
    misses: list[Miss] = []
    total = in_context = 0
    for case in cases:
        total += 1
        in_context += case.context is not None
        found = frozenset(finding.name for finding in reader.read({case.field: case.text}))
        for name in found | case.expect:
            outcome = "tp" if name in found and name in case.expect else "fp" if name in found else "fn"
            counts.setdefault(name, Counter())[outcome] += 1
        if found != case.expect:
            misses.append(Miss(case, case.expect - found, found - case.expect))
    by_name = tuple(Score(name, c["tp"], c["fp"], c["fn"]) for name, c in sorted(counts.items()))
    micro = Score(
        "all",
        sum(score.true_positives for score in by_name),
        sum(score.false_positives for score in by_name),
        sum(score.false_negatives for score in by_name),
    )
    return Evaluation(total, in_context, micro, by_name, tuple(misses))


def report(evaluation: Evaluation, *, show_misses: bool = False) -> str:
    """Return a plain-text table of precision and recall, overall and by name, and optionally each disagreement."""
    lines = [
        f"narrative reader: {evaluation.cases} labelled texts ({evaluation.in_context} negated, historical,"
        " hypothetical, about someone else or resolved)",
        f"{'name':<32} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}",
    ]
    for score in (evaluation.micro, *evaluation.by_name):
        lines.append(
            f"{score.name:<32} {score.precision:>9.3f} {score.recall:>7.3f} "
            f"{score.true_positives:>4} {score.false_positives:>4} {score.false_negatives:>4}"
        )
    if show_misses:
        for miss in evaluation.misses:
            lines.append(
                f"{miss.case.where}: missed {sorted(miss.missed)} extra {sorted(miss.extra)}: {miss.case.text}"
            )
    return "\n".join(lines) + "\n"


def _case(item: object, path: Path) -> tuple[Case | None, list[Problem]]:
    if not isinstance(item, LocatedMap):
        return None, [Problem(line_of(item, 1), "a case must be a mapping with text, expect and source")]
    problems = [Problem(item.line_of(key), f"unknown key '{key}'") for key in item if key not in _CASE_KEYS]
    text, source = item.get("text"), item.get("source")
    field, context = item.get("field", "summary"), item.get("context")
    expect = item.get("expect")
    if not isinstance(text, str) or not text.strip():
        problems.append(Problem(item.line_of("text"), "'text' must be non-empty text"))
    if not isinstance(source, str) or not source.strip():
        problems.append(Problem(item.line_of("source"), "every case names the threshold source that defends it"))
    if field not in FIELDS:
        problems.append(Problem(item.line_of("field"), f"'field' must be one of {', '.join(FIELDS)}"))
    if context is not None and context not in CONTEXTS:
        problems.append(Problem(item.line_of("context"), f"'context' must be one of {', '.join(CONTEXTS)}"))
    if not isinstance(expect, list):
        problems.append(Problem(item.line_of("expect"), "'expect' must be a list of names (empty for none)"))
        expect = []
    for name in expect:
        if name not in INDICATORS | CATEGORIES:
            problems.append(Problem(line_of(name, item.line_of("expect")), f"unknown name '{name}'"))
    if problems:
        return None, problems
    where = f"{path.name}:{item.line}"
    return Case(str(text), str(field), frozenset(map(str, expect)), context, str(source), where), []
