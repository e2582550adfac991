"""The narrative reader: spaCy sentences, medspaCy's target matcher for the terms, and ConText for their sense."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from typing import Any

import medspacy  # noqa: F401 - registers the medspacy_target_matcher and medspacy_context factories
import spacy
from loguru import logger
from medspacy.context import ConText, ConTextRule
from medspacy.target_matcher import TargetMatcher, TargetRule
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc, Span

from mash.screening.narrative import anchored  # noqa: F401 - registers the mash_anchored_matcher factory
from mash.screening.narrative.finding import FIELDS, Finding
from mash.screening.narrative.terms import CONTEXTS, Terms, kind_of

# medspaCy imports PyRuSH, which logs every token through loguru; the reader uses spaCy's sentencizer instead.
logger.disable("PyRuSH")
# The target matcher's token Matcher is left empty on purpose (token patterns run in the anchored matcher).
warnings.filterwarnings("ignore", message=r"\[W036\]", category=UserWarning, module=r"medspacy\.")

_CATEGORY = {
    "negated": "NEGATED_EXISTENCE",
    "historical": "HISTORICAL",
    "hypothetical": "HYPOTHETICAL",
    "other_person": "OTHER_EXPERIENCER",
    "resolved": "RESOLVED",
}
_DIRECTION = {"forward": "FORWARD", "backward": "BACKWARD", "both": "BIDIRECTIONAL"}
_GROUP = "medspacy_spans"
_PUNCT = [*Sentencizer.default_punct_chars, "\n", "\n\n", "\r\n"]


class NarrativeReader:
    """Find indicators and concern categories in a contact's free text, leaving out what context cancels."""

    def __init__(self, terms: Terms) -> None:
        self.version = terms.version
        self._finds = {term.id: term.finds for term in terms.terms}
        self._yields_to = {term.id: term.yields_to for term in terms.terms if term.yields_to}
        self._unless = {term.id: term.unless for term in terms.terms if term.unless}
        self._explains = {term.id: term.explains for term in terms.terms if term.explains}
        self._combinations = terms.combinations
        self._nlp = _pipeline(terms)
        # Sentences are read one by one: ConText weighs every target against every context word in a document.
        self._sentences = spacy.blank("en", vocab=self._nlp.vocab)
        self._sentences.add_pipe("sentencizer", config={"punct_chars": _PUNCT})

    def read(self, texts: Mapping[str, str]) -> tuple[Finding, ...]:
        """Return the findings in the given texts (by field), each name once, from the first sentence it is in."""
        unknown = set(texts) - set(FIELDS)
        if unknown:
            raise ValueError(f"unknown narrative fields {sorted(unknown)}: use {', '.join(FIELDS)}")
        fields = [(name, text) for name, text in texts.items() if text and text.strip()]
        sentences = [
            (field, sentence.text)
            for (field, _), doc in zip(fields, self._sentences.pipe(text for _, text in fields), strict=True)
            for sentence in doc.sents
            if sentence.text.strip()
        ]
        read = [
            (field, self._affirmed(doc))
            for (field, _), doc in zip(sentences, self._nlp.pipe(text for _, text in sentences), strict=True)
        ]
        seen: set[tuple[str, str]] = set()
        findings: list[Finding] = []
        previous: tuple[str, list[Span]] = ("", [])
        for index, (field, spans) in enumerate(read):
            near = (index - 1, index, index + 1)
            neighbours = [read[at][1] for at in near if 0 <= at < len(read) and read[at][0] == field]
            affirmed = self._unexplained(spans, neighbours)
            before = previous[1] if previous[0] == field else []
            for finding in self._findings(field, affirmed, before):
                key = (finding.name, finding.kind)
                if key not in seen:
                    seen.add(key)
                    findings.append(finding)
            previous = (field, affirmed)
        return tuple(findings)

    def _unexplained(self, spans: list[Span], neighbours: list[list[Span]]) -> list[Span]:
        """Leave out the spans that a term in this sentence or the one before or after explains ("He fell off it.").

        An explanation does not count when a term it lists in `unless` is found in its sentence or in this one.
        """
        labels = {span.label_ for span in spans}
        explained = {
            label
            for neighbour in neighbours
            for other in neighbour
            if not self._unless.get(other.label_, frozenset()) & (labels | {span.label_ for span in neighbour})
            for label in self._explains.get(other.label_, frozenset())
        }
        return [span for span in spans if span.label_ not in explained] if explained else spans

    def _affirmed(self, doc: Doc) -> list[Span]:
        """Return the sentence's term spans that no context word cancels, in reading order."""
        spans = list(doc.spans[_GROUP])
        return sorted(
            (span for span in spans if not self._cancelled(span, spans) and not self._yields(span, spans)),
            key=lambda span: (span.start, -span.end),
        )

    def _findings(self, field: str, affirmed: list[Span], before: list[Span]) -> Iterable[Finding]:
        """Yield what the affirmed spans find, and the combinations they complete (some reach the sentence before)."""
        by_sentence: dict[int, list[Span]] = {}
        for span in affirmed:
            by_sentence.setdefault(span.sent.start, []).append(span)
        for spans in by_sentence.values():
            sentence = spans[0].sent.text.strip()
            labels = {span.label_ for span in spans}
            for span in spans:
                if self._unless.get(span.label_, frozenset()) & labels:
                    continue
                for name in self._finds[span.label_]:
                    yield Finding(name, kind_of(name), field, sentence, span.text)
            for combination in self._combinations:
                reach = [*before, *spans] if combination.sentences == 2 else spans
                if combination.all <= {span.label_ for span in reach}:
                    words = " ... ".join(span.text for span in reach if span.label_ in combination.all)
                    for name in combination.finds:
                        yield Finding(name, kind_of(name), field, sentence, words)

    def _cancelled(self, span: Span, spans: list[Span]) -> bool:
        """Whether a context word changes the sense of a span; words inside a matched term ("could not explain") do not.

        An explaining term's words still work as context words for the other terms of its sentence ("consistent with
        the explanation" leaves a bruise only described), as they did before the term matched them.
        spaCy keeps a span's extension values by its place in the text, so spans of two terms over the same words
        share their modifiers: each is checked against the span's own term, which a term's `keeps` may exclude.
        """
        shields = [other for other in spans if other is span or other.label_ not in self._explains]
        return any(
            modifier.allows(span.label_.upper())
            and not any(
                other.start <= modifier.modifier_span[0] and modifier.modifier_span[1] <= other.end for other in shields
            )
            for modifier in span._.modifiers
        )

    def _yields(self, span: Span, spans: Iterable[Span]) -> bool:
        """Whether a span lies within a span of a term it yields to (a child's "suicidal" in "mum is suicidal")."""
        others = self._yields_to.get(span.label_, frozenset())
        return bool(others) and any(
            other.label_ in others and other.start <= span.start and span.end <= other.end for other in spans
        )


