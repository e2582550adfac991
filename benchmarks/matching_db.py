"""Time "who is this child?" against a million known children in PostgreSQL, through the real matching service.

Run from the repository root: `.venv/bin/python benchmarks/matching_db.py [--children N] [--probes N] [--keep]`.
It creates a database `mash_bench_matching` on the server named by MASH_BENCH_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/test), migrates it, loads N synthetic known children (four to a contact)
with COPY, then posts probe contacts and times `mash.services.matching.suggest_matches` for each: candidates
come from the indexed blocking keys (date of birth, swapped date of birth, phonetic surname + year of birth)
and are scored with `mash.matching.score`. The floor is the same candidate query alone (index look-ups and
fetching rows, no scoring), timed in the same run. Prints a table and writes
benchmarks/results/matching_db.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from matching_score import FIRST_NAMES, SURNAMES
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import selectinload

from mash import migrations
from mash.db import make_engine, make_session_factory
from mash.matching import candidate_keys
from mash.matching.keys import DOB_KEY, SURNAME_YEAR_KEY, blocking_keys
from mash.models import Child, Contact
from mash.services import matching

RESULTS = Path(__file__).parent / "results" / "matching_db.json"
DATABASE = "mash_bench_matching"
SEED = 1_000_000
EARLIEST = date(2008, 12, 1)
DAYS = 18 * 365


def _url(base: str) -> str:
    return make_url(base).set(database=DATABASE).render_as_string(hide_password=False)


def _create(base: str) -> None:
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()


def _drop(base: str) -> None:
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
    admin.dispose()


def _load(url: str, children: int) -> float:
    rng = random.Random(SEED)
    engine = make_engine(url)
    started = time.perf_counter()
    user_id = str(uuid.uuid4())
    received = datetime(2026, 1, 1, tzinfo=UTC)
    contacts = io.StringIO()
    kids = io.StringIO()
    for n in range(children // 4):
        contact_id = str(uuid.uuid4())
        contacts.write(
            f"{contact_id}\tMASH-2025-{n:07d}\tclosed\tBench\t{user_id}\tpolice\t6\t"
            f'f\tgiven\t["neglect"]\t[]\tsynthetic\t{received.isoformat()}\t{received.isoformat()}\n'
        )
        surname = rng.choice(SURNAMES)
        for position in range(4):
            first = rng.choice(FIRST_NAMES)
            born = EARLIEST + timedelta(days=rng.randrange(DAYS))
            key = blocking_keys(first, surname, born).surname_year or "\\N"
            kids.write(
                f"{uuid.uuid4()}\t{contact_id}\t{position}\t{first}\t{surname}\t{born.isoformat()}\t{key}\tunknown\n"
            )
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur:
            cur.execute(
                "INSERT INTO users (id, name, role, active, created_at) VALUES (%s, 'Bench', 'partner', true, now())",
                (user_id,),
            )
            with cur.copy(
                "COPY contacts (id, reference, status, organisation, submitted_by_id, agency_type, source_code, "
                "immediate_danger, consent_status, categories, indicators, summary, received_at, acknowledged_at) "
                "FROM STDIN"
            ) as copy:
                copy.write(contacts.getvalue())
            with cur.copy(
                "COPY children (id, contact_id, position, first_name, last_name, date_of_birth, surname_year, "
                "gender) FROM STDIN"
            ) as copy:
                copy.write(kids.getvalue())
            cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    engine.dispose()
    return time.perf_counter() - started


def _probe_contacts(url: str, probes: int) -> list[str]:
    rng = random.Random(SEED + 1)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    ids: list[str] = []
    with factory() as session, session.begin():
        user_id = session.execute(text("SELECT id FROM users LIMIT 1")).scalar_one()
        for n in range(probes):
            first, surname = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            born = EARLIEST + timedelta(days=rng.randrange(DAYS))
            contact = Contact(
                reference=f"MASH-2026-{n:06d}",
                status="received",
                organisation="Bench",
                submitted_by_id=user_id,
                agency_type="school",
                source_code="2A",
                immediate_danger=False,
                consent_status="given",
                categories=["neglect"],
                indicators=[],
                summary="probe",
                received_at=datetime.now(UTC),
                acknowledged_at=datetime.now(UTC),
            )
            contact.children.append(
                Child(
                    position=0,
                    first_name=first,
                    last_name=surname,
                    date_of_birth=born,
                    surname_year=blocking_keys(first, surname, born).surname_year,
                )
            )
            session.add(contact)
            session.flush()
            ids.append(contact.id)
    engine.dispose()
    return ids


def _time_matching(url: str, contact_ids: list[str]) -> dict[str, list[float]]:
    engine = make_engine(url)
    factory = make_session_factory(engine)
    times: dict[str, list[float]] = {"floor_ms": [], "ours_ms": [], "candidates": [], "kept": []}
    for contact_id in contact_ids:
        with factory() as session, session.begin():
            contact = session.execute(
                select(Contact).where(Contact.id == contact_id).options(selectinload(Contact.children))
            ).scalar_one()
            child = contact.children[0]
            keys = candidate_keys(child.first_name, child.last_name, child.date_of_birth)
            dobs = [date.fromisoformat(v) for k, v in keys if k == DOB_KEY]
            years = [v for k, v in keys if k == SURNAME_YEAR_KEY]
            started = time.perf_counter()
            rows = session.execute(
                select(Child.id, Child.first_name, Child.last_name, Child.date_of_birth).where(
                    (Child.date_of_birth.in_(dobs)) | (Child.surname_year.in_(years)), Child.contact_id != contact.id
                )
            ).all()
            times["floor_ms"].append((time.perf_counter() - started) * 1000)
            times["candidates"].append(len(rows))
            started = time.perf_counter()
            kept = matching.suggest_matches(session, contact)
            session.flush()
            times["ours_ms"].append((time.perf_counter() - started) * 1000)
            times["kept"].append(kept)
            session.rollback()
    engine.dispose()
    return times


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    """Load the children, time the probes, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=1_000_000)
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    base = os.environ.get("MASH_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    _create(base)
    url = _url(base)
    try:
        migrations.upgrade(url)
        load_seconds = _load(url, args.children)
        probes = _probe_contacts(url, args.probes)
        _time_matching(url, probes[:10])
        times = _time_matching(url, probes)
    finally:
        if not args.keep:
            _drop(base)
    rows = [
        ("candidate query alone (floor)", times["floor_ms"]),
        ("suggest_matches: query + score + store", times["ours_ms"]),
    ]
    print(f"known children: {args.children:,} (loaded in {load_seconds:.1f} s); probes: {args.probes}")
    print(
        f"candidates per child: median {statistics.median(times['candidates']):.0f}, "
        f"max {max(times['candidates'])}; matches kept: median {statistics.median(times['kept']):.0f}"
    )
    print(f"{'case':<42} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, values in rows:
        print(f"{name:<42} {_percentile(values, 0.5):>8.1f} {_percentile(values, 0.95):>8.1f} {max(values):>8.1f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "children": args.children,
                "probes": args.probes,
                "load_seconds": load_seconds,
                "candidates_median": statistics.median(times["candidates"]),
                "cases": {
                    name: {"p50_ms": _percentile(v, 0.5), "p95_ms": _percentile(v, 0.95), "max_ms": max(v)}
                    for name, v in rows
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
