"""Time "who is this child?" against 10 thousand to a million known children in PostgreSQL, through the service.

Run from the repository root: `.venv/bin/python benchmarks/matching_db.py [--children N ...] [--probes N] [--keep]
[--warm]` (`--quick`: 10 thousand and 100 thousand children; `--warm`: every probe run once, untimed, first). For
each number of known children it creates a database `mash_bench_matching` on the server named by
MASH_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test), migrates it, loads the known children
(four to a contact, with their blocking keys) with COPY, then posts probe contacts and times
`mash.services.matching.suggest_matches` for each. Half the probes are strangers; the other half are known children
referred again with one error each (a typo, a short form of the first name, day and month swapped, a digit of the
date wrong, a second surname, another surname), and the table says how many of those were in the block of
candidates and how many the service kept as a match (at most ten a child, the best scores first: a tie at the
tenth may leave one out). The floor is the service's candidate query alone (`mash.services.matching.candidates`:
index look-ups and fetching rows, no scoring), timed in the same run. Prints a table per size and the curve across
sizes, and writes benchmarks/results/matching_db.json.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from _common import environment_report, load_average, print_table, write_results
from matching_score import FIRST_NAMES, SURNAMES
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, selectinload

from mash import migrations
from mash.db import make_engine, make_session_factory
from mash.matching import stored_keys
from mash.models import Child, ChildMatch, Contact
from mash.services import matching

DATABASE = "mash_bench_matching"
SEED = 1_000_000
EARLIEST = date(2008, 12, 1)
DAYS = 18 * 365
SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (10_000, 100_000)
WARM_UP_PROBES = 10
SHORT_FORMS = {
    "Alfred": "Alfie",
    "Alexander": "Alex",
    "Alexandra": "Lexi",
    "Robert": "Bobby",
    "Elizabeth": "Liz",
    "William": "Billy",
    "Katherine": "Kate",
    "Samuel": "Sam",
    "Thomas": "Tom",
    "Edward": "Teddy",
    "Frederick": "Freddie",
    "Madison": "Maddie",
}


@dataclass(frozen=True)
class Known:
    """A known child that a probe refers again."""

    id: str
    first_name: str
    last_name: str
    born: date


@dataclass(frozen=True)
class Probe:
    """A child on a probe contact: a stranger (`known` None) or a known child typed with one error."""

    first_name: str
    last_name: str
    born: date
    known: Known | None
    error: str


def _url(base: str) -> str:
    return make_url(base).set(database=DATABASE).render_as_string(hide_password=False)


def _drop_and_create(base: str, *, create: bool) -> None:
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        if create:
            conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()


def _load(url: str, children: int, referred_again: int) -> tuple[float, list[Known]]:
    rng = random.Random(SEED)
    engine = make_engine(url)
    started = time.perf_counter()
    user_id = str(uuid.uuid4())
    received = datetime(2026, 1, 1, tzinfo=UTC).isoformat()
    every = max(1, children // max(1, referred_again))
    sample: list[Known] = []
    contacts = io.StringIO()
    kids = io.StringIO()
    keys = io.StringIO()
    for n in range(children // 4):
        contact_id = str(uuid.uuid4())
        contacts.write(
            f"{contact_id}\tMASH-2025-{n:07d}\tclosed\tBench\t{user_id}\tpolice\t6\t"
            f'f\tgiven\t["neglect"]\t[]\tsynthetic\t{received}\t{received}\n'
        )
        surname = rng.choice(SURNAMES)
        for position in range(4):
            first = rng.choice(FIRST_NAMES)
            born = EARLIEST + timedelta(days=rng.randrange(DAYS))
            child_id = str(uuid.uuid4())
            kids.write(f"{child_id}\t{contact_id}\t{position}\t{first}\t{surname}\t{born.isoformat()}\tunknown\n")
            keys.writelines(f"{key}\t{child_id}\n" for key in stored_keys(first, surname, born, None))
            if (4 * n + position) % every == 0 and len(sample) < referred_again:
                sample.append(Known(child_id, first, surname, born))
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
                "COPY children (id, contact_id, position, first_name, last_name, date_of_birth, gender) FROM STDIN"
            ) as copy:
                copy.write(kids.getvalue())
            with cur.copy("COPY child_keys (key, child_id) FROM STDIN") as copy:
                copy.write(keys.getvalue())
            cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    engine.dispose()
    return time.perf_counter() - started, sample


def _typo(word: str, rng: random.Random) -> str:
    position = rng.randrange(1, len(word))
    return word[:position] + rng.choice("aeiourstnl") + word[position + 1 :]


def _digit_wrong(born: date) -> date:
    if born.day == 30:
        return born.replace(day=20)
    return born.replace(day=born.day - 1 if born.day % 10 >= 2 or born.day == 31 else born.day + 1)


def _again(known: Known, n: int, rng: random.Random) -> Probe:
    errors: list[tuple[str, Callable[[], tuple[str, str, date]]]] = [
        ("a typo in the first name", lambda: (_typo(known.first_name, rng), known.last_name, known.born)),
        (
            "a short form of the first name",
            lambda: (SHORT_FORMS.get(known.first_name, known.first_name), known.last_name, known.born),
        ),
        (
            "day and month swapped",
            lambda: (
                (known.first_name, known.last_name, known.born.replace(month=known.born.day, day=known.born.month))
                if known.born.day <= 12
                else (known.first_name, known.last_name, _digit_wrong(known.born))
            ),
        ),
        ("a digit of the date wrong", lambda: (known.first_name, known.last_name, _digit_wrong(known.born))),
        ("a second surname", lambda: (known.first_name, f"{known.last_name}-{rng.choice(SURNAMES)}", known.born)),
        ("another surname", lambda: (known.first_name, rng.choice(SURNAMES), known.born)),
    ]
    error, make = errors[n % len(errors)]
    first, last, born = make()
    return Probe(first, last, born, known, error)


def _probes(count: int, sample: list[Known]) -> list[Probe]:
    rng = random.Random(SEED + 1)
    probes = []
    for n in range(count):
        if n % 2 and sample:
            probes.append(_again(sample[(n // 2) % len(sample)], n // 2, rng))
        else:
            born = EARLIEST + timedelta(days=rng.randrange(DAYS))
            probes.append(Probe(rng.choice(FIRST_NAMES), rng.choice(SURNAMES), born, None, "stranger"))
    return probes


def _post_probes(url: str, probes: list[Probe]) -> list[str]:
    engine = make_engine(url)
    factory = make_session_factory(engine)
    ids: list[str] = []
    with factory() as session, session.begin():
        user_id = session.execute(text("SELECT id FROM users LIMIT 1")).scalar_one()
        for n, probe in enumerate(probes):
            now = datetime.now(UTC)
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
                received_at=now,
                acknowledged_at=now,
            )
            contact.children.append(
                Child(position=0, first_name=probe.first_name, last_name=probe.last_name, date_of_birth=probe.born)
            )
            session.add(contact)
            session.flush()
            ids.append(contact.id)
    engine.dispose()
    return ids


def _found(session: Session, child: Child, probe: Probe) -> bool:
    assert probe.known is not None
    match = select(ChildMatch.id).where(ChildMatch.child_id == child.id, ChildMatch.known_child_id == probe.known.id)
    return session.execute(match).first() is not None


def _time_matching(url: str, contact_ids: list[str], probes: list[Probe]) -> dict[str, list[float]]:
    engine = make_engine(url)
    factory = make_session_factory(engine)
    times: dict[str, list[float]] = {"floor_ms": [], "ours_ms": [], "candidates": [], "in_block": [], "found": []}
    for contact_id, probe in zip(contact_ids, probes, strict=True):
        with factory() as session, session.begin():
            contact = session.execute(
                select(Contact).where(Contact.id == contact_id).options(selectinload(Contact.children))
            ).scalar_one()
            child = contact.children[0]
            started = time.perf_counter()
            rows = matching.candidates(session, contact, child)
            times["floor_ms"].append((time.perf_counter() - started) * 1000)
            times["candidates"].append(len(rows))
            if probe.known is not None:
                times["in_block"].append(float(probe.known.id in {row.id for row in rows}))
            session.expunge_all()
            contact = session.execute(
                select(Contact).where(Contact.id == contact_id).options(selectinload(Contact.children))
            ).scalar_one()
            started = time.perf_counter()
            matching.suggest_matches(session, contact)
            session.flush()
            times["ours_ms"].append((time.perf_counter() - started) * 1000)
            if probe.known is not None:
                times["found"].append(float(_found(session, contact.children[0], probe)))
            session.rollback()
    engine.dispose()
    return times


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _run(base: str, children: int, probe_count: int, keep: bool, warm: bool) -> dict[str, object]:
    _drop_and_create(base, create=True)
    url = _url(base)
    try:
        migrations.upgrade(url)
        load_seconds, sample = _load(url, children, probe_count // 2)
        probes = _probes(probe_count + WARM_UP_PROBES, sample)
        contact_ids = _post_probes(url, probes)
        warming = slice(None) if warm else slice(WARM_UP_PROBES)
        _time_matching(url, contact_ids[warming], probes[warming])
        times = _time_matching(url, contact_ids[WARM_UP_PROBES:], probes[WARM_UP_PROBES:])
    finally:
        if not keep:
            _drop_and_create(base, create=False)
    return {
        "children": children,
        "load_seconds": round(load_seconds, 1),
        "candidates_median": statistics.median(times["candidates"]),
        "candidates_p95": _percentile(times["candidates"], 0.95),
        "candidates_max": max(times["candidates"]),
        "in_block": int(sum(times["in_block"])),
        "found": int(sum(times["found"])),
        "referred_again": len(times["found"]),
        **{f"floor_{name}": round(_percentile(times["floor_ms"], q), 2) for name, q in PERCENTILES},
        **{f"ours_{name}": round(_percentile(times["ours_ms"], q), 2) for name, q in PERCENTILES},
        "ours_max": round(max(times["ours_ms"]), 2),
    }


PERCENTILES = (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))
COLUMNS = [
    ("children", "known children"),
    ("candidates_median", "block median"),
    ("candidates_p95", "block p95"),
    ("floor_p50", "floor p50 ms"),
    ("floor_p99", "floor p99 ms"),
    ("ours_p50", "ours p50 ms"),
    ("ours_p95", "ours p95 ms"),
    ("ours_p99", "ours p99 ms"),
    ("in_block", "in block"),
    ("found", "found again"),
    ("referred_again", "of"),
]


def main() -> None:
    """Load the children at each size, time the probes, print the curve and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--quick", action="store_true", help="10 thousand and 100 thousand known children")
    parser.add_argument("--probes", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="keep the last benchmark database afterwards")
    parser.add_argument(
        "--warm",
        action="store_true",
        help="run every probe once before the timed pass, as a service that has been running a while would have",
    )
    args = parser.parse_args()
    base = os.environ.get("MASH_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    load_before = load_average()
    sizes = list(QUICK_SIZES) if args.quick else args.children
    rows = []
    for children in sizes:
        row = _run(base, children, args.probes, args.keep, args.warm)
        print(
            f"known children {children:,}: loaded in {row['load_seconds']} s; blocks median "
            f"{row['candidates_median']:.0f}, p95 {row['candidates_p95']}, max {row['candidates_max']}",
            flush=True,
        )
        rows.append(row)
    print(f"probes: {args.probes} per size (half strangers, half known children typed with one error)")
    print_table(rows, COLUMNS)
    report = {**environment_report(sys.argv, load_before), "probes": args.probes, "warm": args.warm, "sizes": rows}
    write_results("matching_db", report)


if __name__ == "__main__":
    main()
