"""Screening throughput: from enqueue to every contact screened, by 1 and 2 `mash worker` processes, vs RQ floors.

Run from the repository root: `.venv/bin/python benchmarks/screening_jobs.py [--contacts N] [--quick]`. Needs
PostgreSQL and Redis on 127.0.0.1; uses a database `mash_bench` (created and dropped here) and one Redis
database index (9 unless told otherwise; flushed afterwards).

Floors, in the same run: N no-op jobs (`floors.noop`, JSON serializer) enqueued on an idle
`rq worker` of each class, 1 and 2 processes: `SimpleWorker` runs jobs in the worker process, the default
`Worker` forks a work-horse per job. Timed from the first enqueue to the last job in the finished registry.

Ours: N contacts are posted through the app in this process with REDIS_URL set, then the Redis database is
emptied, as a Redis restart without persistence would; 1 or 2 `mash worker --no-sweep` processes (RQ's
default Worker on every queue, with its scheduler, MASH_LOG_LEVEL=WARNING) start and go idle; the timer starts
and our outbox relay's `sweep()` (stale after 0 s) enqueues the N screening jobs, exactly the path it takes in
production after such a loss. Timed until the database shows all N contacts screened. The periodic sweep is
left out of the workers (`--no-sweep`) only so that its start-up does not overlap the timing; it wakes every
30 s and would not run within it. For reference, the same jobs on one `rq worker --worker-class SimpleWorker`:
our job in a process that stays warm between jobs (its first job builds the app, inside the timing), which
shows what forking a work-horse per job costs us over RQ's own fork.

Besides wall time, each row gives the CPU time its worker processes used per job (each worker with the work-horses
it forked and reaped), read from /proc before the first enqueue and after the last job: on a machine that other work
keeps busy it moves far less than wall time, and "x floor cpu" compares rows by it.

Prints a table and writes benchmarks/results/screening_jobs.json.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from _common import (
    BIN,
    ENGLISH_NHS_NUMBERS,
    REPO,
    add_service_arguments,
    clean_environment,
    contact_body_template,
    cpu_seconds_with_children,
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
from flask.testing import FlaskClient
from floors import FLOOR_QUEUE, NOOP_JOB
from redis import Redis
from rq import Queue, Worker
from rq.serializers import JSONSerializer

from mash.app import create_app
from mash.jobs.registry import QUEUES
from mash.settings import Settings

MAX_CONTACTS = 500  # one sweep hands on at most 500 outbox items
MASH_WORKER = (str(BIN / "mash"), "worker", "--no-sweep")
POLL_SECONDS = 0.01
COLUMNS = (
    ("case", "case"),
    ("processes", "procs"),
    ("jobs", "jobs"),
    ("seconds", "seconds"),
    ("jobs_per_second", "jobs/s"),
    ("ms_per_job_per_process", "ms/job/proc"),
    ("cpu_ms_per_job", "cpu ms/job"),
    ("enqueue_seconds", "enqueue s"),
    ("errors", "errors"),
    ("times_floor", "x floor"),
    ("times_floor_cpu", "x floor cpu"),
    ("floor", "vs"),
)


@dataclass(frozen=True)
class Timing:
    """One timed batch: how long from the first enqueue to the last job done, and how it went."""

    jobs: int
    seconds: float
    enqueue_seconds: float
    done: int
    errors: int
    cpu_seconds: float


@contextmanager
def worker_processes(
    command: Sequence[str], environment: dict[str, str], count: int, redis: Redis
) -> Iterator[Callable[[], float]]:
    """Run `count` worker processes until the block ends; enter the block once all are registered and idle.

    The block receives a function that returns the CPU time the workers and their reaped work-horses have used.
    """
    processes = [subprocess.Popen(command, env=environment, cwd=REPO) for _ in range(count)]
    try:
        deadline = time.monotonic() + 60
        while True:
            workers = Worker.all(connection=redis)
            if len(workers) == count and all(worker.get_state() == "idle" for worker in workers):
                break
            if any(process.poll() is not None for process in processes):
                raise RuntimeError(f"a worker exited at start: {' '.join(command)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{count} workers did not go idle within 60 s: {' '.join(command)}")
            time.sleep(0.05)
        yield lambda: sum(cpu_seconds_with_children(process.pid) for process in processes)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _settled_cpu(cpu: Callable[[], float]) -> float:
    """Return the workers' CPU time once the last work-horses have been reaped (RQ waits for each after its job)."""
    time.sleep(0.5)
    return cpu()


