"""The tamper-evident audit trail: a hash chain `mash audit verify` checks, append-only on PostgreSQL."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from mash import migrations
from mash.services import audit
from mash.services.contacts import lock_contact
from mash.settings import Settings
from tests.api.helpers import GREEN, contact, post_contact
from tests.cli import mash_on
from tests.conftest import postgres_base_url


@pytest.fixture
def audited(client: FlaskClient, app: Flask, partner: dict[str, str], screener: dict[str, str]) -> list[str]:
    """A few audit events, returned as their ids in chain order."""
    contact_id = post_contact(client, partner, contact("CHAIN-1", **GREEN))
    for _ in range(3):
        assert client.get(f"/api/v1/contacts/{contact_id}", headers=screener).status_code == 200
    with app.extensions["mash.engine"].connect() as conn:
        return list(conn.execute(text("SELECT id FROM audit_events ORDER BY seq")).scalars())


def _tamper(app: Flask, statement: str, **params: str) -> None:
    """Change the table as someone with the database owner's rights would, around the append-only triggers."""
    engine = app.extensions["mash.engine"]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
        conn.execute(text(statement), params)
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))


def test_an_untouched_chain_verifies(app: Flask, settings: Settings, audited: list[str]) -> None:
    done = mash_on(settings, "audit", "verify")
    assert done.returncode == 0, done.stderr
    assert f"audit chain intact: {len(audited)} events" in done.stdout


def test_an_edited_event_is_named(app: Flask, settings: Settings, audited: list[str]) -> None:
    _tamper(app, "UPDATE audit_events SET role = 'manager' WHERE id = :id", id=audited[2])
    done = mash_on(settings, "audit", "verify")
    assert done.returncode == 1
    assert f"broken at event 3 (id {audited[2]}): its fields were changed" in done.stderr


def test_a_back_dated_event_is_named(app: Flask, settings: Settings, audited: list[str]) -> None:
    _tamper(app, "UPDATE audit_events SET at = '2020-01-01 00:00:00' WHERE id = :id", id=audited[1])
    done = mash_on(settings, "audit", "verify")
    assert done.returncode == 1
    assert f"broken at event 2 (id {audited[1]})" in done.stderr


def test_a_deleted_event_is_named(app: Flask, settings: Settings, audited: list[str]) -> None:
    _tamper(app, "DELETE FROM audit_events WHERE id = :id", id=audited[1])
    done = mash_on(settings, "audit", "verify")
    assert done.returncode == 1
    assert f"broken at event 3 (id {audited[2]}): events 2 to 2 are missing (deleted)" in done.stderr


def test_a_rehashed_edit_still_breaks_the_next_link(app: Flask, settings: Settings, audited: list[str]) -> None:
    _tamper(app, "UPDATE audit_events SET hash = 'x' || substr(hash, 2) WHERE id = :id", id=audited[1])
    done = mash_on(settings, "audit", "verify")
    assert done.returncode == 1
    assert f"broken at event 2 (id {audited[1]})" in done.stderr


@pytest.mark.skipif(postgres_base_url() is None, reason="the append-only triggers are PostgreSQL's")
@pytest.mark.parametrize("statement", ["UPDATE audit_events SET role = 'manager'", "DELETE FROM audit_events"])
def test_postgresql_refuses_update_and_delete(app: Flask, audited: list[str], statement: str) -> None:
    with pytest.raises(DBAPIError, match="append-only"), app.extensions["mash.engine"].begin() as conn:
        conn.execute(text(statement))
    with app.extensions["mash.engine"].connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM audit_events WHERE role = 'screener'")).scalar_one() == 3


def test_events_written_before_the_chain_are_chained_by_the_migration(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'before.sqlite3'}"
    migrations.upgrade(url, "0009")
    engine = create_engine(url)
    with engine.begin() as conn:
        for n, at in enumerate(["2026-11-02 10:00:00.000000", "2026-11-01 09:00:00.500000", "2026-11-03 08:00:00"]):
            conn.execute(
                text(
                    "INSERT INTO audit_events (id, at, user_id, role, action, contact_id, request_id, detail) "
                    "VALUES (:id, :at, NULL, 'screener', 'contact.read', 'c', NULL, :detail)"
                ),
                {"id": f"event-{n}", "at": at, "detail": '{"b": 1, "a": "x"}' if n else None},
            )
    migrations.upgrade(url)
    with engine.connect() as conn:
        order = list(conn.execute(text("SELECT id FROM audit_events ORDER BY seq")).scalars())
    engine.dispose()
    assert order == ["event-1", "event-0", "event-2"]
    done = mash_on(Settings(database_url=url), "audit", "verify")
    assert done.returncode == 0, done.stderr
    assert "audit chain intact: 3 events" in done.stdout


@pytest.mark.skipif(postgres_base_url() is None, reason="row and advisory locks are PostgreSQL's")
def test_a_transaction_holds_the_chain_only_while_it_commits(
    client: FlaskClient, app: Flask, settings: Settings, partner: dict[str, str], screener: dict[str, str]
) -> None:
    """A screening job that holds a contact and has recorded its audit event does not stop a screener asking for
    checks on the same contact: the request's rows and its own audit event go in while the job is still open (this
    deadlocked when each event took the chain's lock as it was recorded)."""
    contact_id = post_contact(client, partner, contact("CHAIN-LOCK", **GREEN))
    job = app.extensions["mash.sessionmaker"]()
    job.begin()
    assert lock_contact(job, contact_id) is not None
    audit.record(job, None, "contact.rescreened", [contact_id])
    answers: list[int] = []
    body = {"agencies": ["police"], "purpose": "Decide next steps", "legal_basis": "DPA 2018 Sch 1 para 18"}

    def ask() -> None:
        response = client.post(
            f"/api/v1/contacts/{contact_id}/checks",
            data=json.dumps(body),
            headers=screener,
            content_type="application/json",
        )
        answers.append(response.status_code)

    asking = threading.Thread(target=ask)
    asking.start()
    asking.join(timeout=15)
    finished_while_open = not asking.is_alive()
    job.commit()
    job.close()
    asking.join()
    assert finished_while_open, "the request waited for the open job"
    assert answers == [202]
    done = mash_on(settings, "audit", "verify")
    assert done.returncode == 0, done.stderr
