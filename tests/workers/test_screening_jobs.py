"""Screening on real Redis and real `mash worker` processes, with faults injected: every contact screened once."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from rq import Queue
from rq.job import Job
from rq.serializers import JSONSerializer
from sqlalchemy import Connection, text

from mash.jobs.registry import QUEUES
from mash.screening.rulebook import DEFAULT_RULEBOOK
from mash.services import screening
from mash.settings import Settings
from tests.conftest import count_rows
from tests.workers.conftest import wait_for, worker_env

URL = "/api/v1/contacts"


def submit(client: FlaskClient, headers: dict[str, str], body: dict[str, Any], ref: str = "CAD 1") -> str:
    body["referrer"]["external_reference"] = ref
    response = client.post(URL, data=json.dumps(body), headers=headers, content_type="application/json")
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def status_of(app: Flask, contact_id: str) -> str:
    with app.extensions["mash.engine"].connect() as conn:
        return str(conn.execute(text("SELECT status FROM contacts WHERE id = :id"), {"id": contact_id}).scalar_one())


def screenings(app: Flask, contact_id: str) -> tuple[int, int]:
    """Count a contact's recommendations and the times it was screened."""
    with app.extensions["mash.engine"].connect() as conn:
        recs = conn.execute(
            text("SELECT COUNT(*) FROM recommendations WHERE contact_id = :id"), {"id": contact_id}
        ).scalar_one()
        runs = conn.execute(
            text("SELECT COUNT(*) FROM audit_events WHERE contact_id = :id AND action = 'contact.screened'"),
            {"id": contact_id},
        ).scalar_one()
    return int(recs), int(runs)


def test_worker_screens_a_posted_contact(
    make_redis_app, redis_url, settings: Settings, start_worker, partner_factory, screener_factory, body
) -> None:
    app = make_redis_app(redis_url)
    client = app.test_client()
    contact_id = submit(client, partner_factory(app), body)
    start_worker(worker_env(settings, redis_url))
    wait_for(lambda: status_of(app, contact_id) == "awaiting_decision", what="screening by the worker")
    staff = client.get(f"{URL}/{contact_id}", headers=screener_factory(app)).get_json()
    recommendation = staff["recommendation"]
    assert recommendation["outcome"] == "strategy_discussion"
    assert recommendation["rag"] == "red"
    assert recommendation["level"] == 4
    assert recommendation["reasons"][0]["rule"]
    assert recommendation["decision_due_by"] > staff["received_at"]
    assert screenings(app, contact_id) == (1, 1)


def test_redis_down_during_intake_then_screened_once_it_is_back(
    make_redis_app, redis_server, settings: Settings, start_worker, partner_factory, body
) -> None:
    app = make_redis_app(redis_server.url)
    client = app.test_client()
    headers = partner_factory(app)
    start_worker(worker_env(settings, redis_server.url))
    redis_server.stop()
    contact_id = submit(client, headers, body)
    assert status_of(app, contact_id) == "received"
    redis_server.start()
    wait_for(lambda: status_of(app, contact_id) == "awaiting_decision", what="screening after Redis returned")
    assert screenings(app, contact_id) == (1, 1)


