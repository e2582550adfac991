"""Mutation testing of the safety core with mutmut: area by area, then a score and the surviving mutants.

    python tools/mutation.py                     every area of the safety core (CORE), one after another
    python tools/mutation.py outbox claims       some areas
    python tools/mutation.py --bounded           the bounded run CI makes (BOUNDED)
    python tools/mutation.py --sample 40         an evenly spread sample of 40 mutants of the whole core

Each area runs in its own copy of the project, mutants/areas/AREA, whose mutmut configuration mutates only the
area's modules and runs only the area's tests (AREA_TESTS): a mutant that only some other test would catch counts
as surviving. A mutant counts as killed when a test failed or timed out on it; a mutant that no test reaches
counts as surviving. mutmut keeps its work in each copy, so a second run only tests what changed; `mutmut show
NAME` run inside the copy prints a mutant. --sample runs mutmut on the whole core in mutants/ itself.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = str(Path(sys.executable).with_name("mutmut"))

CORE: dict[str, tuple[str, ...]] = {
    "outbox": ("mash.services.outbox.*",),
    "sweep-and-runners": (
        "mash.jobs.runners.xǁRqRunnerǁ_in_hand__*",
        "mash.jobs.runners.xǁRqRunnerǁdispatch__*",
        "mash.jobs.runners.xǁInProcessRunnerǁdispatch__*",
        "mash.jobs.relay.xǁRelayǁsweep__*",
        "mash.jobs.relay.xǁRelayǁsend__*",
        "mash.jobs.relay.xǁRelayǁtake__*",
        "mash.jobs.relay.xǁRelayǁ_collect__*",
        "mash.jobs.relay.xǁRelayǁ_committed__*",
        "mash.jobs.relay.xǁRelayǁ_rolled_back__*",
        "mash.jobs.relay.xǁUnitOfWorkǁ*",
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
AREA_TESTS: dict[str, tuple[str, ...]] = {
    "outbox": (
        "tests/services/test_outbox.py",
        "tests/workers/test_outbox_recovery.py",
        "tests/api/test_in_process_jobs.py",
        "tests/api/test_contacts.py",
        "tests/services/test_job_names.py",
    ),
    "sweep-and-runners": (
        "tests/workers/test_outbox_recovery.py",
        "tests/api/test_in_process_jobs.py",
        "tests/api/test_contacts.py",
    ),
    "claims": (
        "tests/api/test_triage.py",
        "tests/api/test_consent_decisions.py",
        "tests/api/test_authorisation.py",
        "tests/api/test_restricted_writes.py",
    ),
    "idempotency": ("tests/api/test_idempotency_lease.py", "tests/api/test_contacts.py"),
    "decisions": (
        "tests/api/test_triage.py",
        "tests/api/test_consent_decisions.py",
        "tests/api/test_authorisation.py",
        "tests/api/test_restricted_writes.py",
        "tests/api/test_routing.py",
        "tests/api/test_in_process_jobs.py",
    ),
    "partner-scoping": (
        "tests/services/test_callers.py",
        "tests/api/test_partner_contacts.py",
        "tests/api/test_authorisation.py",
        "tests/api/test_contacts.py",
    ),
    "matching-thresholds": ("tests/matching", "tests/api/test_matching.py"),
    "consent": (
        "tests/screening/test_engine.py",
        "tests/screening/test_scenarios.py",
        "tests/screening/test_rulebook.py",
        "tests/api/test_sharing.py",
        "tests/services/test_sharing.py",
    ),
    "working-day-clock": ("tests/screening/test_clock.py",),
    "screening-engine": (
        "tests/screening/test_engine.py",
        "tests/screening/test_facts.py",
        "tests/screening/test_scenarios.py",
        "tests/screening/test_rulebook.py",
        "tests/screening/test_corpus.py",
    ),
    "screening-facts": (
        "tests/screening/test_engine.py",
        "tests/screening/test_facts.py",
        "tests/screening/test_scenarios.py",
        "tests/screening/test_rulebook.py",
        "tests/screening/test_corpus.py",
    ),
}
"""The tests each area's mutants run against: those that test the area's behaviour (the unit tests of screening
and matching, the API and job tests of the services), chosen from the tests mutmut found reaching each function."""
BOUNDED = (
    "matching-thresholds",
    ("tests/matching/test_score.py",),
    ("tests/matching/test_score.py::test_score_is_symmetric_and_between_zero_and_one",),
)
"""The bounded run CI makes: one area of the core, the tests that kill its mutants, and tests left out (a property
test that kills none of them and takes 10 s, run on every mutant that survives the rest); small enough to run in
about two minutes (docs/testing.md), it fails when any of its mutants not known to be equivalent survives."""
EQUIVALENT: dict[str, str] = {
    "mash.matching.score.x__agreement__mutmut_1": "> for >= at NAME_SIMILARITY_FULL: the line gives 1.0 there too",
    "mash.matching.score.x__agreement__mutmut_3": "< for <= at NAME_SIMILARITY_FLOOR: the line gives 0.0 there too",
    "mash.matching.score.x__weighted__mutmut_4": "strong_first_name None for False: only its truth is read",
    "mash.matching.score.x__weighted__mutmut_5": "strong_first_name True without a first name: the score is then at "
    "most 0.75, under the likely threshold, where it is read",
    "mash.matching.score.x__weighted__mutmut_12": "total = for total += on the first name: the total is 0.0 then",
    "mash.matching.score.x__weighted__mutmut_64": "min(2.0, ...) for min(1.0, ...): the weights add up to 1, so the "
    "rounded total never passes 1.0",
}
"""Surviving mutants that behave exactly as the code does, by name, each with the reason (docs/testing.md)."""
KILLED = {1: "killed", 3: "killed", 36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout", 255: "timeout"}
SURVIVED = {0: "survived", 5: "no tests", 33: "no tests"}


def mutmut(*names: str, children: int, cwd: Path = ROOT) -> None:
    """Let mutmut test the named mutants (reusing what it already knows), each test session starting from a copy of
    one SQLite database migrated here, instead of migrating its own (tests/conftest.py)."""
    migrated = cwd / "mutants" / "migrated.sqlite3"
    migrated.parent.mkdir(parents=True, exist_ok=True)
    migrated.unlink(missing_ok=True)
    upgrade = f"from mash import migrations; migrations.upgrade('sqlite:///{migrated}')"
    subprocess.run([sys.executable, "-c", upgrade], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)  # noqa: S603
    command = [MUTMUT, "run", "--max-children", str(children), *names]
    env = {**os.environ, "PYTEST_XDIST_WORKER": REDIS_SLOT, "MASH_TEST_MIGRATED_SQLITE": str(migrated)}
    subprocess.run(command, cwd=cwd, env=env, check=False)  # noqa: S603 - names from CORE or from mutmut


def all_results(root: Path = ROOT) -> dict[str, int | None]:
    """Return mutmut's exit code for each mutant it knows, by name."""
    codes: dict[str, int | None] = {}
    for meta in (root / "mutants" / "mash").rglob("*.py.meta"):
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


