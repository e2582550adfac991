"""Intake latency at a steady rate: POSTs sent on a fixed schedule (open loop), ours beside the floor, one run.

Run from the repository root: `.venv/bin/python benchmarks/paced_intake.py [--seconds N] [--quick]`. Needs
PostgreSQL and Redis on 127.0.0.1 (as `intake.py`). `intake.py` drives the servers as hard as they go (wrk's closed
loop), which measures throughput; a front door's question is latency at the rate contacts actually arrive. Here a
scheduler sends a POST every 1/rate seconds from a pool of threads, whatever the answers are doing, and each
latency is measured from when the request was due to be sent, so time spent waiting behind a slow answer counts
(no coordinated omission).

Cases, each on gunicorn with 2 workers of 4 threads (gthread, as gunicorn.conf.py runs production): the floor
(`benchmarks/floors.py`: Flask, marshmallow and one Core INSERT, SQLite; + an RQ enqueue, PostgreSQL) and ours
(`POST /api/v1/contacts` as a partner), on SQLite with jobs in the web process at 20 a second and on PostgreSQL
with Redis at 50 a second, with and without an Idempotency-Key. On SQLite our server also screens every contact
once each answer is sent; on PostgreSQL no worker runs.
Prints p50/p95/p99/max and writes benchmarks/results/paced_intake.json. The targets: p99 under 50 ms in each row.
"""

from __future__ import annotations

import argparse
import queue
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any

import floors
import requests
from _common import (
    ENGLISH_NHS_NUMBERS,
    Gunicorn,
    add_service_arguments,
    clean_environment,
    contact_body_template,
    environment_report,
    fill,
    load_average,
    postgres_database,
    prepare_mash_database,
    print_table,
    redis_database,
    slot_values,
    write_results,
)

TARGET_P99_MS = 50.0
# As production's gunicorn.conf.py runs it: 2 workers of 4 threads, so a thread screening the last contact after
# its answer has gone does not keep the next one waiting.
SERVER = {"workers": 2, "threads": 4}
BLOCKS = count()  # a block of a million NHS numbers for each paced run
SENDERS = 16
COLUMNS = (
    ("case", "case"),
    ("rate", "rate/s"),
    ("sent", "sent"),
    ("p50_ms", "p50 ms"),
    ("p95_ms", "p95 ms"),
    ("p99_ms", "p99 ms"),
    ("max_ms", "max ms"),
    ("errors", "errors"),
    ("under_target", "p99 < 50 ms"),
)


