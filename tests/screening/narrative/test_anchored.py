"""The anchored matcher finds exactly what spaCy's own Matcher finds with the same patterns, in the patterns' order."""

from __future__ import annotations

from typing import Any

import spacy
from spacy.matcher import Matcher

from mash.screening.narrative.anchored import AnchoredMatcher, anchors

GROUP = "spans"
RULES: list[tuple[str, list[dict[str, Any]]]] = [
    ("hit", [{"LOWER": {"IN": ["hit", "punched"]}}, {"LOWER": {"IN": ["him", "her"]}}]),
    ("threat", [{"LOWER": "threatened"}, {"OP": "*"}, {"LOWER": "kill"}]),
    ("age", [{"LIKE_NUM": True}, {"LOWER": {"IN": ["year", "years"]}}, {"LOWER": "old"}]),
    ("missing", [{"LOWER": "missing", "OP": "?"}, {"LIKE_NUM": True}, {"LOWER": "times"}]),
    ("hit", [{"LOWER": "slapped"}, {"LOWER": {"IN": ["him", "her"]}}]),
]
SENTENCES = (
    "Dad hit her and threatened to kill mum.",
    "She is 14 years old and was reported missing 3 times.",
    "Nobody was hurt and nothing was said.",
    "He slapped her, then punched him.",
    "Threatened, she said she would kill time.",
)


def test_unanchored_tokens_are_left_out_and_the_smallest_set_comes_first() -> None:
    pattern = [{"LOWER": {"IN": ["hit", "punched", "kicked"]}}, {"OP": "?"}, {"LOWER": {"IN": ["him", "her"]}}]
    assert anchors(pattern) == (frozenset({"him", "her"}), frozenset({"hit", "punched", "kicked"}))
    assert anchors(RULES[3][1]) == (frozenset({"times"}),)
    assert anchors([{"LIKE_NUM": True}]) == ()


def test_every_sentence_gets_the_matches_a_bare_matcher_finds_in_the_same_order() -> None:
    nlp = spacy.blank("en")
    anchored = AnchoredMatcher(nlp.vocab, RULES, GROUP)
    for text in SENTENCES:
        expected = []
        for label, pattern in RULES:
            bare = Matcher(nlp.vocab)
            bare.add(label, [pattern])
            expected += [(label, start, end) for _, start, end in bare(nlp.make_doc(text))]
        doc = nlp.make_doc(text)
        doc.spans[GROUP] = []  # the target matcher before it in the pipeline makes the group
        found = [(span.label_, span.start, span.end) for span in anchored(doc).spans[GROUP]]
        assert found == expected, text
