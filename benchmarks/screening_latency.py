"""Screening latency at a steady rate: from when a contact's POST is due to when it is awaiting a decision.

Run from the repository root: `.venv/bin/python benchmarks/screening_latency.py [--rate R] [--seconds N] [--quick]`.
Needs PostgreSQL and Redis on 127.0.0.1 (as `screening_jobs.py`). Production's shape: gunicorn (2 workers of 4
threads) serving `wsgi:app` with REDIS_URL set, and two `mash worker --no-sweep` processes. A scheduler POSTs a fresh
3 KB contact every 1/rate seconds whatever the answers are doing (open loop, as `paced_intake.py`); a poller reads
every 10 ms which contacts are awaiting a decision, and a contact's latency runs from when its POST was due to when
the poller first saw it screened. Before the timed run, 2 s of contacts at the same rate are posted and the workers
started, so that they begin as in production: with contacts stored (see `mash worker`'s rehearsal).

The floor, in the same run and the same shape: the floor app's `POST /insert-enqueue` (`benchmarks/floors.py`: one
Core INSERT and an RQ enqueue of a no-op job) with two forking `rq worker` processes; a job's latency runs to when the
poller first saw it in RQ's finished registry.

Prints p50/p95/p99/max and writes benchmarks/results/screening_latency.json. The target: ours p95 under 1 s at 20/s.
"""

from __future__ import annotations

import argparse
import queue
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any