def _wait(progress: Callable[[], tuple[int, int]], target: int, timeout: float) -> tuple[int, int]:
    deadline = time.monotonic() + timeout
    done, errors = progress()
    while done < target and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        done, errors = progress()
    return done, errors


def rq_worker_command(redis_url: str, worker_class: str, queues: Sequence[str]) -> list[str]:
    """Return the `rq worker` command for a worker class on some queues, with the JSON serializer."""
    return [
        str(BIN / "rq"),
        *("worker", "--url", redis_url, "--worker-class", worker_class, "--serializer", "json"),
        *("--logging_level", "WARNING", "--path", str(REPO), *queues),
    ]


def time_rq_floor(redis: Redis, redis_url: str, worker_class: str, processes: int, jobs: int, timeout: float) -> Timing:
    """Time `jobs` no-op jobs on idle `rq worker` processes of one class."""
    command = rq_worker_command(redis_url, worker_class, [FLOOR_QUEUE])
    queue = Queue(FLOOR_QUEUE, connection=redis, serializer=JSONSerializer)
    environment = clean_environment({"PYTHONPATH": str(REPO / "benchmarks")})
    with worker_processes(command, environment, processes, redis) as cpu:
        cpu_before = cpu()
        started = time.perf_counter()
        for number in range(jobs):
            queue.enqueue(NOOP_JOB, number)
        enqueued = time.perf_counter()
        done, errors = _wait(
            lambda: (
                queue.finished_job_registry.get_job_count() + queue.failed_job_registry.get_job_count(),
                queue.failed_job_registry.get_job_count(),
            ),
            jobs,
            timeout,
        )
        finished = time.perf_counter()
        cpu_seconds = _settled_cpu(cpu) - cpu_before
    redis.flushdb()
    return Timing(jobs, finished - started, enqueued - started, done, errors, cpu_seconds)


class OurScreening:
    """Posts batches of contacts through our app, then times `mash worker` processes screening them."""

    def __init__(self, database_url: str, redis_url: str, template: str) -> None:
        self.database_url = database_url
        self.environment = clean_environment(
            {"DATABASE_URL": database_url, "REDIS_URL": redis_url, "MASH_SECRET_KEY": "benchmark"}
        )
        self.partner_token = prepare_mash_database(self.environment)["partner"]
        settings = Settings.from_env(self.environment).with_overrides(screening_retry_after_seconds=0)
        self.app = create_app(settings)
        self.template = template
        self.next_n = ENGLISH_NHS_NUMBERS + 50_000_000

    def post(self, client: FlaskClient, count: int) -> None:
        """Post `count` new contacts, each enqueueing its screening job as it commits."""
        headers = {"Authorization": f"Bearer {self.partner_token}"}
        for _ in range(count):
            values, self.next_n = slot_values("SCREEN", self.next_n)
            body = fill(self.template, values)
            self.next_n += 1
            response = client.post("/api/v1/contacts", data=body, headers=headers, content_type="application/json")
            if response.status_code != 201:
                raise RuntimeError(f"posting a contact answered {response.status_code}: {response.get_data(True)}")

    def progress(self, connection: psycopg.Connection[Any]) -> tuple[int, int]:
        """Return how many contacts have left `received` (screened or failed), and how many failed."""
        done, failed = connection.execute(
            "SELECT count(*) FILTER (WHERE status <> 'received'), count(*) FILTER (WHERE status = 'screening_failed') "
            "FROM contacts"
        ).fetchone() or (0, 0)
        return int(done), int(failed)

    def time(self, redis: Redis, command: Sequence[str], processes: int, contacts: int, timeout: float) -> Timing:
        """Post a batch, lose its jobs from Redis, start idle workers, then time the sweep and the screening."""
        with self.app.test_client() as client:
            self.post(client, contacts)
        redis.flushdb()
        with (
            psycopg.connect(self.database_url, autocommit=True) as connection,
            worker_processes(command, self.environment, processes, redis) as cpu,
        ):
            before, failed_before = self.progress(connection)
            cpu_before = cpu()
            started = time.perf_counter()
            swept = self.app.extensions["mash.relay"].sweep()
            enqueued = time.perf_counter()
            if swept != contacts:
                raise RuntimeError(f"the sweep handed on {swept} jobs, not {contacts}")
            done, failed = _wait(lambda: self.progress(connection), before + contacts, timeout)
            finished = time.perf_counter()
            cpu_seconds = _settled_cpu(cpu) - cpu_before
        redis.flushdb()
        return Timing(
            contacts, finished - started, enqueued - started, done - before, failed - failed_before, cpu_seconds
        )


