"""A year at Lambeth's volume: each Annex A list has its columns, one row per child, passes liia-tools' cleaning,
and says what the generated truth says, worked out here without the database."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mash.services.reports.synthetic import Generated, SyntheticContact, generate
from mash.services.users import create_user
from mash.settings import Settings
from tests.conftest import clean_app
from tests.reports.liia import cleaning_errors, columns

LONDON = ZoneInfo("Europe/London")
FIRST, LAST = date(2025, 4, 1), date(2026, 3, 31)  # the generated year, as an Annex A year runs
GENDERS = {"male": "a) Male", "female": "b) Female", "other": "d) Neither", "unknown": "c) Not stated/recorded"}
REFERRALS = {"assessment", "strategy_discussion", "immediate_protection"}
Expected = Counter[tuple[str, ...]]


@pytest.fixture(scope="module")
def year(database_url: str) -> Iterator[tuple[Flask, Generated, dict[str, str]]]:
    """A generated year from April 2025 at 1,200 contacts a month, and a manager's headers."""
    settings = Settings(database_url=database_url, redis_url=None, secret_key="test", log_level="WARNING")
    with clean_app(settings) as app:
        session = app.extensions["mash.sessionmaker"]()
        generated = generate(session, date(2025, 4, 1), months=12, per_month=1200)
        _, token = create_user(session, "Manager", "manager", None, None)
        session.close()
        yield app, generated, {"Authorization": f"Bearer {token}"}


def local(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def age(born: date | None, on: date) -> str:
    if born is None:
        return ""
    return str(on.year - born.year - ((on.month, on.day) < (born.month, born.day)))


def day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def source(code: str) -> str:
    return "5B" if code == "5D" else code


def category_code(value: str) -> str:
    """'q) 6: Police' -> '6'; 'a) WBRI' -> 'WBRI'."""
    return value.split(") ", 1)[1].split(":", 1)[0]


def fetch(client: FlaskClient, headers: dict[str, str], name: str) -> tuple[list[str], list[list[str]]]:
    response = client.get(f"/api/v1/reports/annex-a/{name}?from={FIRST}&to={LAST}", headers=headers)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    return rows[0], rows[1:]


def reduced(row: list[str]) -> tuple[str, ...]:
    """A row with its categories reduced to our codes, to compare with the truth."""
    return (row[0], row[1], category_code(row[2]), *row[3:5])


def person_columns(child_record: str, generated_child: object, on: date) -> tuple[str, ...]:
    person = generated_child.person  # type: ignore[attr-defined]
    ethnicity = person.ethnicity or "NOBT"
    return (person.records[0], GENDERS[person.gender], ethnicity, day(person.born), age(person.born, on))


def decided_in_period(contacts: list[SyntheticContact]) -> Iterator[tuple[SyntheticContact, date]]:
    for made in contacts:
        if made.decided_at is not None and FIRST <= local(made.decided_at) <= LAST:
            yield made, local(made.decided_at)


def test_list_1_contacts(year: tuple[Flask, Generated, dict[str, str]]) -> None:
    app, generated, manager = year
    header, rows = fetch(app.test_client(), manager, "contacts")
    assert header == columns("contacts")
    assert cleaning_errors("contacts", header, rows) == []
    expected: Expected = Counter()
    for made in generated.contacts:
        on = local(made.received_at)
        if FIRST <= on <= LAST:
            for child in made.children:
                expected[(*person_columns(child.record_id, child, on), day(on), source(made.source_code))] += 1
    got = Counter((*reduced(row), row[5], category_code(row[6])) for row in rows)
    assert got == expected
    assert len(rows) > 12 * 1200
    repeats = Counter(row[0] for row in rows)
    assert max(repeats.values()) >= 3


def test_list_2_early_help(year: tuple[Flask, Generated, dict[str, str]]) -> None:
    app, generated, manager = year
    header, rows = fetch(app.test_client(), manager, "early-help")
    assert header == columns("early-help")
    assert cleaning_errors("early-help", header, rows) == []
    expected: Expected = Counter()
    for made, on in decided_in_period(generated.contacts):
        for child in made.children:
            if child.outcome == "early_help":
                organisation = made.team or "Local authority early help"
                expected[(*person_columns(child.record_id, child, on), day(on), "", organisation)] += 1
    assert Counter((*reduced(row), *row[5:]) for row in rows) == expected
    assert len(rows) > 2000


def test_list_3_referrals(year: tuple[Flask, Generated, dict[str, str]]) -> None:
    app, generated, manager = year
    header, rows = fetch(app.test_client(), manager, "referrals")
    assert header == columns("referrals")
    assert cleaning_errors("referrals", header, rows) == []
    # "Referrals in the last 12 months" counts this referral and the child's earlier ones: a referral made later the
    # same day (the same child on two contacts decided hours apart) is not yet one of them.
    referred_at: dict[str, list[datetime]] = {}
    for made in generated.contacts:
        for child in made.children:
            if made.decided_at is not None and child.outcome in REFERRALS:
                referred_at.setdefault(child.person.records[0], []).append(made.decided_at)
    expected: Expected = Counter()
    for made, on in decided_in_period(generated.contacts):
        for child in made.children:
            if child.outcome in REFERRALS:
                earlier = [at for at in referred_at[child.person.records[0]] if at <= made.decided_at]
                within = sum(1 for at in earlier if local(at) > on.replace(year=on.year - 1))
                team = made.team or "Not yet allocated"
                expected[
                    (
                        *person_columns(child.record_id, child, on),
                        day(on),
                        source(made.source_code),
                        "b) No",
                        str(within),
                        team,
                        "Not yet allocated",
                    )
                ] += 1
    got = Counter((*reduced(row), row[5], category_code(row[6]), *row[7:]) for row in rows)
    assert got == expected
    assert max(int(row[8]) for row in rows) >= 2


def test_the_command_writes_the_same_file(year: tuple[Flask, Generated, dict[str, str]], tmp_path: Path) -> None:
    app, _, manager = year
    settings: Settings = app.config["MASH_SETTINGS"]
    out = tmp_path / "referrals.csv"
    env = {**os.environ, "DATABASE_URL": settings.database_url, "MASH_LOG_LEVEL": "WARNING"}
    env.pop("REDIS_URL", None)
    mash = str(Path(sys.executable).with_name("mash"))
    args = [mash, "reports", "annex-a", "referrals", "--from", str(FIRST), "--to", str(LAST), "--out", str(out)]
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    response = app.test_client().get(f"/api/v1/reports/annex-a/referrals?from={FIRST}&to={LAST}", headers=manager)
    assert out.read_bytes() == response.get_data()
    assert done.stdout.strip().startswith(f"wrote {response.get_data(as_text=True).count(chr(10)) - 1} rows")


def test_moments_in_the_period_are_read_as_england_days() -> None:
    assert local(datetime(2025, 3, 31, 23, 30, tzinfo=UTC)) == FIRST