def report(areas: list[str], only: set[str] | None = None, root: Path = ROOT) -> tuple[int, int, list[str]]:
    """Print a table per area; return how many mutants were detected and tested, and the names of the survivors."""
    results = all_results(root)
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
    return detected, tested, survivors


def sample(size: int, children: int) -> set[str]:
    """Test an evenly spread sample of the safety core's mutants; return their names."""
    mutmut(BOOTSTRAP, children=children)
    names = sorted(n for n in all_results() if any(in_area(n, area) for area in CORE))
    step = max(1, len(names) // size)
    chosen = names[::step][:size]
    mutmut(*chosen, children=children)
    return set(chosen)


def module_of(pattern: str) -> str:
    """Return the file of the module a CORE pattern names (mash.screening.clock.xǁ* -> mash/screening/clock.py)."""
    parts = pattern.split(".")
    module = parts[: next(i for i, part in enumerate(parts) if part.startswith(("x", "*")))]
    return "/".join(module) + ".py"


def toml_value(value: object) -> str:
    """Write a value of mutmut's configuration as TOML (strings, numbers and lists of strings)."""
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, str):
        return json.dumps(value)
    return repr(value)


def in_copy(
    area: str, tests: tuple[str, ...], children: int, *, left_out: tuple[str, ...] = (), name: str | None = None
) -> Path:
    """Test every mutant of one area in a copy of the project, mutants/areas/NAME (the area's name by default), whose
    mutmut configuration mutates only the area's modules and runs only `tests` less `left_out`; return the copy."""
    text = (ROOT / "pyproject.toml").read_text()
    config = tomllib.loads(text)["tool"]["mutmut"]
    config |= {
        "only_mutate": sorted({module_of(pattern) for pattern in CORE[area]}),
        "pytest_add_cli_args_test_selection": list(tests),
        "pytest_add_cli_args": [*config["pytest_add_cli_args"], *(f"--deselect={test}" for test in left_out)],
    }
    start = text.index("[tool.mutmut]")
    end = text.find("\n[", start)
    section = "[tool.mutmut]\n" + "".join(f"{key} = {toml_value(value)}\n" for key, value in config.items())
    copy = ROOT / "mutants" / "areas" / (name or area)
    for folder in ("mash", "tests", *config.get("also_copy", [])):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
    (copy / "pyproject.toml").write_text(text[:start] + section + (text[end:] if end != -1 else ""))
    mutmut(*CORE[area], children=children, cwd=copy)
    return copy


