"""The screening corpus: synthetic contacts written as referrers write them, and `mash rules evaluate` on it."""

from __future__ import annotations

from pathlib import Path

from mash.screening.corpus import load_corpus
from mash.screening.vocabulary import OUTCOMES
from tests.cli import Ran, mash

CORPUS = Path(__file__).parent / "corpus"
CASE = """cases:
  - id: {id}
    source: H3 non-mobile infant bruising protocols
    acceptable: [{acceptable}]
    referrer: health_visitor
    children: [{{name: Amelia Stone, born: 2026-07-12}}]
    summary: I saw a bruise on Amelia's cheek. Mum did not know how it happened.
"""


def test_the_corpus_has_150_contacts_each_defended_by_a_source_and_mostly_in_words() -> None:
    cases = load_corpus(CORPUS)
    assert len(cases) >= 150
    assert all(case.source.strip() and set(case.acceptable) <= set(OUTCOMES) for case in cases)
    in_words = [case for case in cases if not case.contact.indicators and case.contact.texts]
    assert len(in_words) >= 100


def evaluate(tmp_path: Path, acceptable: str) -> Ran:
    (tmp_path / "cases.yaml").write_text(CASE.format(id="nim-bruise", acceptable=acceptable), encoding="utf-8")
    return mash("rules", "evaluate", "--screening", str(tmp_path), "--threshold", "0")


def test_evaluate_prints_the_agreement_and_passes_when_nothing_is_below_its_floor(tmp_path: Path) -> None:
    done = evaluate(tmp_path, "strategy_discussion, immediate_protection")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "screening corpus: 1 contacts, 1 acceptable, agreement 1.000" in done.stdout
    assert "below the floor: 0" in done.stdout


def test_evaluate_exits_1_naming_a_contact_recommended_below_its_floor(tmp_path: Path) -> None:
    done = evaluate(tmp_path, "immediate_protection")
    assert done.returncode == 1
    assert "below the floor: 1" in done.stdout
    assert "nim-bruise: recommended strategy_discussion, acceptable immediate_protection" in done.stdout


def test_evaluate_names_a_corpus_file_that_is_not_valid_yaml_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "cases.yaml").write_text("cases:\n  - id: x\n    source: FGM risk: a planned trip\n", encoding="utf-8")
    done = mash("rules", "evaluate", "--screening", str(tmp_path))
    assert done.returncode == 1
    assert "cases.yaml: line 3 is not valid YAML (mapping values are not allowed here)" in done.stderr
    assert "Traceback" not in done.stderr
