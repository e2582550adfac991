"""`mash rules evaluate`: the reader's precision and recall on labelled sentences, and the exit status CI relies on."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from mash.screening.narrative import load_reader
from mash.screening.narrative.evaluate import CorpusError, evaluate, load_corpus
from tests.cli import Ran, mash

CORPUS = Path(__file__).parent / "corpus"
NO_CONTACTS = tempfile.mkdtemp(prefix="no-screening-corpus-")


def run(*args: str) -> Ran:
    return mash("rules", "evaluate", "--screening", NO_CONTACTS, *args, env={"MASH_LOG_LEVEL": "WARNING"})


def write(directory: Path, text: str) -> Path:
    directory.mkdir(exist_ok=True)
    (directory / "cases.yaml").write_text(text, encoding="utf-8")
    return directory


def test_the_labelled_corpus_is_large_enough_and_defends_every_case() -> None:
    cases = load_corpus(CORPUS)
    assert len(cases) >= 300
    assert sum(case.context is not None for case in cases) >= 100
    assert {case.context for case in cases} >= {"negated", "historical", "hypothetical", "other_person", "resolved"}
    assert all(case.source for case in cases)


def test_the_command_prints_precision_and_recall_and_passes_the_default_threshold() -> None:
    done = run()
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    overall = next(line for line in lines if line.startswith("all "))
    precision, recall = (float(value) for value in overall.split()[1:3])
    assert precision >= 0.9 and recall >= 0.9
    assert any(line.startswith("injury ") for line in lines)
    assert any(line.startswith("disclosure_by_child ") for line in lines)


def test_the_command_fails_below_the_threshold(tmp_path: Path) -> None:
    corpus = write(
        tmp_path / "corpus",
        """\
- text: "Nursery saw a bruise on her arm."
  expect: [injury]
  source: "H4"
- text: "Mum said the children are doing well."
  expect: [help_requested]
  source: "a label the reader cannot meet"
""",
    )
    done = run("--narrative", str(corpus))
    assert done.returncode == 1
    assert "below the threshold 0.9" in done.stderr
    assert run("--narrative", str(corpus), "--threshold", "0.5").returncode == 0


def test_the_counts_are_by_name_and_overall(tmp_path: Path) -> None:
    corpus = write(
        tmp_path / "corpus",
        """\
- text: "Nursery saw a bruise on her arm."
  expect: [injury]
  source: "H4"
- text: "No marks were seen."
  expect: []
  context: negated
  source: "no injury"
- text: "Dad is drinking heavily."
  expect: [injury]
  source: "a wrong label, to count"
""",
    )
    result = evaluate(load_reader(), load_corpus(corpus))
    by_name = {score.name: score for score in result.by_name}
    assert (by_name["injury"].true_positives, by_name["injury"].false_negatives) == (1, 1)
    assert by_name["carer_substance_misuse"].false_positives == 1
    assert result.cases == 3 and result.in_context == 1
    assert result.micro.recall == 0.5
    assert [miss.case.where for miss in result.misses] == ["cases.yaml:8"]


def test_a_bad_case_is_named_by_its_line(tmp_path: Path) -> None:
    corpus = write(
        tmp_path / "corpus",
        """\
- text: "A bruise."
  expect: [injury]
  source: "H4"
- text: "A bruise."
  expect: [bruises_galore]
- text: "A bruise."
  expect: []
  context: sideways
  source: "x"
""",
    )
    with pytest.raises(CorpusError) as raised:
        load_corpus(corpus)
    message = str(raised.value)
    assert "cases.yaml:line 5: unknown name 'bruises_galore'" in message
    assert "cases.yaml:line 4: every case names the threshold source" in message
    assert "cases.yaml:line 8: 'context' must be one of" in message
    done = run("--narrative", str(corpus))
    assert done.returncode == 1 and "bruises_galore" in done.stderr
