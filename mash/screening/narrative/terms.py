"""Read and check a narrative terms file: the words the reader looks for and the words that change their sense."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from mash import enums
from mash.screening.conditions import FileChecker, Problem, suggest
from mash.screening.located import LocatedList, LocatedMap, line_of, load_located

DEFAULT_TERMS = Path(__file__).parent.parent / "rulebooks" / "narrative.yaml"

INDICATORS: frozenset[str] = frozenset(enums.CONCERN_INDICATORS)
CATEGORIES: frozenset[str] = frozenset(enums.CONCERN_CATEGORIES)

# What a context word says about a mention; each cancels the mention unless its term keeps it.
CONTEXTS: tuple[str, ...] = ("negated", "historical", "hypothetical", "other_person", "resolved")
# Words that end the reach of the context words before them ("but"), or that look like one and are not ("not only").
BOUNDARIES: tuple[str, ...] = ("terminate", "pseudo")
DIRECTIONS: tuple[str, ...] = ("forward", "backward", "both")

_QUOTE = " (YAML reads unquoted on, off, yes and no as true or false: put such words in quotes)"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_TOP_KEYS = frozenset({"version", "title", "words", "terms", "combinations", "context"})
_TERM_KEYS = frozenset({"id", "finds", "keeps", "yields_to", "unless", "explains", "phrases", "patterns", "note"})
_COMBINATION_KEYS = frozenset({"finds", "all", "sentences", "note"})
_CONTEXT_KEYS = frozenset({"kind", "direction", "max_scope", "ends", "phrases", "patterns", "note"})


@dataclass(frozen=True)
class Term:
    """Words for one fact: what it finds (indicators and categories), and the contexts that do not cancel it."""

    id: str
    finds: tuple[str, ...]
    keeps: frozenset[str]
    yields_to: frozenset[str]
    phrases: tuple[str, ...]
    patterns: tuple[tuple[dict[str, Any], ...], ...]
    unless: frozenset[str] = frozenset()
    explains: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Combination:
    """Names found when every listed term is found, unmodified, in one sentence (or in it and the one before)."""

    finds: tuple[str, ...]
    all: frozenset[str]
    sentences: int = 1


@dataclass(frozen=True)
class ContextWords:
    """Words of one context (or boundary) kind, the way they reach, and how many tokens far."""

    kind: str
    direction: str
    max_scope: int | None
    ends: frozenset[str]
    phrases: tuple[str, ...]
    patterns: tuple[tuple[dict[str, Any], ...], ...]


@dataclass(frozen=True)
class Terms:
    """A checked, versioned narrative terms file."""

    version: str
    terms: tuple[Term, ...]
    combinations: tuple[Combination, ...]
    context: tuple[ContextWords, ...]


class NarrativeTermsError(Exception):
    """A narrative terms file that cannot be used, with every problem found in it."""

    def __init__(self, path: str | Path, problems: list[Problem]) -> None:
        self.path = str(path)
        self.problems = tuple(problems)
        super().__init__("\n".join(f"{self.path}: {problem}" for problem in self.problems))


def kind_of(name: str) -> str:
    """Return "indicator" or "category" for a name the reader may emit."""
    return "indicator" if name in INDICATORS else "category"


def check_terms(path: str | Path) -> list[Problem]:
    """Return every problem in a narrative terms file; an empty list means it is usable."""
    return read_terms(Path(path))[1]


def load_terms(path: str | Path) -> Terms:
    """Load a narrative terms file, raising NarrativeTermsError listing every problem when it is not usable."""
    terms, problems = read_terms(Path(path))
    if problems or terms is None:
        raise NarrativeTermsError(path, problems)
    return terms


def read_terms(path: Path) -> tuple[Terms | None, list[Problem]]:
    """Parse and check a terms file, returning the terms (None if unusable) and every problem."""
    try:
        document = load_located(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(None, f"cannot read {path}: {exc}")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return None, [Problem(mark.line + 1 if mark else None, f"YAML syntax error: {exc.problem or exc.context}")]
    except yaml.YAMLError as exc:
        return None, [Problem(None, f"YAML error: {exc}")]
    checker = _Checker()
    terms = checker.document(document)
    return (terms if not checker.problems else None), checker.problems


class _Checker(FileChecker):
    def __init__(self) -> None:
        super().__init__()
        self.term_lines: dict[str, int] = {}

    def document(self, document: object) -> Terms | None:
        node = self.mapping(document, "a narrative terms file")
        if node is None:
            return None
        self.keys(node, _TOP_KEYS, "top-level")
        version = self.text(node, "version")
        items = self.items(node, "terms", required=True)
        terms = tuple(self.term(item) for item in items)
        known = set(self.term_lines)
        for item in items:
            if isinstance(item, LocatedMap):
                self.words(item, "yields_to", tuple(sorted(known)))
                self.words(item, "unless", tuple(sorted(known)))
                self.words(item, "explains", tuple(sorted(known)))
        combinations = tuple(self.combination(item, known) for item in self.items(node, "combinations"))
        context = tuple(self.context(item) for item in self.items(node, "context"))
        if self.problems:
            return None
        return Terms(
            version=version,
            terms=tuple(term for term in terms if term is not None),
            combinations=tuple(combo for combo in combinations if combo is not None),
            context=tuple(words for words in context if words is not None),
        )

    def term(self, item: object) -> Term | None:
        node = self.mapping(item, "a term")
        if node is None:
            return None
        self.keys(node, _TERM_KEYS, "term")
        term_id = self.text(node, "id")
        if term_id and not _ID.match(term_id):
            self.problem(node.line_of("id"), f"term id '{term_id}' must be lower-case words joined by underscores")
        elif term_id in self.term_lines:
            self.problem(
                node.line_of("id"), f"term id '{term_id}' is used twice (first on line {self.term_lines[term_id]})"
            )
        elif term_id:
            self.term_lines[term_id] = node.line_of("id")
        finds = self.names(node, "finds", required=False)
        keeps = self.words(node, "keeps", CONTEXTS)
        phrases, patterns = self.phrases(node), self.patterns(node)
        if not phrases and not patterns:
            self.problem(node.line, f"term '{term_id}' has neither 'phrases' nor 'patterns'")
        return Term(
            term_id,
            finds,
            frozenset(keeps),
            _listed(node, "yields_to"),
            phrases,
            patterns,
            _listed(node, "unless"),
            _listed(node, "explains"),
        )

    def combination(self, item: object, known: set[str]) -> Combination | None:
        node = self.mapping(item, "a combination")
        if node is None:
            return None
        self.keys(node, _COMBINATION_KEYS, "combination")
        finds = self.names(node, "finds", required=True)
        members = self.words(node, "all", tuple(sorted(known)))
        if len(members) < 2:
            self.problem(node.line_of("all"), "'all' must list at least two term ids")
        sentences = node.get("sentences", 1)
        if sentences not in (1, 2) or isinstance(sentences, bool):
            self.problem(node.line_of("sentences"), f"'sentences' must be 1 or 2, not '{sentences}'")
            sentences = 1
        return Combination(finds, frozenset(members), sentences)

    def context(self, item: object) -> ContextWords | None:
        node = self.mapping(item, "a context entry")
        if node is None:
            return None
        self.keys(node, _CONTEXT_KEYS, "context")
        kind = self.choice(node, "kind", CONTEXTS + BOUNDARIES)
        direction = self.choice(node, "direction", DIRECTIONS) if kind in CONTEXTS else "both"
        scope = node.get("max_scope")
        if scope is not None and (isinstance(scope, bool) or not isinstance(scope, int) or not 1 <= scope <= 50):
            self.problem(
                node.line_of("max_scope"), f"'max_scope' must be a whole number of tokens from 1 to 50, not '{scope}'"
            )
            scope = None
        if "ends" in node and kind != "terminate":
            self.problem(node.line_of("ends"), "only a terminate entry has 'ends'")
        ends = frozenset(self.words(node, "ends", CONTEXTS)) if "ends" in node else frozenset(CONTEXTS)
        phrases, patterns = self.phrases(node), self.patterns(node)
        if not phrases and not patterns:
            self.problem(node.line, "a context entry needs 'phrases' or 'patterns'")
        return ContextWords(kind, direction, scope, ends, phrases, patterns)

    def choice(self, node: LocatedMap, key: str, allowed: tuple[str, ...]) -> str:
        value = node.get(key)
        if value not in allowed:
            state = "missing" if value is None else f"unknown {key} '{value}'{suggest(str(value), allowed)}:"
            self.problem(node.line_of(key), f"{state} '{key}' must be one of {', '.join(allowed)}")
            return allowed[0]
        return str(value)

    def words(self, node: LocatedMap, key: str, allowed: tuple[str, ...]) -> list[str]:
        value = node.get(key, [])
        if not isinstance(value, list):
            self.problem(node.line_of(key), f"'{key}' must be a list")
            return []
        for word in value:
            if word not in allowed:
                self.problem(line_of(word, node.line_of(key)), f"unknown {key} '{word}'{suggest(str(word), allowed)}")
        return [str(word) for word in value if word in allowed]

    def names(self, node: LocatedMap, key: str, *, required: bool) -> tuple[str, ...]:
        value = node.get(key, [])
        if not isinstance(value, list) or (required and not value):
            self.problem(node.line_of(key), f"'{key}' must be a {'non-empty ' if required else ''}list of names")
            return ()
        names = INDICATORS | CATEGORIES
        for name in value:
            if name not in names:
                hint = suggest(str(name), names)
                self.problem(line_of(name, node.line_of(key)), f"'{name}' is neither an indicator nor a category{hint}")
        return tuple(str(name) for name in value if name in names)

    def phrases(self, node: LocatedMap) -> tuple[str, ...]:
        value = node.get("phrases", [])
        if not isinstance(value, list):
            self.problem(node.line_of("phrases"), "'phrases' must be a list of words")
            return ()
        for phrase in value:
            if not isinstance(phrase, str) or not phrase.strip():
                self.problem(
                    line_of(phrase, node.line_of("phrases")), f"phrase '{phrase}' must be non-empty text{_QUOTE}"
                )
        return tuple(str(phrase).strip() for phrase in value if isinstance(phrase, str) and phrase.strip())

    def patterns(self, node: LocatedMap) -> tuple[tuple[dict[str, Any], ...], ...]:
        value = node.get("patterns", [])
        if not isinstance(value, list):
            self.problem(node.line_of("patterns"), "'patterns' must be a list of token patterns")
            return ()
        result = []
        for pattern in value:
            line = line_of(pattern, node.line_of("patterns"))
            if not isinstance(pattern, LocatedList) or not pattern or not all(isinstance(t, dict) for t in pattern):
                self.problem(line, "a pattern must be a non-empty list of token mappings (spaCy Matcher syntax)")
                continue
            problem = pattern_problem(pattern)
            if problem:
                self.problem(line, f"bad token pattern: {problem}{_QUOTE if 'str type expected' in problem else ''}")
                continue
            result.append(tuple(_plain(token) for token in pattern))
        return tuple(result)


def _listed(node: LocatedMap, key: str) -> frozenset[str]:
    """The term ids a term lists under `key` (checked against the known terms once every term is read)."""
    value = node.get(key, [])
    return frozenset(str(word) for word in value) if isinstance(value, list) else frozenset()


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return str(value) if isinstance(value, str) else value


def pattern_problem(pattern: list[Any]) -> str | None:
    """Return why spaCy's Matcher refuses a token pattern, or None when it accepts it (spaCy loads on first use)."""
    from spacy.errors import MatchPatternError
    from spacy.matcher import Matcher
    from spacy.vocab import Vocab

    try:
        Matcher(Vocab(), validate=True).add("check", [[_plain(token) for token in pattern]])
    except (MatchPatternError, ValueError) as exc:
        return " ".join(str(exc).split())[:300]
    return None