import floors
import psycopg
import requests
from _common import (
    ENGLISH_NHS_NUMBERS,
    REPO,
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
from redis import Redis
from rq import Queue
from rq.job import Job
from rq.serializers import JSONSerializer
from screening_jobs import MASH_WORKER, rq_worker_command, worker_processes

TARGET_P95_MS = 1000.0
SERVER = {"workers": 2, "threads": 4}  # as gunicorn.conf.py runs production
WORKERS = 2
SENDERS = 16
POLL_SECONDS = 0.01
BLOCKS = count()  # a block of a million NHS numbers for each paced run
COLUMNS = (
    ("case", "case"),
    ("rate", "rate/s"),
    ("sent", "sent"),
    ("done", "done"),
    ("post_p95_ms", "POST p95 ms"),
    ("p50_ms", "p50 ms"),
    ("p95_ms", "p95 ms"),
    ("p99_ms", "p99 ms"),
    ("max_ms", "max ms"),
    ("errors", "errors"),
    ("under_target", "p95 < 1 s"),
)


@dataclass(frozen=True)
class Posted:
    """What a paced run sent: when each accepted item was due, by its key, each POST's latency, and the failures."""

    due: dict[str, float]
    post_ms: list[float]
    failures: dict[str, int]


def paced_posts(
    url: str,
    template: str,
    headers: Mapping[str, str],
    rate: float,
    seconds: float,
    tag: str,
    key_of: Callable[[dict[str, Any]], str],
) -> Posted:
    """POST a fresh contact every 1/rate seconds for `seconds`; return when each was due, by the key of its answer."""
    due: queue.Queue[tuple[int, float] | None] = queue.Queue()
    accepted: dict[str, float] = {}
    post_ms: list[float] = []
    failures: dict[str, int] = {}
    lock = threading.Lock()
    first = ENGLISH_NHS_NUMBERS + next(BLOCKS) * 1_000_000

    def sender() -> None:
        session = requests.Session()
        while (item := due.get()) is not None:
            n, at = item
            time.sleep(max(0.0, at - time.perf_counter()))
            values, _ = slot_values(tag, first + n * 3)
            failure, key = None, None
            try:
                response = session.post(
                    url,
                    data=fill(template, values),
                    headers={"Content-Type": "application/json", **headers},
                    timeout=30,
                )
                if response.status_code == 201:
                    key = key_of(response.json())
                else:
                    failure = str(response.status_code)
            except requests.RequestException as exc:
                failure = type(exc).__name__
            elapsed = (time.perf_counter() - at) * 1000
            with lock:
                post_ms.append(elapsed)
                if key is not None:
                    accepted[key] = at
                if failure:
                    failures[failure] = failures.get(failure, 0) + 1

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    start = time.perf_counter() + 0.2
    for n in range(int(rate * seconds)):
        due.put((n, start + n / rate))
    for _ in threads:
        due.put(None)
    for thread in threads:
        thread.join()
    return Posted(accepted, post_ms, failures)


class Poller:
    """Notes, every 10 ms on a thread of its own, when each key first appears among those done."""

    def __init__(self, done_keys: Callable[[], Iterable[str]]) -> None:
        self.done_keys = done_keys
        self.seen: dict[str, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            now = time.perf_counter()
            for key in self.done_keys():
                self.seen.setdefault(key, now)
            time.sleep(POLL_SECONDS)

    def __enter__(self) -> Poller:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        self.thread.join()

    def wait_for(self, keys: Iterable[str], timeout: float) -> None:
        """Return once every key has been seen done, or after `timeout` seconds."""
        wanted = set(keys)
        deadline = time.monotonic() + timeout
        while not wanted <= self.seen.keys() and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)


def screened_contacts(connection: psycopg.Connection[Any]) -> Callable[[], list[str]]:
    """Return a reader of the ids of the contacts awaiting a decision."""
    return lambda: [row[0] for row in connection.execute("SELECT id FROM contacts WHERE status = 'awaiting_decision'")]


def finished_floor_rows(redis: Redis) -> Callable[[], list[str]]:
    """Return a reader of the floor rows whose no-op job has finished (each job's argument is its row id)."""
    registry = Queue(floors.FLOOR_QUEUE, connection=redis, serializer=JSONSerializer).finished_job_registry
    rows: dict[str, str] = {}

    def read() -> list[str]:
        new = [job_id for job_id in registry.get_job_ids() if job_id not in rows]
        for job_id, job in zip(new, Job.fetch_many(new, connection=redis, serializer=JSONSerializer), strict=True):
            if job is not None:
                rows[job_id] = str(job.args[0])
        return list(rows.values())

    return read


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def _row(case: str, rate: float, posted: Posted, seen: Mapping[str, float]) -> dict[str, Any]:
    latencies = [(seen[key] - at) * 1000 for key, at in posted.due.items() if key in seen]
    p95 = _percentile(latencies, 0.95)
    return {
        "case": case,
        "rate": rate,
        "sent": len(posted.post_ms),
        "done": len(latencies),
        "post_p95_ms": round(_percentile(posted.post_ms, 0.95), 1),
        "p50_ms": round(_percentile(latencies, 0.50), 1),
        "p95_ms": round(p95, 1),
        "p99_ms": round(_percentile(latencies, 0.99), 1),
        "max_ms": round(max(latencies, default=float("nan")), 1),
        "errors": sum(posted.failures.values()) + len(posted.due) - len(latencies),
        "failures": posted.failures,
        "under_target": p95 < TARGET_P95_MS,
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Run the floor and ours at the same rate; print the table and write the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=20, help="contacts a second (default: %(default)s)")
    parser.add_argument("--seconds", type=float, default=30, help="seconds of load per case (default: %(default)s)")
    parser.add_argument("--quick", action="store_true", help="10 s per case: a smoke run")
    parser.add_argument(
        "--timeout", type=float, default=60, help="longest wait for the last job, s (default: %(default)s)"
    )
    add_service_arguments(parser)
    arguments = parser.parse_args(argv)
    load_before = load_average()
    seconds = 10.0 if arguments.quick else arguments.seconds
    rate = arguments.rate
    template = contact_body_template()
    rows: list[dict[str, Any]] = []
    with (
        tempfile.TemporaryDirectory(prefix="mash-latency-") as folder_name,
        postgres_database(arguments.postgres) as postgres_url,
        redis_database(arguments.redis) as redis,
    ):
        folder = Path(folder_name)
        floors.create_schema(postgres_url)
        floor_environment = clean_environment({"BENCH_DATABASE_URL": postgres_url, "BENCH_REDIS_URL": arguments.redis})
        floor_workers = rq_worker_command(arguments.redis, "rq.worker.Worker", [floors.FLOOR_QUEUE])
        with (
            Gunicorn("floors:create_app()", floor_environment, "/hello", folder / "floor.log", **SERVER) as server,
            worker_processes(
                floor_workers, clean_environment({"PYTHONPATH": str(REPO / "benchmarks")}), WORKERS, redis
            ),
            Poller(finished_floor_rows(redis)) as poller,
        ):
            posted = paced_posts(
                f"{server.url}/insert-enqueue", template, {}, rate, seconds, "FLOOR", lambda answer: str(answer["id"])
            )
            poller.wait_for(posted.due, arguments.timeout)
            rows.append(_row(f"floor: INSERT + no-op job, {WORKERS} rq Workers (fork)", rate, posted, poller.seen))
        redis.flushdb()

        environment = clean_environment(
            {"DATABASE_URL": postgres_url, "REDIS_URL": arguments.redis, "MASH_SECRET_KEY": "benchmark"}
        )
        partner = {"Authorization": f"Bearer {prepare_mash_database(environment)['partner']}"}
        with (
            Gunicorn("wsgi:app", environment, "/healthz", folder / "ours.log", **SERVER) as server,
            psycopg.connect(postgres_url, autocommit=True) as connection,
            Poller(screened_contacts(connection)) as poller,
        ):
            url = f"{server.url}/api/v1/contacts"
            warm = paced_posts(url, template, partner, rate, 2.0, "WARM", lambda answer: str(answer["id"]))
            with worker_processes(MASH_WORKER, environment, WORKERS, redis):
                poller.wait_for(warm.due, arguments.timeout)
                posted = paced_posts(url, template, partner, rate, seconds, "OURS", lambda answer: str(answer["id"]))
                poller.wait_for(posted.due, arguments.timeout)
            rows.append(_row(f"ours: POST to awaiting_decision, {WORKERS} mash workers", rate, posted, poller.seen))

    print(
        f"{rate:g} contacts a second for {seconds:g} s; gunicorn 2 workers x 4 threads; {WORKERS} worker processes; "
        "latency from when each POST was due to when the poller (every 10 ms) saw it done"
    )
    print_table(rows, COLUMNS)
    report = {
        "benchmark": "screening_latency",
        **environment_report(sys.argv, load_before),
        "rate": rate,
        "seconds_per_case": seconds,
        "target_p95_ms": TARGET_P95_MS,
        "rows": rows,
    }
    print(f"wrote {write_results('screening_latency', report)}")


if __name__ == "__main__":
    main()
