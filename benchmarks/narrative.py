"""Time the narrative reader on a typical (2,000 characters) and the largest (20,000 characters) contact.

Run from the repository root: `.venv/bin/python benchmarks/narrative.py [--repeat N]`. Prints a table and writes
benchmarks/results/narrative.json. The floor is a bare spaCy `blank("en")` with its sentencizer over the same
texts: the least any reading of the words in sentences could cost. "Added" is the reader's median minus the
floor's median, in the same run, in wall time and in this process's CPU time (which other work on a shared
machine inflates less). Loading the reader (once per worker, before forking) is timed separately.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping
from importlib.metadata import version
from pathlib import Path

import spacy

RESULTS = Path(__file__).parent / "results" / "narrative.json"
SIZES = (("typical", 2_000), ("largest", 20_000))
TARGETS = {"typical": 20, "largest": 150}
# A referral as practitioners write it: facts, context that cancels some of them, and plain description.
SENTENCES = (
    "Officers attended a domestic incident at 02:10 after a neighbour heard screaming.",
    "Mum said her partner had grabbed her by the throat in front of the children and threatened to kill her.",
    "The four-year-old was awake and clinging to her mother; there were no marks or bruises on the children.",
    "Nursery noticed a bruise on the left cheek of the 4-month-old baby and mum could not explain it.",
    "In 2019 the older child had a fracture that was investigated and found to be accidental.",
    "If he comes back to the address mum is worried there may be more incidents.",
    "The home was cold and there was little food in the kitchen, and the baby had severe nappy rash.",
    "Her friend told the school that she is being hit at home, which is about another family.",
    "Mum has asked for support and says she is struggling to cope since her partner left.",
    "The 14-year-old has been reported missing three times this month and came back with a new phone.",
    "School say attendance is 91% and she is a kind and helpful member of her class.",
    "Dad is in custody and has bail conditions not to contact mum or attend the address.",
)


def contact_texts(characters: int) -> dict[str, str]:
    """Return a contact's texts of about `characters` in all: most in the summary, the rest in worries and needs."""
    sentences: list[str] = []
    n = 0
    while sum(len(s) + 1 for s in sentences) < characters:
        sentences.append(SENTENCES[n % len(SENTENCES)])
        n += 1
    third = max(1, len(sentences) // 3)
    return {
        "summary": " ".join(sentences[: 2 * third]),
        "worries": " ".join(sentences[2 * third : -1] or sentences[:1]),
        "needs": sentences[-1],
    }


def _median_ms(run: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """Return the median and 95th percentile of wall time, and the median of this process's CPU time, in ms."""
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], statistics.median(cpu)


def _git_revision() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)
    return done.stdout.strip()


def main() -> None:
    """Time the floor and the reader on both sizes, print a table and write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50, help="runs per case (default: %(default)s)")
    arguments = parser.parse_args()
    load_before = os.getloadavg()[0]
    if load_before > 0.5:
        print(f"warning: load average {load_before:.2f}: other work on this machine will slow these figures")

    started = time.perf_counter()
    from mash.screening.narrative import load_reader

    reader = load_reader()
    load_ms = (time.perf_counter() - started) * 1000
    floor = spacy.blank("en")
    floor.add_pipe("sentencizer")

    rows = []
    for name, characters in SIZES:
        texts = contact_texts(characters)
        size = sum(len(text) for text in texts.values())

        def bare(texts: Mapping[str, str] = texts) -> None:
            for doc in floor.pipe(texts.values()):
                list(doc.sents)

        def ours(texts: Mapping[str, str] = texts) -> None:
            reader.read(texts)

        bare(), ours()  # first calls build caches (vocabulary, matcher); a worker has done them long before
        floor_median, floor_p95, floor_cpu = _median_ms(bare, arguments.repeat)
        ours_median, ours_p95, ours_cpu = _median_ms(ours, arguments.repeat)
        rows.append(
            {
                "case": name,
                "characters": size,
                "findings": len(reader.read(texts)),
                "floor_median_ms": round(floor_median, 2),
                "floor_p95_ms": round(floor_p95, 2),
                "reader_median_ms": round(ours_median, 2),
                "reader_p95_ms": round(ours_p95, 2),
                "added_median_ms": round(ours_median - floor_median, 2),
                "floor_cpu_ms": round(floor_cpu, 2),
                "reader_cpu_ms": round(ours_cpu, 2),
                "added_cpu_ms": round(ours_cpu - floor_cpu, 2),
            }
        )

    print(f"narrative reader {reader.version}: loaded in {load_ms:.0f} ms (once per worker, before forking)")
    print(
        f"{'case':<9} {'chars':>7} {'found':>6} {'floor ms':>9} {'reader ms':>10} {'p95 ms':>8} {'added ms':>9} "
        f"{'added cpu ms':>13} {'target':>7}"
    )
    for row in rows:
        print(
            f"{row['case']:<9} {row['characters']:>7} {row['findings']:>6} {row['floor_median_ms']:>9} "
            f"{row['reader_median_ms']:>10} {row['reader_p95_ms']:>8} {row['added_median_ms']:>9} "
            f"{row['added_cpu_ms']:>13} {TARGETS[row['case']]:>7}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "benchmark": "narrative",
        "repeat": arguments.repeat,
        "reader_version": reader.version,
        "load_ms": round(load_ms, 1),
        "rows": rows,
        "targets_added_ms": TARGETS,
        "python": platform.python_version(),
        "packages": {package: version(package) for package in ("spacy", "medspacy")},
        "cpus": os.cpu_count(),
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        "git_revision": _git_revision(),
    }
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