@dataclass(frozen=True)
class Paced:
    """What one paced run saw: the latency of every request from when it was due, and the failures."""

    latencies_ms: list[float]
    failures: dict[str, int]

    @property
    def errors(self) -> int:
        return sum(self.failures.values())

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def paced_posts(
    url: str, template: str, headers: Mapping[str, str], rate: float, seconds: float, tag: str, idempotent: bool
) -> Paced:
    """POST a fresh contact every 1/rate seconds for `seconds`; time each from when it was due to be sent.

    Each case's children have NHS numbers of their own (a block per tag), so no contact repeats another's child.
    """
    due: queue.Queue[tuple[int, float] | None] = queue.Queue()
    latencies: list[float] = []
    failures: dict[str, int] = {}
    lock = threading.Lock()

    def sender() -> None:
        session = requests.Session()
        while (item := due.get()) is not None:
            n, at = item
            time.sleep(max(0.0, at - time.perf_counter()))
            values, _ = slot_values(tag, first + n * 3)
            extra = {"Idempotency-Key": str(uuid.uuid4())} if idempotent else {}
            try:
                response = session.post(
                    url,
                    data=fill(template, values),
                    headers={"Content-Type": "application/json", **headers, **extra},
                    timeout=30,
                )
                failure = None if response.status_code == 201 else str(response.status_code)
            except requests.RequestException as exc:
                failure = type(exc).__name__
            elapsed = (time.perf_counter() - at) * 1000
            with lock:
                latencies.append(elapsed)
                if failure:
                    failures[failure] = failures.get(failure, 0) + 1

    first = ENGLISH_NHS_NUMBERS + next(BLOCKS) * 1_000_000
    threads = [threading.Thread(target=sender, daemon=True) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    start = time.perf_counter() + 0.2
    count = int(rate * seconds)
    for n in range(count):
        due.put((n, start + n / rate))
    for _ in threads:
        due.put(None)
    for thread in threads:
        thread.join()
    return Paced(latencies, failures)


def _row(case: str, rate: float, paced: Paced) -> dict[str, Any]:
    p99 = paced.percentile(0.99)
    return {
        "case": case,
        "rate": rate,
        "sent": len(paced.latencies_ms),
        "p50_ms": round(paced.percentile(0.50), 1),
        "p95_ms": round(paced.percentile(0.95), 1),
        "p99_ms": round(p99, 1),
        "max_ms": round(max(paced.latencies_ms), 1),
        "errors": paced.errors,
        "failures": paced.failures,
        "under_target": p99 < TARGET_P99_MS,
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Run the floors and ours at their rates; print the table and write the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="seconds of load per case (default: %(default)s)")
    parser.add_argument("--quick", action="store_true", help="8 s per case: a smoke run")
    add_service_arguments(parser)
    arguments = parser.parse_args(argv)
    load_before = load_average()
    seconds = 8.0 if arguments.quick else arguments.seconds
    template = contact_body_template()
    rows: list[dict[str, Any]] = []
    with (
        tempfile.TemporaryDirectory(prefix="mash-paced-") as folder_name,
        postgres_database(arguments.postgres) as postgres_url,
        redis_database(arguments.redis),
    ):
        folder = Path(folder_name)
        sqlite_url = f"sqlite:///{folder / 'mash.sqlite3'}"
        for database_url in (f"sqlite:///{folder / 'floor.sqlite3'}", postgres_url):
            floors.create_schema(database_url)
        floor_sqlite = clean_environment({"BENCH_DATABASE_URL": f"sqlite:///{folder / 'floor.sqlite3'}"})
        with Gunicorn("floors:create_app()", floor_sqlite, "/hello", folder / "floor-sqlite.log", **SERVER) as server:
            paced = paced_posts(f"{server.url}/insert", template, {}, 20, seconds, "FLOOR-S", False)
            rows.append(_row("floor: Core INSERT, SQLite", 20, paced))
        floor_postgres = clean_environment({"BENCH_DATABASE_URL": postgres_url, "BENCH_REDIS_URL": arguments.redis})
        with Gunicorn("floors:create_app()", floor_postgres, "/hello", folder / "floor-pg.log", **SERVER) as server:
            paced = paced_posts(f"{server.url}/insert-enqueue", template, {}, 50, seconds, "FLOOR-P", False)
            rows.append(_row("floor: Core INSERT + RQ enqueue, PostgreSQL", 50, paced))
        deployments = (
            ("SQLite, jobs in the web process", {"DATABASE_URL": sqlite_url}, 20),
            ("PostgreSQL, Redis", {"DATABASE_URL": postgres_url, "REDIS_URL": arguments.redis}, 50),
        )
        for name, settings, rate in deployments:
            environment = clean_environment({**settings, "MASH_SECRET_KEY": "benchmark", "MASH_LOG_LEVEL": "WARNING"})
            partner = {"Authorization": f"Bearer {prepare_mash_database(environment)['partner']}"}
            log = folder / f"ours-{rate}.log"
            with Gunicorn("wsgi:app", environment, "/healthz", log, **SERVER) as server:
                url = f"{server.url}/api/v1/contacts"
                paced_posts(url, template, partner, rate, 2.0, f"WARM-{rate}", False)
                for idempotent in (False, True):
                    tag = f"OURS-{rate}-{int(idempotent)}"
                    paced = paced_posts(url, template, partner, rate, seconds, tag, idempotent)
                    label = f"ours: POST contact{' + Idempotency-Key' if idempotent else ''}, {name}"
                    rows.append(_row(label, rate, paced))
    print(
        f"gunicorn 2 workers x 4 threads; {SENDERS} sender threads; {seconds:g} s per case; "
        "latency from when each was due"
    )
    print_table(rows, COLUMNS)
    report = {
        "benchmark": "paced_intake",
        **environment_report(sys.argv, load_before),
        "seconds_per_case": seconds,
        "target_p99_ms": TARGET_P99_MS,
        "rows": rows,
    }
    print(f"wrote {write_results('paced_intake', report)}")


if __name__ == "__main__":
    main()
