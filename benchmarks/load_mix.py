"""A load test of a realistic mix with locust: partners posting, screeners working the queue, a manager's figures.

Run from the repository root: `.venv/bin/python benchmarks/load_mix.py [--multipliers 2 10] [--minutes 5]`.
Needs PostgreSQL and Redis on 127.0.0.1 (as `intake.py`). Starts, on 127.0.0.1 only, the service as production
runs it (gunicorn with 2 workers of 4 threads, as gunicorn.conf.py sets them; PostgreSQL; Redis) and two `mash worker`
processes, makes a partner, a screener and a manager, then runs `benchmarks/locustfile.py` headless for
`--minutes` at each multiple of Lambeth's busiest hour (the locustfile explains the rates). Between runs the
database keeps what the earlier run made, as a day's work would. Prints p50/p95/p99 and errors per request type,
and writes benchmarks/results/load_mix.json. The target: no errors at twice and at ten times the busiest hour.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _common import (
    BIN,
    REPO,
    Gunicorn,
    add_service_arguments,
    clean_environment,
    contact_body_template,
    environment_report,
    load_average,
    mash,
    postgres_database,
    prepare_mash_database,
    print_table,
    redis_database,
    write_results,
)
from screening_jobs import worker_processes

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
COLUMNS = (
    ("multiplier", "x busiest hour"),
    ("request", "request"),
    ("count", "requests"),
    ("failures", "errors"),
    ("per_minute", "per min"),
    ("p50_ms", "p50 ms"),
    ("p95_ms", "p95 ms"),
    ("p99_ms", "p99 ms"),
    ("max_ms", "max ms"),
)


def run_locust(host: str, environment: dict[str, str], minutes: float, prefix: Path) -> list[dict[str, Any]]:
    """Run the locustfile headless against `host`; return locust's statistics per request type and in total."""
    users = 9  # a partner system, a referrer reading its list, 6 screeners, a manager: each class's count is fixed
    command = [
        str(BIN / "locust"),
        *("-f", str(LOCUSTFILE), "--headless", "--host", host),
        *("--users", str(users), "--spawn-rate", str(users), "--run-time", f"{int(minutes * 60)}s"),
        *("--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "30"),
    ]
    subprocess.run(command, env=environment, cwd=REPO, check=False)
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        return list(csv.DictReader(stats))


def _row(multiplier: float, minutes: float, stat: dict[str, Any]) -> dict[str, Any]:
    name = stat["Name"] if stat["Type"] else "all requests"
    count = int(stat["Request Count"])
    return {
        "multiplier": multiplier,
        "request": name,
        "count": count,
        "failures": int(stat["Failure Count"]),
        "per_minute": round(count / minutes, 1),
        "p50_ms": _number(stat["50%"]),
        "p95_ms": _number(stat["95%"]),
        "p99_ms": _number(stat["99%"]),
        "max_ms": round(float(stat["Max Response Time"]), 1),
    }


def _number(value: str) -> float | None:
    return None if value in ("", "N/A") else float(value)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the mix at each multiplier; print the table and write the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--multipliers", type=float, nargs="+", default=[2.0, 10.0], help="times the busiest hour")
    parser.add_argument("--minutes", type=float, default=5.0, help="minutes at each multiplier (default: 5)")
    add_service_arguments(parser)
    arguments = parser.parse_args(argv)
    load_before = load_average()
    rows: list[dict[str, Any]] = []
    with (
        tempfile.TemporaryDirectory(prefix="mash-load-") as folder_name,
        postgres_database(arguments.postgres) as postgres_url,
        redis_database(arguments.redis) as redis,
    ):
        folder = Path(folder_name)
        template = folder / "contact.json"
        template.write_text(contact_body_template(), encoding="utf-8")
        settings = {"DATABASE_URL": postgres_url, "REDIS_URL": arguments.redis, "MASH_SECRET_KEY": "benchmark"}
        environment = clean_environment(settings)
        tokens = prepare_mash_database(environment)
        tokens["manager"] = mash(environment, "users", "create", "Bench Manager", "--role", "manager")
        worker = [str(BIN / "mash"), "worker"]
        with (
            Gunicorn("wsgi:app", environment, "/healthz", folder / "web.log", workers=2, threads=4) as server,
            worker_processes(worker, environment, 2, redis),
        ):
            for run, multiplier in enumerate(arguments.multipliers):
                load = {
                    **environment,
                    "LOAD_MULTIPLIER": str(multiplier),
                    "LOAD_RUN": str(run),
                    "LOAD_TEMPLATE": str(template),
                    "LOAD_PARTNER_TOKEN": tokens["partner"],
                    "LOAD_SCREENER_TOKEN": tokens["screener"],
                    "LOAD_MANAGER_TOKEN": tokens["manager"],
                }
                stats = run_locust(server.url, load, arguments.minutes, folder / f"run-{run}")
                rows.extend(_row(multiplier, arguments.minutes, stat) for stat in stats)
    print(f"locust, {arguments.minutes:g} min per multiplier; gunicorn 2 workers x 4 threads, 2 mash workers")
    print_table(rows, COLUMNS)
    report = {
        "benchmark": "load_mix",
        **environment_report(sys.argv, load_before),
        "minutes_per_multiplier": arguments.minutes,
        "rows": rows,
    }
    print(f"wrote {write_results('load_mix', report)}")


if __name__ == "__main__":
    main()
