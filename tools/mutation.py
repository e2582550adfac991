"""Mutation testing of the safety core with mutmut: area by area, then a score and the surviving mutants.

    python tools/mutation.py                     every area of the safety core (CORE), in one mutmut run
    python tools/mutation.py outbox claims       some areas, one after another
    python tools/mutation.py --sample 40         an evenly spread sample of 40 mutants of the whole core (CI)

A mutant counts as killed when a test failed or timed out on it; a mutant that no test reaches counts as
surviving. mutmut keeps its work in mutants/, so a second run only tests what changed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = str(Path(sys.executable).with_name("mutmut"))

CORE: dict[str, tuple[str, ...]] = {
    "outbox": ("mash.services.outbox.*",),
    "sweep-and-runners": (
        "mash.jobs.xǁRqRunnerǁ_in_hand__*",
        "mash.jobs.xǁRqRunnerǁdispatch__*",
        "mash.jobs.xǁInProcessRunnerǁdispatch__*",
        "mash.jobs.xǁRelayǁsweep__*",
        "mash.jobs.xǁRelayǁsend__*",
        "mash.jobs.xǁRelayǁflush__*",
        "mash.jobs.x__collect_new_items__*",
        "mash.jobs.x__after_commit__*",
        "mash.jobs.x__after_rollback__*",
    ),
    "claims": (
        "mash.services.queue.x_take__*",
        "mash.services.queue.x_held_by_other__*",
        "mash.services.queue.x_release__*",
    ),
    "idempotency": ("mash.services.idempotency.*",),
    "decisions": ("mash.services.decisions.x_decide__*",),
    "partner-scoping": (
        "mash.services.contacts.x_get_contact__*",
        "mash.services.contacts.x_list_contacts__*",
        "mash.services.callers.xǁCallerǁ*",
    ),
    "matching-thresholds": (
        "mash.matching.score.x_score__*",
        "mash.matching.score.x__weighted__*",
        "mash.matching.score.x__agreement__*",
    ),
    "consent": ("mash.screening.conditions.x_evaluate__*", "mash.services.sharing.requesting.x__reason__*"),
    "working-day-clock": ("mash.screening.clock.xǁ*", "mash.screening.clock.x__require_aware__*"),
    "screening-engine": ("mash.screening.engine.*",),
    "screening-facts": ("mash.screening.facts.*",),
}
"""Each area of the safety core and the mutmut names (module.function patterns) of its mutants."""
BOOTSTRAP = "mash.services.callers.xǁCallerǁmay__*"
"""A one-mutant run that makes mutmut generate every mutant and collect which tests reach which function."""
REDIS_SLOT = "gw14"
"""The job tests pick their Redis database by test process (tests/workers/conftest.py): mutation runs take the
last one, 15, so that they never flush the database of a test run going on beside them."""
KILLED = {1: "killed", 3: "killed", 36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout", 255: "timeout"}
SURVIVED = {0: "survived", 5: "no tests", 33: "no tests"}


def mutmut(*names: str, children: int) -> None:
    """Let mutmut test the named mutants (reusing what it already knows)."""
    command = [MUTMUT, "run", "--max-children", str(children), *names]
    env = {**os.environ, "PYTEST_XDIST_WORKER": REDIS_SLOT}
    subprocess.run(command, cwd=ROOT, env=env, check=False)  # noqa: S603 - names from CORE or from mutmut


def all_results() -> dict[str, int | None]:
    """Return mutmut's exit code for each mutant it knows, by name."""
    codes: dict[str, int | None] = {}
    for meta in (ROOT / "mutants").rglob("*.py.meta"):
        codes.update(json.loads(meta.read_text())["exit_code_by_key"])
    return codes


def in_area(name: str, area: str) -> bool:
    """Say whether a mutant belongs to an area of the safety core."""
    return any(fnmatch(name, pattern) for pattern in CORE[area])


def status(code: int | None) -> str:
    """Name the outcome of one mutant."""
    if code is None:
        return "not checked"
    return KILLED.get(code) or SURVIVED.get(code) or "suspicious"


def report(areas: list[str], only: set[str] | None = None) -> tuple[float, list[str]]:
    """Print a table per area; return the score over them and the names of the surviving mutants."""
    results = all_results()
    detected = tested = 0
    survivors: list[str] = []
    print(
        f"\n{'area':<22} {'tested':>7} {'killed':>7} {'timeout':>8} {'survived':>9} {'no tests':>9}"
        f" {'score':>7} {'untested':>9}"
    )
    for area in areas:
        outcomes = {
            name: status(code)
            for name, code in results.items()
            if in_area(name, area) and (only is None or name in only)
        }
        untested = sum(1 for o in outcomes.values() if o == "not checked")
        counts = Counter(o for o in outcomes.values() if o != "not checked")
        area_tested = sum(counts.values())
        area_detected = counts["killed"] + counts["timeout"]
        score = f"{100 * area_detected / area_tested:.1f}%" if area_tested else "-"
        print(
            f"{area:<22} {area_tested:>7} {counts['killed']:>7} {counts['timeout']:>8} {counts['survived']:>9}"
            f" {counts['no tests']:>9} {score:>7} {untested:>9}"
        )
        detected, tested = detected + area_detected, tested + area_tested
        survivors += sorted(n for n, o in outcomes.items() if o in ("survived", "no tests", "suspicious"))
    total = 100 * detected / tested if tested else 0.0
    print(f"{'safety core':<22} {tested:>7} {detected:>7} {'':>8} {'':>9} {'':>9} {total:>6.1f}%")
    return total, survivors


def sample(size: int, children: int) -> set[str]:
    """Test an evenly spread sample of the safety core's mutants; return their names."""
    mutmut(BOOTSTRAP, children=children)
    names = sorted(n for n in all_results() if any(in_area(n, area) for area in CORE))
    step = max(1, len(names) // size)
    chosen = names[::step][:size]
    mutmut(*chosen, children=children)
    return set(chosen)


def main() -> int:
    """Run mutmut on the chosen areas (or a sample) and fail when the score is under --fail-under."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("areas", nargs="*", help=f"areas of the safety core (default: all): {', '.join(CORE)}")
    parser.add_argument("--sample", type=int, default=0, help="test only this many mutants, spread over the core")
    parser.add_argument("--children", type=int, default=int(os.environ.get("MUTATION_CHILDREN", "1")))
    parser.add_argument("--fail-under", type=float, default=90.0, help="lowest acceptable score, in percent")
    args = parser.parse_args()
    areas = args.areas or list(CORE)
    unknown = [area for area in areas if area not in CORE]
    if unknown:
        parser.error(f"not an area of the safety core: {', '.join(unknown)}")
    only: set[str] | None = None
    if args.sample:
        only = sample(args.sample, args.children)
    elif args.areas:
        for area in areas:
            print(f"\n=== {area}", flush=True)
            mutmut(*CORE[area], children=args.children)
    else:
        mutmut(*(pattern for area in areas for pattern in CORE[area]), children=args.children)
    score, survivors = report(areas, only)
    if survivors:
        print("\nsurviving mutants (`.venv/bin/mutmut show NAME` prints one):")
        print("\n".join(f"  {name}" for name in survivors))
    if score < args.fail_under:
        print(f"\nmutation score {score:.1f}% is under {args.fail_under:.0f}%")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