def _pipeline(terms: Terms) -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer", config={"punct_chars": _PUNCT})
    matcher: TargetMatcher = nlp.add_pipe(  # type: ignore[assignment]
        "medspacy_target_matcher", config={"result_type": "group", "span_group_name": _GROUP, "prune": False}
    )
    patterns = [[term.id, _list(pattern)] for term in terms.terms for pattern in term.patterns]
    nlp.add_pipe("mash_anchored_matcher", config={"rules": patterns, "group": _GROUP})
    context: ConText = nlp.add_pipe(  # type: ignore[assignment]
        "medspacy_context",
        config={
            "rules": None,
            "span_attrs": None,
            "input_span_type": "group",
            "span_group_name": _GROUP,
            "prune_on_target_overlap": False,
        },
    )
    targets = []
    for term in terms.terms:
        targets += [TargetRule(phrase, term.id) for phrase in term.phrases]
    matcher.add(targets)
    keepers = {kind: {term.id.upper() for term in terms.terms if kind in term.keeps} for kind in CONTEXTS}
    # A terminate entry ends the reach of the kinds it names: a boundary category each such kind is terminated by.
    boundaries = {n: f"BOUNDARY_{n}" for n, words in enumerate(terms.context) if words.kind == "terminate"}
    rules = []
    for n, words in enumerate(terms.context):
        options: dict[str, Any] = {"max_scope": words.max_scope}
        if words.kind in CONTEXTS:
            category = _CATEGORY[words.kind]
            options["direction"] = _DIRECTION[words.direction]
            options["terminated_by"] = {name for m, name in boundaries.items() if words.kind in terms.context[m].ends}
            if keepers[words.kind]:
                options["excluded_types"] = keepers[words.kind]
        elif n in boundaries:
            # A boundary reaches one token on and modifies no term: medspaCy limits another modifier's scope only by
            # a modifier whose own scope overlaps it, and a PSEUDO one's spans the whole sentence, which it does not
            # count as overlapping.
            category = boundaries[n]
            options.update(direction="FORWARD", max_scope=1, allowed_types=set())
        else:
            category = "PSEUDO"
            options["direction"] = "PSEUDO"
        rules += [ConTextRule(phrase, category, **options) for phrase in words.phrases]
        rules += [
            ConTextRule(f"{words.kind}:{n}:{i}", category, pattern=_list(p), **options)
            for i, p in enumerate(words.patterns)
        ]
    context.add(rules)
    return nlp


def _list(pattern: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    return [dict(token) for token in pattern]
