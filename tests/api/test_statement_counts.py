"""How many statements and transactions a request costs, so that the hot paths cannot creep back (the issue's
benchmarks measure the time; these count the work). Counted up to the answer, before any job runs after it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask, request_finished
from flask.testing import FlaskClient
from sqlalchemy import event

from tests.api.helpers import GREEN, URL, child, contact, post_contact


@dataclass
class Counter:
    statements: list[str] = field(default_factory=list)
    transactions: int = 0

    def clear(self) -> None:
        self.statements.clear()
        self.transactions = 0


@pytest.fixture
def counted(app: Flask) -> Iterator[Counter]:
    """Count the statements (BEGIN and COMMIT left out) and the transactions the app's engine runs."""
    engine = app.extensions["mash.engine"]
    counter = Counter()

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        if not sql.lstrip().upper().startswith(("BEGIN", "COMMIT")):
            counter.statements.append(sql.split(None, 3)[:3][-1] if sql.startswith("SELECT") else sql[:40])

    def begin(_conn: Any) -> None:
        counter.transactions += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "begin", begin)
    yield counter
    event.remove(engine, "before_cursor_execute", statement)
    event.remove(engine, "begin", begin)


def _cost(
    app: Flask, client: FlaskClient, counter: Counter, method: str, url: str, headers: dict[str, str], body: Any = None
) -> tuple[int, Counter]:
    """Send one request; return its status and what it cost up to its answer (the jobs it starts run after that)."""
    answered = Counter()

    def snapshot(_sender: Flask, **_extra: Any) -> None:
        answered.statements, answered.transactions = list(counter.statements), counter.transactions

    counter.clear()
    data = json.dumps(body) if body is not None else None
    with request_finished.connected_to(snapshot, app):
        response = client.open(url, method=method, data=data, headers=headers, content_type="application/json")
    return response.status_code, answered


def _chain_lock(app: Flask) -> int:
    """PostgreSQL takes the audit chain's lock with a statement of its own; SQLite's write lock needs none."""
    return 1 if app.extensions["mash.engine"].dialect.name == "postgresql" else 0


def _warm(client: FlaskClient, *headers: dict[str, str]) -> None:
    """Use each token once, so that the once-a-minute note of its last use is not in the count."""
    for each in headers:
        client.get(URL, headers=each)


def test_a_post_is_one_read_and_one_write(
    app: Flask, client: FlaskClient, partner: dict[str, str], counted: Counter
) -> None:
    _warm(client, partner)
    status, cost = _cost(app, client, counted, "POST", URL, partner, contact("COUNT-1", **GREEN))
    assert status == 201
    # the caller's token; then in one transaction the reference, the contact, its adult, child, the child's
    # blocking keys and referrer, the outbox item, and the audit event after the chain's tail (a duplicate is
    # refused by the contact's unique duplicate key, with no read before it)
    assert cost.transactions == 2, cost.statements
    assert len(cost.statements) <= 10 + _chain_lock(app), cost.statements


def test_a_post_with_an_idempotency_key_adds_only_the_key(
    app: Flask, client: FlaskClient, partner: dict[str, str], counted: Counter
) -> None:
    _warm(client, partner)
    status, cost = _cost(
        app, client, counted, "POST", URL, {**partner, "Idempotency-Key": "count-2"}, contact("COUNT-2", **GREEN)
    )
    assert status == 201
    assert cost.transactions == 3, cost.statements
    assert len(cost.statements) <= 12 + _chain_lock(app), cost.statements


def test_the_staff_view_is_read_in_one_transaction_with_its_audit(
    app: Flask, client: FlaskClient, partner: dict[str, str], screener: dict[str, str], counted: Counter
) -> None:
    kids = [child("Ava", "Stone", "2016-03-01"), child("Ben", "Stone", "2018-07-09")]
    earlier = post_contact(client, partner, contact("COUNT-3", **GREEN, children=kids))
    contact_id = post_contact(client, partner, contact("COUNT-4", **GREEN, children=kids))
    _warm(client, partner, screener)
    status, cost = _cost(app, client, counted, "GET", f"{URL}/{contact_id}", screener)
    assert status == 200
    assert cost.transactions == 2, cost.statements
    assert len(cost.statements) <= 16 + _chain_lock(app), cost.statements
    assert earlier != contact_id


def test_the_partner_view_reads_no_more_than_it_shows(
    app: Flask, client: FlaskClient, partner: dict[str, str], counted: Counter
) -> None:
    contact_id = post_contact(client, partner, contact("COUNT-5", **GREEN))
    _warm(client, partner)
    status, cost = _cost(app, client, counted, "GET", f"{URL}/{contact_id}", partner)
    assert status == 200
    assert cost.transactions <= 3, cost.statements
    assert len(cost.statements) <= 8 + _chain_lock(app), cost.statements


def test_a_screening_job_reads_the_contact_once(
    app: Flask, client: FlaskClient, partner: dict[str, str], counted: Counter
) -> None:
    _warm(client, partner)
    status, answered = _cost(app, client, counted, "POST", URL, partner, contact("COUNT-6", **GREEN))
    assert status == 201
    job = counted.statements[len(answered.statements) :]
    postgresql = app.extensions["mash.engine"].dialect.name == "postgresql"
    # the contact with its children, adults and added information; matching; the stored suggestions and the new
    # ones; the contact's history; the team; the outbox item, the status, the recommendation, the checks and the
    # audit event after the chain's tail; then the relay's note that the job was handed on. SQLite first reads the
    # words in a transaction of their own, outside its one write lock.
    assert counted.transactions - answered.transactions == (2 if postgresql else 3), job
    assert len(job) <= 17 + _chain_lock(app) + (0 if postgresql else 2), job
    assert sum("contact_information" in statement for statement in job) == (1 if postgresql else 2), job
