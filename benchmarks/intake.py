"""Intake under HTTP load: our POST and GET of a contact against bare floors, all measured in one run.

Run from the repository root: `.venv/bin/python benchmarks/intake.py [--seconds N] [--quick]`. Needs wrk
(`apt-get install -y wrk`), PostgreSQL and Redis on 127.0.0.1. Every server is gunicorn with 2 sync workers on
a free loopback port, loaded by wrk with 2 threads and 8 connections for N seconds after a short warm-up; every
POST carries a ~3 KB contact with a unique external reference and NHS number, so none is a duplicate (409).

Floors (`benchmarks/floors.py`): Flask hello world; + marshmallow validation of the contact; + one Core
`INSERT ... RETURNING id` on SQLite (WAL) and on PostgreSQL; + an RQ enqueue after the commit; a Core `SELECT`
by id. Ours (`wsgi:app`, MASH_LOG_LEVEL=WARNING): `POST /api/v1/contacts` as a partner, without and with a
unique Idempotency-Key, and `GET /api/v1/contacts/{id}` as a screener, on SQLite with no Redis (screening runs
in the web process once each POST's answer is sent: outside its latency, but it keeps the gunicorn worker busy, so
under this closed-loop load it still costs throughput) and on PostgreSQL with REDIS_URL set (the POST enqueues the
screening job once its answer is sent; no worker runs, and the contacts read
by the GET are screened in this process first so that both databases serve the same view).

"x floor" is the floor's requests/s divided by the row's: how many times the floor's cost per request.
Prints a table and writes benchmarks/results/intake.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import floors
from _common import (
    BODY_BYTES,
    Gunicorn,
    LoadResult,
    Wrk,
    add_service_arguments,
    clean_environment,
    contact_body_template,
    environment_report,
    get_script,
    load_average,
    post_script,
    postgres_database,
    prepare_mash_database,
    print_table,
    redis_database,
    require_wrk,
    write_results,
)
from sqlalchemy import text

from mash.app import create_app
from mash.db import make_engine
from mash.services import screening
from mash.settings import Settings

FLOOR_APP = "floors:create_app()"
OUR_APP = "wsgi:app"
CONTACTS = "/api/v1/contacts"
READ_SAMPLE = 200
COLUMNS = (
    ("case", "case"),
    ("per_second", "req/s"),
    ("p50_ms", "p50 ms"),
    ("p99_ms", "p99 ms"),
    ("errors", "errors"),
    ("times_floor", "x floor"),
    ("floor", "vs"),
    ("server_cpu", "server CPU"),
    ("wrk_cpu", "wrk CPU"),
)


@dataclass(frozen=True)
class Case:
    """One measured row: what ran, which row it is compared with, and what wrk saw."""

    key: str
    label: str
    floor: str | None
    result: LoadResult


def _ids(database_url: str, query: str) -> list[Any]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(query), {"limit": READ_SAMPLE}).scalars())
    finally:
        engine.dispose()


def _screen(environment: dict[str, str], contact_ids: Sequence[str]) -> None:
    """Screen contacts in this process, as a worker would have, so that the GET reads a screened contact."""
    settings = Settings.from_env({**environment, "REDIS_URL": ""})
    factory = create_app(settings).extensions["mash.sessionmaker"]
    for contact_id in contact_ids:
        session = factory()
        try:
            screening.screen_contact(session, contact_id, settings)
        finally:
            session.close()


def measure_floors(wrk: Wrk, folder: Path, template: str, postgres_url: str, redis_url: str) -> list[Case]:
    """Measure the bare floors: one gunicorn on a SQLite file, one on PostgreSQL with Redis."""
    sqlite_url = f"sqlite:///{folder / 'floor.sqlite3'}"
    for url in (sqlite_url, postgres_url):
        floors.create_schema(url)
    row_query = "SELECT id FROM floor_contacts ORDER BY id DESC LIMIT :limit"
    cases: list[Case] = []
    environment = clean_environment({"BENCH_DATABASE_URL": sqlite_url})
    with Gunicorn(FLOOR_APP, environment, "/hello", folder / "floor-sqlite.log") as server:
        cases += [
            Case("hello", "floor: Flask hello world", None, wrk.measure(server, lambda _: get_script(["/hello"], {}))),
            Case(
                "validate",
                "floor: + marshmallow validation of the contact",
                "hello",
                wrk.measure(server, lambda run: post_script("/validate", template, {}, run)),
            ),
            Case(
                "insert_sqlite",
                "floor: + Core INSERT ... RETURNING id, SQLite (WAL)",
                "validate",
                wrk.measure(server, lambda run: post_script("/insert", template, {}, run)),
            ),
        ]
        paths = [f"/rows/{row_id}" for row_id in _ids(sqlite_url, row_query)]
        cases.append(
            Case(
                "select_sqlite",
                "floor: Core SELECT by id, SQLite",
                "hello",
                wrk.measure(server, lambda _: get_script(paths, {})),
            )
        )
    environment = clean_environment({"BENCH_DATABASE_URL": postgres_url, "BENCH_REDIS_URL": redis_url})
    with Gunicorn(FLOOR_APP, environment, "/hello", folder / "floor-postgres.log") as server:
        cases += [
            Case(
                "insert_postgres",
                "floor: + Core INSERT ... RETURNING id, PostgreSQL",
                "validate",
                wrk.measure(server, lambda run: post_script("/insert", template, {}, run)),
            ),
            Case(
                "insert_enqueue_postgres",
                "floor: + RQ enqueue after commit, PostgreSQL",
                "insert_postgres",
                wrk.measure(server, lambda run: post_script("/insert-enqueue", template, {}, run)),
            ),
        ]
        paths = [f"/rows/{row_id}" for row_id in _ids(postgres_url, row_query)]
        cases.append(
            Case(
                "select_postgres",
                "floor: Core SELECT by id, PostgreSQL",
                "hello",
                wrk.measure(server, lambda _: get_script(paths, {})),
            )
        )
    return cases


@dataclass(frozen=True)
class Deployment:
    """One way of running our app for the benchmark, and the floors its POST and GET are compared with."""

    name: str
    database: str
    jobs: str
    database_url: str
    redis_url: str | None
    insert_floor: str
    read_floor: str


def measure_ours(wrk: Wrk, folder: Path, template: str, deployment: Deployment) -> list[Case]:
    """Measure our POST (without and with an Idempotency-Key) and staff GET of a contact in one deployment."""
    settings = {"DATABASE_URL": deployment.database_url, "MASH_SECRET_KEY": "benchmark"}
    if deployment.redis_url:
        settings["REDIS_URL"] = deployment.redis_url
    environment = clean_environment(settings)
    tokens = prepare_mash_database(environment)
    partner = {"Authorization": f"Bearer {tokens['partner']}"}
    screener = {"Authorization": f"Bearer {tokens['screener']}"}
    where = f"{deployment.database}, {deployment.jobs}"
    with Gunicorn(OUR_APP, environment, "/healthz", folder / f"ours-{deployment.name}.log") as server:
        cases = [
            Case(
                f"post_{deployment.name}",
                f"ours: POST contact, {where}",
                deployment.insert_floor,
                wrk.measure(server, lambda run: post_script(CONTACTS, template, partner, run)),
            ),
            Case(
                f"post_idempotency_key_{deployment.name}",
                f"ours: POST contact + Idempotency-Key, {where}",
                deployment.insert_floor,
                wrk.measure(server, lambda run: post_script(CONTACTS, template, partner, run, idempotent=True)),
            ),
        ]
        contact_ids = _ids(deployment.database_url, "SELECT id FROM contacts ORDER BY received_at DESC LIMIT :limit")
        if deployment.redis_url:
            _screen(environment, contact_ids)
        paths = [f"{CONTACTS}/{contact_id}" for contact_id in contact_ids]
        cases.append(
            Case(
                f"get_{deployment.name}",
                f"ours: GET contact as screener, {deployment.database}",
                deployment.read_floor,
                wrk.measure(server, lambda _: get_script(paths, screener)),
            )
        )
    return cases


def _row(case: Case, by_key: dict[str, Case]) -> dict[str, Any]:
    result = case.result
    floor = by_key[case.floor].result if case.floor else None
    return {
        "key": case.key,
        "case": case.label,
        "per_second": round(result.per_second, 1),
        "p50_ms": round(result.p50_ms, 2),
        "p99_ms": round(result.p99_ms, 2),
        "errors": result.errors,
        "times_floor": round(floor.per_second / result.per_second, 2) if floor else None,
        "floor": case.floor,
        "server_cpu": round(result.server_cpu, 2),
        "wrk_cpu": round(result.wrk_cpu, 2),
        "requests": result.requests,
        "seconds": round(result.seconds, 2),
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Measure the floors and our intake endpoints in one run; print a table and write the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8, help="measured seconds per case (default: %(default)s)")
    parser.add_argument("--quick", action="store_true", help="3 s per case and a shorter warm-up: a smoke run")
    add_service_arguments(parser)
    arguments = parser.parse_args(argv)
    load_before = load_average()
    seconds, warmup = (3.0, 0.5) if arguments.quick else (arguments.seconds, 1.0)

    wrk_path = require_wrk()
    template = contact_body_template()
    with (
        tempfile.TemporaryDirectory(prefix="mash-bench-") as folder_name,
        postgres_database(arguments.postgres) as postgres_url,
        redis_database(arguments.redis),
    ):
        folder = Path(folder_name)
        wrk = Wrk(wrk_path, folder, seconds, warmup)
        cases = measure_floors(wrk, folder, template, postgres_url, arguments.redis)
        deployments = (
            Deployment(
                "sqlite",
                "SQLite",
                "screening after the answer",
                f"sqlite:///{folder / 'mash.sqlite3'}",
                None,
                "insert_sqlite",
                "select_sqlite",
            ),
            Deployment(
                "postgres",
                "PostgreSQL",
                "enqueue after the answer",
                postgres_url,
                arguments.redis,
                "insert_enqueue_postgres",
                "select_postgres",
            ),
        )
        for deployment in deployments:
            cases += measure_ours(wrk, folder, template, deployment)

    by_key = {case.key: case for case in cases}
    rows = [_row(case, by_key) for case in cases]
    print(
        f"gunicorn 2 sync workers; wrk 2 threads, 8 connections, {seconds:g} s per case; "
        f"POST body {len(template):,} bytes; CPU in cores"
    )
    print_table(rows, COLUMNS)
    report = {
        "benchmark": "intake",
        **environment_report(sys.argv, load_before),
        "seconds_per_case": seconds,
        "warmup_seconds": warmup,
        "connections": 8,
        "gunicorn_workers": 2,
        "body_bytes": len(template),
        "target_body_bytes": BODY_BYTES,
        "rows": rows,
    }
    print(f"wrote {write_results('intake', report)}")


if __name__ == "__main__":
    main()
