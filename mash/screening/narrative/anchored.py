"""Token patterns run only on sentences holding a word they require: spaCy's Matcher, where it can match at all.

spaCy's Matcher starts every pattern at every token, so a hundred patterns cost a hundred steps a token even where
none can match. Each pattern here is kept with the words each of its required tokens must be one of (its anchors), and
is run only on a sentence that holds a word of every such set. The matches are the Matcher's own.

A sentence finds the patterns it may hold through an index from each word to the patterns whose first (smallest)
anchor set holds it, so that it looks at a handful of patterns, not at every one; they still run in their own order.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

_REQUIRED = (None, "1", "+")


def anchors(pattern: Iterable[Mapping[str, Any]]) -> tuple[frozenset[str], ...]:
    """Return, for each required token that names its words, the lower-case words it must be one of."""
    found = []
    for token in pattern:
        if token.get("OP") not in _REQUIRED:
            continue
        words = _words(token.get("LOWER")) or _words(token.get("ORTH")) or _words(token.get("TEXT"))
        if words is not None:
            found.append(words)
    return tuple(sorted(set(found), key=len))


def _words(value: object) -> frozenset[str] | None:
    if isinstance(value, str):
        return frozenset({value.lower()})
    if isinstance(value, Mapping) and isinstance(value.get("IN"), list):
        return frozenset(str(word).lower() for word in value["IN"])
    return None


class AnchoredMatcher:
    """Label spans in a span group with token patterns, each run only where its anchors are in the sentence."""

    def __init__(self, vocab: Vocab, rules: Iterable[tuple[str, list[dict[str, Any]]]], group: str) -> None:
        self._group = group
        grouped: dict[tuple[str, tuple[frozenset[str], ...]], list[list[dict[str, Any]]]] = {}
        for label, pattern in rules:
            grouped.setdefault((label, anchors(pattern)), []).append(pattern)
        self._rules: list[tuple[str, tuple[frozenset[str], ...], Matcher]] = []
        self._unanchored: list[int] = []
        self._by_word: dict[str, list[int]] = {}
        for (label, words), patterns in grouped.items():
            matcher = Matcher(vocab)
            matcher.add(label, patterns)
            if words:
                for word in words[0]:
                    self._by_word.setdefault(word, []).append(len(self._rules))
            else:
                self._unanchored.append(len(self._rules))
            self._rules.append((label, words, matcher))

    def __call__(self, doc: Doc) -> Doc:
        """Add a span for every match of every pattern whose anchors are all in the doc."""
        words = {token.lower_ for token in doc}
        candidates = set(self._unanchored)
        for word in words & self._by_word.keys():
            candidates.update(self._by_word[word])
        found = [
            Span(doc, start, end, label=label)
            for label, anchor_words, matcher in (self._rules[index] for index in sorted(candidates))
            if all(not anchor.isdisjoint(words) for anchor in anchor_words[1:])
            for _, start, end in matcher(doc)
        ]
        if found:
            doc.spans[self._group] = [*doc.spans[self._group], *found]
        return doc


@Language.factory("mash_anchored_matcher", default_config={"rules": [], "group": "medspacy_spans"})
def make_anchored_matcher(nlp: Language, name: str, rules: list[list[Any]], group: str) -> AnchoredMatcher:
    """Build the component from [label, pattern] pairs."""
    return AnchoredMatcher(nlp.vocab, ((str(label), list(pattern)) for label, pattern in rules), group)
