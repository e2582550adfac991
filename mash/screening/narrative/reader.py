"""The narrative reader: spaCy sentences, medspaCy's target matcher for the terms, and ConText for their sense."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import medspacy  # noqa: F401 - registers the medspacy_target_matcher and medspacy_context factories
import spacy
from loguru import logger
from medspacy.context import ConText, ConTextRule
from medspacy.target_matcher import TargetMatcher, TargetRule
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc, Span

from mash.screening.narrative.terms import Terms, kind_of

# medspaCy imports PyRuSH, which logs every token through loguru; the reader uses spaCy's sentencizer instead.
logger.disable("PyRuSH")

FIELDS: tuple[str, ...] = ("summary", "worries", "strengths", "needs", "information")

_CATEGORY = {
    "negated": "NEGATED_EXISTENCE",
    "historical": "HISTORICAL",
    "hypothetical": "HYPOTHETICAL",
    "other_person": "OTHER_EXPERIENCER",
    "resolved": "RESOLVED",
    "terminate": "TERMINATE",
    "pseudo": "PSEUDO",
}
_DIRECTION = {"forward": "FORWARD", "backward": "BACKWARD", "both": "BIDIRECTIONAL"}
_GROUP = "medspacy_spans"


@dataclass(frozen=True)
class Finding:
    """A fact the reader found in the words, with the sentence it came from."""

    name: str  # an indicator name, or a concern category name
    kind: str  # "indicator" or "category"
    field: str  # which text it came from: "summary", "worries", "strengths", "needs", or "information"
    sentence: str  # the sentence it came from, as written
    term: str  # the words that matched


class NarrativeReader:
    """Find indicators and concern categories in a contact's free text, leaving out what context cancels."""

    def __init__(self, terms: Terms) -> None:
        self.version = terms.version
        self._finds = {term.id: term.finds for term in terms.terms}
        self._yields_to = {term.id: term.yields_to for term in terms.terms if term.yields_to}
        self._combinations = terms.combinations
        self._nlp = _pipeline(terms)

    def read(self, texts: Mapping[str, str]) -> tuple[Finding, ...]:
        """Return the findings in the given texts (by field), each name once, from the first sentence it is in."""
        unknown = set(texts) - set(FIELDS)
        if unknown:
            raise ValueError(f"unknown narrative fields {sorted(unknown)}: use {', '.join(FIELDS)}")
        fields = [(name, text) for name, text in texts.items() if text and text.strip()]
        seen: set[tuple[str, str]] = set()
        findings: list[Finding] = []
        for (field, _), doc in zip(fields, self._nlp.pipe(text for _, text in fields), strict=True):
            for finding in self._findings(field, doc):
                key = (finding.name, finding.kind)
                if key not in seen:
                    seen.add(key)
                    findings.append(finding)
        return tuple(findings)

    def _findings(self, field: str, doc: Doc) -> Iterable[Finding]:
        spans = doc.spans[_GROUP]
        affirmed = sorted(
            (span for span in spans if not span._.modifiers and not self._yields(span, spans)),
            key=lambda span: (span.start, -span.end),
        )
        by_sentence: dict[int, list[Span]] = {}
        for span in affirmed:
            by_sentence.setdefault(span.sent.start, []).append(span)
        for spans in by_sentence.values():
            sentence = spans[0].sent.text.strip()
            for span in spans:
                for name in self._finds[span.label_]:
                    yield Finding(name, kind_of(name), field, sentence, span.text)
            labels = {span.label_ for span in spans}
            for combination in self._combinations:
                if combination.all <= labels:
                    words = " ... ".join(span.text for span in spans if span.label_ in combination.all)
                    for name in combination.finds:
                        yield Finding(name, kind_of(name), field, sentence, words)

    def _yields(self, span: Span, spans: Iterable[Span]) -> bool:
        """Whether a span lies within a span of a term it yields to (a child's "suicidal" in "mum is suicidal")."""
        others = self._yields_to.get(span.label_, frozenset())
        return bool(others) and any(
            other.label_ in others and other.start <= span.start and span.end <= other.end for other in spans
        )


def _pipeline(terms: Terms) -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer", config={"punct_chars": [*Sentencizer.default_punct_chars, "\n", "\n\n", "\r\n"]})
    matcher: TargetMatcher = nlp.add_pipe(  # type: ignore[assignment]
        "medspacy_target_matcher", config={"result_type": "group", "span_group_name": _GROUP, "prune": False}
    )
    context: ConText = nlp.add_pipe(  # type: ignore[assignment]
        "medspacy_context",
        config={
            "rules": None,
            "span_attrs": None,
            "input_span_type": "group",
            "span_group_name": _GROUP,
            "prune_on_target_overlap": True,
        },
    )
    targets = []
    for term in terms.terms:
        targets += [TargetRule(phrase, term.id) for phrase in term.phrases]
        targets += [TargetRule(f"{term.id}:{n}", term.id, pattern=_list(p)) for n, p in enumerate(term.patterns)]
    matcher.add(targets)
    keepers = {kind: {term.id.upper() for term in terms.terms if kind in term.keeps} for kind in _CATEGORY}
    rules = []
    for words in terms.context:
        category = _CATEGORY[words.kind]
        direction = _DIRECTION[words.direction] if category not in ("TERMINATE", "PSEUDO") else category
        options: dict[str, Any] = {"direction": direction, "max_scope": words.max_scope}
        if keepers[words.kind]:
            options["excluded_types"] = keepers[words.kind]
        rules += [ConTextRule(phrase, category, **options) for phrase in words.phrases]
        rules += [
            ConTextRule(f"{words.kind}:{n}", category, pattern=_list(p), **options)
            for n, p in enumerate(words.patterns)
        ]
    context.add(rules)
    return nlp


def _list(pattern: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    return [dict(token) for token in pattern]
