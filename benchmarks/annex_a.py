"""Write Ofsted Annex A Lists 1-3 for ten years at Lambeth's volume, and measure each command's peak memory.

Run from the repository root: `.venv/bin/python benchmarks/annex_a.py [--years N] [--per-month N] [--postgres]`.
It generates the years into a fresh database (a SQLite file in a temporary folder, or with --postgres a database
`mash_bench` on MASH_BENCH_POSTGRES_URL or the default server) with `mash.services.reports.synthetic` (1,200
contacts a month, siblings, repeat children and confirmed matches, decisions), then runs
`mash reports annex-a LIST --from --to --out FILE` over the whole span in a fresh process per list and reads that
process's peak resident memory (VmHWM in /proc/PID/status, polled every 20 ms until it exits: wait4's figure
would include this benchmark's own peak, which a child inherits at fork). Two floors in the same run: the same
process started without writing anything (`mash reports --help`: Python, Flask, SQLAlchemy and the whole app
loaded; the narrative reader's spaCy models load only when words are read, so not here), and the List 1 query
alone, streamed through SQLAlchemy Core into the csv module with no categories, identifiers or audit. Each list is
also written by the service alone in a bare Python process (no Flask app loaded), to show what the export itself
costs.
Prints a table and writes benchmarks/results/annex_a.json. The target: each list under 200 MB at its peak.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from _common import (
    BIN,
    DEFAULT_POSTGRES_URL,
    REPO,
    clean_environment,
    environment_report,
    load_average,
    postgres_database,
    print_table,
    write_results,
)

from mash import migrations
from mash.db import make_engine, make_session_factory
from mash.services.reports.synthetic import generate

LISTS = ("contacts", "early-help", "referrals")
TARGET_MB = 200
START = date(2016, 1, 1)
FLOOR_QUERY = """
import csv, sys
from sqlalchemy import create_engine, text
engine = create_engine(sys.argv[1])
out = open(sys.argv[2], "w", newline="")
writer = csv.writer(out)
with engine.connect() as conn:
    result = conn.execution_options(yield_per=1000).execute(text(
        "SELECT children.id, children.gender, children.ethnicity, children.date_of_birth, contacts.received_at,"
        " contacts.source_code FROM children JOIN contacts ON contacts.id = children.contact_id"
        " ORDER BY contacts.received_at, contacts.id, children.position"))
    for row in result:
        writer.writerow(row)
"""
SERVICE = """
import sys
from datetime import date
from mash.db import make_engine, make_session_factory
from mash.services.reports.annex_a import annex_a
from mash.services.reports.period import period
url, name, first, last, out = sys.argv[1:]
session = make_session_factory(make_engine(url))()
with open(out, "w", encoding="utf-8", newline="") as file:
    for chunk in annex_a(session, None, name, period(date.fromisoformat(first), date.fromisoformat(last))):
        file.write(chunk)
"""


def measured(command: Sequence[str], environment: Mapping[str, str]) -> tuple[float, float]:
    """Run a command; return (seconds, peak resident MB) of that process alone, after its exec."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=dict(environment), cwd=REPO, stdout=subprocess.DEVNULL)
    status = Path(f"/proc/{process.pid}/status")
    peak_kb = 0
    while process.poll() is None:
        try:
            peak_kb = max(peak_kb, high_water_kb(status.read_text()))
        except (FileNotFoundError, ProcessLookupError):
            break
        time.sleep(0.02)
    returncode = process.wait()
    seconds = time.perf_counter() - started
    if returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed")
    return seconds, peak_kb / 1024


def high_water_kb(status: str) -> int:
    """Return VmHWM (the process's peak resident set, in kB) from the text of /proc/PID/status; 0 before exec."""
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def rows_in(path: Path) -> int:
    with path.open("rb") as file:
        return sum(1 for _ in file) - 1


def run(database_url: str, years: int, per_month: int, folder: Path) -> list[dict[str, Any]]:
    migrations.upgrade(database_url)
    engine = make_engine(database_url)
    started = time.perf_counter()
    session = make_session_factory(engine)()
    generate(session, START, months=12 * years, per_month=per_month, keep=False)
    session.close()
    engine.dispose()
    print(f"generated {years} years at {per_month:,} contacts a month in {time.perf_counter() - started:.0f} s")
    environment = clean_environment({"DATABASE_URL": database_url})
    last = date(START.year + years, 1, 1).replace(day=1).toordinal() - 1
    period = ("--from", START.isoformat(), "--to", date.fromordinal(last).isoformat())
    rows: list[dict[str, Any]] = []
    seconds, peak = measured([str(BIN / "mash"), "reports", "--help"], environment)
    rows.append({"case": "floor: mash loaded, nothing written", "rows": None, "seconds": seconds, "peak_mb": peak})
    floor_file = folder / "floor.csv"
    seconds, peak = measured([sys.executable, "-c", FLOOR_QUERY, database_url, str(floor_file)], environment)
    lines = rows_in(floor_file) + 1
    rows.append({"case": "floor: List 1 query to csv", "rows": lines, "seconds": seconds, "peak_mb": peak})
    seconds, peak = measured([sys.executable, "-c", "import mash.services.reports.annex_a"], environment)
    rows.append({"case": "floor: the service loaded alone", "rows": None, "seconds": seconds, "peak_mb": peak})
    for name in LISTS:
        out = folder / f"{name}.csv"
        command = [str(BIN / "mash"), "reports", "annex-a", name, *period, "--out", str(out)]
        seconds, peak = measured(command, environment)
        rows.append(
            {"case": f"Annex A {name}: mash command", "rows": rows_in(out), "seconds": seconds, "peak_mb": peak}
        )
        alone = [sys.executable, "-c", SERVICE, database_url, name, period[1], period[3], str(out)]
        seconds, peak = measured(alone, environment)
        rows.append(
            {"case": f"Annex A {name}: service alone", "rows": rows_in(out), "seconds": seconds, "peak_mb": peak}
        )
    for row in rows:
        row["rows_per_second"] = row["rows"] / row["seconds"] if row["rows"] else None
        row["under_target"] = row["peak_mb"] < TARGET_MB
    return rows


def main() -> None:
    """Generate the years, write each list, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--per-month", type=int, default=1200)
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL instead of a SQLite file")
    arguments = parser.parse_args()
    load = load_average()
    with tempfile.TemporaryDirectory(prefix="mash-annex-a-") as name:
        folder = Path(name)
        if arguments.postgres:
            with postgres_database(os.environ.get("MASH_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)) as url:
                rows = run(url, arguments.years, arguments.per_month, folder)
        else:
            rows = run(f"sqlite:///{folder / 'bench.sqlite3'}", arguments.years, arguments.per_month, folder)
    print_table(
        rows,
        [
            ("case", "case"),
            ("rows", "rows"),
            ("seconds", "seconds"),
            ("rows_per_second", "rows/s"),
            ("peak_mb", "peak MB"),
            ("under_target", f"< {TARGET_MB} MB"),
        ],
    )
    report = {
        "environment": environment_report(sys.argv, load),
        "database": "postgresql" if arguments.postgres else "sqlite",
        "years": arguments.years,
        "per_month": arguments.per_month,
        "target_mb": TARGET_MB,
        "rows": rows,
    }
    print(f"wrote {write_results('annex_a', report)}")


if __name__ == "__main__":
    main()
