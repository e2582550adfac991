"""Mutation testing of the safety core with mutmut: module by module, then a score and the surviving mutants.

    python tools/mutation.py                      every module of the safety core ([tool.mutmut] only_mutate)
    python tools/mutation.py mash/jobs.py ...     some modules
    python tools/mutation.py --changed            the safety-core modules the last commit touched, else SAMPLE

The score counts a mutant as killed when a test failed or timed out on it; a mutant no test reaches counts as
surviving. mutmut keeps its work in mutants/, so a second run only tests what changed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = str(Path(sys.executable).with_name("mutmut"))
SAMPLE = ("mash/services/outbox.py", "mash/services/idempotency.py")
"""What --changed tests when the last commit touched no module of the safety core: two small, central modules."""
KILLED = {1: "killed", 3: "killed", 36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout", 255: "timeout"}
SURVIVED = {0: "survived", 5: "no tests", 33: "no tests"}


def safety_core() -> list[str]:
    """Return the modules of the safety core, as configured for mutmut."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return list(config["tool"]["mutmut"]["only_mutate"])


def changed_modules(core: list[str]) -> list[str]:
    """Return the safety-core modules the last commit touched, or SAMPLE when it touched none."""
    git = shutil.which("git") or "/usr/bin/git"
    diff = subprocess.run(  # noqa: S603 - fixed arguments
        [git, "diff", "--name-only", "HEAD~1", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    touched = [name for name in diff.stdout.split() if name in core] if diff.returncode == 0 else []
    return touched or list(SAMPLE)


def module_name(path: str) -> str:
    """Turn mash/services/outbox.py into mash.services.outbox."""
    return path.removesuffix(".py").replace("/", ".")


def run_module(path: str, children: int) -> None:
    """Let mutmut test every mutant of one module (reusing what it already knows)."""
    print(f"\n=== {path}", flush=True)
    command = [MUTMUT, "run", "--max-children", str(children), f"{module_name(path)}.*"]
    subprocess.run(command, cwd=ROOT, check=False)  # noqa: S603 - a module of the safety core, checked by main


def results(path: str) -> dict[str, int | None]:
    """Return mutmut's exit code for each mutant of one module."""
    meta = ROOT / "mutants" / (path + ".meta")
    if not meta.exists():
        return {}
    codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
    return codes


def status(code: int | None) -> str:
    """Name the outcome of one mutant."""
    if code is None:
        return "not checked"
    return KILLED.get(code) or SURVIVED.get(code) or "suspicious"


def report(paths: list[str]) -> tuple[int, int, list[str]]:
    """Print a table per module; return the mutants killed, the mutants tested and the names of the survivors."""
    killed = total = 0
    survivors: list[str] = []
    print(f"\n{'module':<34} {'mutants':>8} {'killed':>7} {'timeout':>8} {'survived':>9} {'no tests':>9} {'score':>7}")
    for path in paths:
        outcomes = {name: status(code) for name, code in results(path).items()}
        counts = Counter(outcomes.values())
        tested = sum(n for outcome, n in counts.items() if outcome != "not checked")
        detected = counts["killed"] + counts["timeout"]
        score = f"{100 * detected / tested:.1f}%" if tested else "-"
        print(
            f"{path:<34} {tested:>8} {counts['killed']:>7} {counts['timeout']:>8} {counts['survived']:>9}"
            f" {counts['no tests']:>9} {score:>7}"
        )
        killed, total = killed + detected, total + tested
        survivors += sorted(n for n, o in outcomes.items() if o in ("survived", "no tests", "suspicious"))
    print(f"{'safety core':<34} {total:>8} {'':>7} {'':>8} {'':>9} {'':>9} {100 * killed / max(total, 1):>6.1f}%")
    return killed, total, survivors


def main() -> int:
    """Run mutmut on the chosen modules and fail when the score is under --fail-under."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help="paths of safety-core modules (default: all of them)")
    parser.add_argument("--changed", action="store_true", help="only the modules the last commit touched")
    parser.add_argument("--children", type=int, default=int(os.environ.get("MUTATION_CHILDREN", "1")))
    parser.add_argument("--fail-under", type=float, default=90.0, help="lowest acceptable score, in percent")
    args = parser.parse_args()
    core = safety_core()
    paths = changed_modules(core) if args.changed else (args.modules or core)
    unknown = [p for p in paths if p not in core]
    if unknown:
        parser.error(f"not in the safety core ([tool.mutmut] only_mutate): {', '.join(unknown)}")
    for path in paths:
        run_module(path, args.children)
    killed, total, survivors = report(paths)
    if survivors:
        print("\nsurviving mutants (`.venv/bin/mutmut show NAME` prints one):")
        print("\n".join(f"  {name}" for name in survivors))
    score = 100 * killed / total if total else 0.0
    if score < args.fail_under:
        print(f"\nmutation score {score:.1f}% is under {args.fail_under:.0f}%")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