def hold(conn: Connection, contact_id: str) -> None:
    """Hold a contact's row as a screening job holds it (on SQLite, the database's write lock with it) until `conn`
    rolls back."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("BEGIN"))
        conn.execute(text("SELECT id FROM contacts WHERE id = :id FOR UPDATE"), {"id": contact_id})
    else:
        conn.exec_driver_sql("UPDATE contacts SET status = status WHERE id = ?", (contact_id,))


def test_worker_killed_mid_job_is_screened_once(
    make_redis_app, redis_url, settings: Settings, start_worker, partner_factory, body, tmp_path: Path
) -> None:
    app = make_redis_app(redis_url)
    client = app.test_client()
    contact_id = submit(client, partner_factory(app), body)
    engine = app.extensions["mash.engine"]
    holding = threading.Event()
    release = threading.Event()

    def hold_the_contact() -> None:
        with engine.connect() as conn:
            hold(conn, contact_id)
            holding.set()
            release.wait(120)
            conn.rollback()

    holder = threading.Thread(target=hold_the_contact)
    holder.start()
    holding.wait(10)
    first = start_worker(worker_env(settings, redis_url))
    wait_for(lambda: _job_started(redis_url, contact_id), what="the worker to start the job")
    first.kill()
    release.set()
    holder.join(10)
    assert status_of(app, contact_id) == "received"
    start_worker(worker_env(settings, redis_url))
    wait_for(lambda: status_of(app, contact_id) == "awaiting_decision", what="screening after the kill")
    assert screenings(app, contact_id) == (1, 1)


def _job_started(redis_url: str, contact_id: str) -> bool:
    from redis import Redis
    from rq.job import Job, JobStatus
    from rq.serializers import JSONSerializer

    try:
        job = Job.fetch(f"screen_contact-{contact_id}", connection=Redis.from_url(redis_url), serializer=JSONSerializer)
    except Exception:
        return False
    return job.get_status() == JobStatus.STARTED


def test_job_that_fails_three_times_then_succeeds(
    make_redis_app, redis_url, settings: Settings, start_worker, partner_factory, body, tmp_path: Path
) -> None:
    broken = tmp_path / "rulebook.yaml"
    broken.write_text("version: [unclosed\n")
    app = make_redis_app(redis_url)
    client = app.test_client()
    contact_id = submit(client, partner_factory(app), body)
    start_worker(worker_env(settings, redis_url, MASH_RULEBOOK=str(broken)))
    wait_for(lambda: _retries_left(redis_url, contact_id) == 0, what="three failed attempts")
    assert status_of(app, contact_id) == "received"
    broken.write_text(DEFAULT_RULEBOOK.read_text())
    wait_for(lambda: status_of(app, contact_id) == "awaiting_decision", what="the fourth attempt")
    assert screenings(app, contact_id) == (1, 1)


def _retries_left(redis_url: str, contact_id: str) -> int | None:
    from redis import Redis
    from rq.job import Job
    from rq.serializers import JSONSerializer

    try:
        job = Job.fetch(f"screen_contact-{contact_id}", connection=Redis.from_url(redis_url), serializer=JSONSerializer)
    except Exception:
        return None
    return job.retries_left


def test_job_that_keeps_failing_leaves_the_contact_screening_failed(
    make_redis_app, redis_url, settings: Settings, start_worker, partner_factory, manager_factory, body, tmp_path
) -> None:
    broken = tmp_path / "rulebook.yaml"
    broken.write_text("rules: {\n")
    app = make_redis_app(redis_url)
    client = app.test_client()
    contact_id = submit(client, partner_factory(app), body)
    start_worker(worker_env(settings, redis_url, MASH_RULEBOOK=str(broken)))
    wait_for(lambda: status_of(app, contact_id) == "screening_failed", what="the final failure")
    ready = client.get("/readyz").get_json()
    assert ready["detail"]["screening_failed"] == 1
    metrics = client.get("/metrics", headers=manager_factory(app)).get_data(as_text=True)
    assert "mash_screening_failed 1.0" in metrics


def test_duplicate_enqueue_screens_once(
    make_redis_app, redis_url, settings: Settings, start_worker, partner_factory, body
) -> None:
    app = make_redis_app(redis_url)
    client = app.test_client()
    contact_id = submit(client, partner_factory(app), body)
    queue = Queue("screening", connection=Redis.from_url(redis_url), serializer=JSONSerializer)
    queue.enqueue("workers.screening.screen_contact", contact_id, job_id="duplicate-1")
    queue.enqueue("workers.screening.screen_contact", contact_id, job_id="duplicate-2")
    start_worker(worker_env(settings, redis_url))
    wait_for(lambda: status_of(app, contact_id) == "awaiting_decision", what="screening")
    # A job leaves the queue a moment before it enters the started registry: wait for both to finish.
    wait_for(
        lambda: all(
            Job.fetch(job, connection=queue.connection, serializer=JSONSerializer).is_finished
            for job in ("duplicate-1", "duplicate-2")
        ),
        what="both jobs to run",
    )
    assert screenings(app, contact_id) == (1, 1)


def test_the_workers_rehearsal_screens_nothing_stores_nothing_and_queues_nothing(
    make_redis_app, redis_url, partner_factory, body
) -> None:
    app = make_redis_app(redis_url)
    settings = app.config["MASH_SETTINGS"]
    factory = app.extensions["mash.sessionmaker"]
    assert screening.rehearse(factory, settings) is False  # nothing stored to rehearse on
    contact_id = submit(app.test_client(), partner_factory(app), body)
    tables = ("contacts", "recommendations", "suggestions", "audit_events", "outbox", "information_sharing")
    queues = [Queue(name, connection=Redis.from_url(redis_url), serializer=JSONSerializer) for name in QUEUES]
    before, queued = count_rows(app, *tables), [queue.get_job_ids() for queue in queues]
    assert screening.rehearse(factory, settings) is True
    assert status_of(app, contact_id) == "received"
    assert count_rows(app, *tables) == before
    assert [queue.get_job_ids() for queue in queues] == queued


def test_the_workers_rehearsal_waits_for_nobody(make_redis_app, redis_url, partner_factory, body) -> None:
    app = make_redis_app(redis_url)
    factory = app.extensions["mash.sessionmaker"]
    contact_id = submit(app.test_client(), partner_factory(app), body)
    engine = app.extensions["mash.engine"]
    with engine.connect() as holder:
        hold(holder, contact_id)
        started = time.monotonic()
        assert screening.rehearse(factory, app.config["MASH_SETTINGS"]) is False
        waited = time.monotonic() - started
        holder.rollback()
    assert waited < 9, waited  # SQLite's busy timeout is 10 s: the rehearsal gave up at once instead
    assert screening.rehearse(factory, app.config["MASH_SETTINGS"]) is True