def _cpu_ms(timing: Timing) -> float:
    return timing.cpu_seconds / max(timing.done, 1) * 1000


def _row(
    key: str, label: str, processes: int, timing: Timing, floor: str | None, floors: dict[str, Timing]
) -> dict[str, Any]:
    per_second = timing.done / timing.seconds
    cpu_ms = _cpu_ms(timing)
    floor_timing = floors.get(floor) if floor else None
    return {
        "key": key,
        "case": label,
        "processes": processes,
        "jobs": timing.jobs,
        "completed": timing.done,
        "seconds": round(timing.seconds, 2),
        "jobs_per_second": round(per_second, 1),
        "ms_per_job_per_process": round(timing.seconds * processes / max(timing.done, 1) * 1000, 1),
        "cpu_ms_per_job": round(cpu_ms, 1),
        "enqueue_seconds": round(timing.enqueue_seconds, 2),
        "errors": timing.errors + timing.jobs - timing.done,
        "times_floor": round(floor_timing.done / floor_timing.seconds / per_second, 2) if floor_timing else None,
        "times_floor_cpu": round(cpu_ms / _cpu_ms(floor_timing), 2) if floor_timing else None,
        "floor": floor,
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Time the RQ floors and our screening workers in one run; print a table and write the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=300, help="jobs per case, at most 500 (default: %(default)s)")
    parser.add_argument("--quick", action="store_true", help="100 jobs per case: a smoke run")
    parser.add_argument("--timeout", type=float, default=120, help="longest wait per case, s (default: %(default)s)")
    add_service_arguments(parser)
    arguments = parser.parse_args(argv)
    load_before = load_average()
    jobs = 100 if arguments.quick else arguments.contacts
    if not 1 <= jobs <= MAX_CONTACTS:
        parser.error(f"--contacts must be between 1 and {MAX_CONTACTS}")

    timings: dict[str, Timing] = {}
    rows: list[dict[str, Any]] = []
    with (
        postgres_database(arguments.postgres) as postgres_url,
        redis_database(arguments.redis) as redis,
    ):
        for name, worker_class in (("simple", "rq.worker.SimpleWorker"), ("fork", "rq.worker.Worker")):
            for processes in (1, 2):
                key = f"floor_{name}_{processes}"
                timings[key] = time_rq_floor(redis, arguments.redis, worker_class, processes, jobs, arguments.timeout)
                label = f"floor: no-op jobs, {worker_class.rpartition('.')[2]}"
                rows.append(_row(key, label, processes, timings[key], None, timings))
        ours = OurScreening(postgres_url, arguments.redis, contact_body_template())
        for processes in (1, 2):
            key = f"mash_worker_{processes}"
            timings[key] = ours.time(redis, MASH_WORKER, processes, jobs, arguments.timeout)
            floor = f"floor_fork_{processes}"
            rows.append(_row(key, "ours: screen_contact, mash worker", processes, timings[key], floor, timings))
        simple = rq_worker_command(arguments.redis, "rq.worker.SimpleWorker", QUEUES)
        timings["simple_worker_1"] = ours.time(redis, simple, 1, jobs, arguments.timeout)
        label = "ours: screen_contact, rq SimpleWorker (reference)"
        rows.append(_row("simple_worker_1", label, 1, timings["simple_worker_1"], "floor_simple_1", timings))

    print(f"{jobs} jobs per case, from the first enqueue to the last done; PostgreSQL and Redis on 127.0.0.1")
    print_table(rows, COLUMNS)
    report = {
        "benchmark": "screening_jobs",
        **environment_report(sys.argv, load_before),
        "jobs_per_case": jobs,
        "rows": rows,
    }
    print(f"wrote {write_results('screening_jobs', report)}")


if __name__ == "__main__":
    main()