def explain(survivors: list[str]) -> None:
    """Print the surviving mutants, with the reason of each one known to be equivalent."""
    for name in survivors:
        print(f"  {name}" + (f"  (equivalent: {EQUIVALENT[name]})" if name in EQUIVALENT else ""))


def main() -> int:
    """Run mutmut on the chosen areas (or a sample) and fail when the score is under --fail-under."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("areas", nargs="*", help=f"areas of the safety core (default: all): {', '.join(CORE)}")
    parser.add_argument("--sample", type=int, default=0, help="test only this many mutants, spread over the core")
    parser.add_argument("--bounded", action="store_true", help=f"the bounded run: {BOUNDED[0]} against {BOUNDED[1]}")
    parser.add_argument("--children", type=int, default=int(os.environ.get("MUTATION_CHILDREN", "1")))
    parser.add_argument("--fail-under", type=float, default=90.0, help="lowest acceptable score, in percent")
    args = parser.parse_args()
    areas = args.areas or list(CORE)
    unknown = [area for area in areas if area not in CORE]
    if unknown:
        parser.error(f"not an area of the safety core: {', '.join(unknown)}")
    began = time.monotonic()
    if args.bounded:
        area, tests, left_out = BOUNDED
        copy = in_copy(area, tests, args.children, left_out=left_out, name="bounded")
        detected, tested, survivors = report([area], root=copy)
        score = 100 * detected / tested if tested else 0.0
        unexplained = [name for name in survivors if name not in EQUIVALENT]
        print(f"\nbounded run of {area}: {score:.1f}% in {time.monotonic() - began:.0f} s")
        if unexplained:
            print("surviving mutants not known to be equivalent:")
            explain(unexplained)
            return 1
        return 0
    if args.sample:
        detected, tested, survivors = report(areas, sample(args.sample, args.children))
    else:
        detected = tested = 0
        survivors = []
        for area in areas:
            print(f"\n=== {area}", flush=True)
            area_detected, area_tested, area_survivors = report(
                [area], root=in_copy(area, AREA_TESTS[area], args.children)
            )
            detected, tested, survivors = detected + area_detected, tested + area_tested, survivors + area_survivors
    score = 100 * detected / tested if tested else 0.0
    print(f"\nsafety core: {detected} of {tested} mutants detected, {score:.1f}%, in {time.monotonic() - began:.0f} s")
    if survivors:
        print("\nsurviving mutants (`mutmut show NAME` in mutants/areas/AREA prints one):")
        explain(survivors)
    if score < args.fail_under:
        print(f"\nmutation score {score:.1f}% is under {args.fail_under:.0f}%")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
