"""MASH checks on real Redis and a real `mash worker` process, against the partner simulator failing in turn."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from mash.settings import Settings
from tests.conftest import EXAMPLE_BODY
from tests.factories import AMIRA
from tests.partners import TOKEN, Simulator, answered_by
from tests.workers.conftest import wait_for, worker_env

CONTACTS = "/api/v1/contacts"


@pytest.fixture
def settings(settings: Settings, simulator: Simulator) -> Settings:
    """Every partner agency configured, so that the web side queues checks for the worker."""
    return answered_by(settings, simulator, partner_timeout_seconds=1.0)


def checks_env(settings: Settings, redis_url: str, simulator: Simulator, **extra: str) -> dict[str, str]:
    """The worker's environment: the test's database and Redis, and every partner answering from the simulator."""
    partners: dict[str, str] = {}
    for agency in ("POLICE", "HEALTH", "EDUCATION"):
        partners[f"MASH_{agency}_URL"] = simulator.url
        partners[f"MASH_{agency}_TOKEN"] = TOKEN
    return worker_env(settings, redis_url, MASH_PARTNER_TIMEOUT_SECONDS="1", **partners, **extra)


def submit(client: FlaskClient, headers: dict[str, str]) -> str:
    """Post a contact screening asks no checks for, about a child the simulator knows."""
    body = copy.deepcopy(EXAMPLE_BODY)
    body["children"] = [copy.deepcopy(AMIRA)]
    body["concerns"]["categories"], body["concerns"]["indicators"] = ["school_attendance"], []
    body["consent"] = {"status": "given", "reason": None}
    response = client.post(CONTACTS, data=json.dumps(body), headers=headers, content_type="application/json")
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def ask(client: FlaskClient, headers: dict[str, str], contact_id: str, *agencies: str) -> None:
    body = {"agencies": list(agencies), "purpose": "Decide next steps", "legal_basis": "DPA 2018 Sch 1 para 18"}
    response = client.post(
        f"{CONTACTS}/{contact_id}/checks", data=json.dumps(body), headers=headers, content_type="application/json"
    )
    assert response.status_code == 202, response.get_json()


def ledger(app: Flask, contact_id: str) -> dict[tuple[str, str], dict[str, Any]]:
    """Return the latest record of each agency and direction."""
    with app.extensions["mash.engine"].connect() as conn:
        rows = conn.execute(
            text(
                "SELECT agency, direction, status, attempts, last_error, summary, request_id FROM information_sharing"
                " WHERE contact_id = :id ORDER BY requested_at"
            ),
            {"id": contact_id},
        ).mappings()
        return {(row["agency"], row["direction"]): dict(row) for row in rows}


def status(app: Flask, contact_id: str, agency: str) -> str | None:
    asked = ledger(app, contact_id).get((agency, "requested"))
    return asked["status"] if asked else None


def scalar(app: Flask, sql: str, **params: str) -> Any:
    with app.extensions["mash.engine"].connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def calls_to(simulator: Simulator, agency: str) -> int:
    return sum(1 for request in simulator.requests() if request["agency"] == agency)


def test_a_partner_erroring_is_retried_until_the_check_is_answered(
    make_redis_app, redis_server, settings, start_worker, partner_factory, screener_factory, simulator
) -> None:
    app = make_redis_app(redis_server.url)
    client = app.test_client()
    contact_id = submit(client, partner_factory(app))
    simulator.control(mode="error", status=503, times=4, agencies=["police"])
    ask(client, screener_factory(app), contact_id, "police", "health")

    start_worker(checks_env(settings, redis_server.url, simulator))
    # Police are asked about the child and, after screening, about the adult in the household too.
    wait_for(
        lambda: (
            police_requests(app, contact_id)
            and all(r["status"] == "answered" for r in police_requests(app, contact_id))
        ),
        what="every police check to be answered",
    )

    records = ledger(app, contact_id)
    police = police_requests(app, contact_id)
    assert sorted((r["attempts"], r["last_error"]) for r in police) == [(1, None), (2, None)]
    assert "domestic abuse" in records[("police", "received")]["summary"]
    assert records[("health", "requested")]["attempts"] == 1
    assert "CP-IS" in records[("health", "received")]["summary"]
    # Four errors: 3 calls on the first attempt of one check (the adapter retries twice) and 1 on the other's
    # first call; then one success each: 6 calls in all.
    assert calls_to(simulator, "police") == 6


def police_requests(app: Flask, contact_id: str) -> list[dict[str, Any]]:
    with app.extensions["mash.engine"].connect() as conn:
        rows = conn.execute(
            text(
                "SELECT status, attempts, last_error FROM information_sharing"
                " WHERE contact_id = :id AND agency = 'police' AND direction = 'requested'"
            ),
            {"id": contact_id},
        ).mappings()
        return [dict(row) for row in rows]


def test_a_partner_that_is_down_leaves_the_check_failed_and_the_contact_intact(
    make_redis_app, redis_server, settings, start_worker, partner_factory, screener_factory, simulator
) -> None:
    app = make_redis_app(redis_server.url)
    client = app.test_client()
    screener = screener_factory(app)
    contact_id = submit(client, partner_factory(app))
    ask(client, screener, contact_id, "health")
    start_worker(checks_env(settings, redis_server.url, simulator))
    wait_for(lambda: status(app, contact_id, "health") == "answered", what="the health check to be answered")
    wait_for(
        lambda: scalar(app, "SELECT status FROM contacts WHERE id = :id", id=contact_id) == "awaiting_decision",
        what="screening",
    )

    # Screening asks police about the household itself: let those checks finish before the partner goes down.
    wait_for(
        lambda: all(r["status"] != "pending" for r in police_requests(app, contact_id)),
        what="the checks screening asked for",
    )
    answered_before = scalar(
        app, "SELECT COUNT(*) FROM information_sharing WHERE contact_id = :id AND direction = 'received'", id=contact_id
    )
    simulator.stop()
    ask(client, screener, contact_id, "police")
    wait_for(lambda: status(app, contact_id, "police") == "failed", what="the police check to fail")

    records = ledger(app, contact_id)
    police = records[("police", "requested")]
    assert (police["attempts"], police["last_error"]) == (4, "PartnerUnavailable")
    assert police["summary"] == "The police system could not be reached after 4 attempts."
    answered_after = scalar(
        app, "SELECT COUNT(*) FROM information_sharing WHERE contact_id = :id AND direction = 'received'", id=contact_id
    )
    assert answered_after == answered_before
    assert records[("health", "requested")]["status"] == "answered"
    assert records[("health", "received")]["summary"]
    assert scalar(app, "SELECT status FROM contacts WHERE id = :id", id=contact_id) == "awaiting_decision"
    assert scalar(app, "SELECT COUNT(*) FROM recommendations WHERE contact_id = :id", id=contact_id) == 1
    assert scalar(app, "SELECT COUNT(*) FROM children WHERE contact_id = :id", id=contact_id) == 1
    failed = "SELECT COUNT(*) FROM outbox WHERE job = 'request_check' AND failed_at IS NOT NULL"
    assert scalar(app, failed) == 1
    staff = client.get(f"{CONTACTS}/{contact_id}", headers=screener).get_json()
    summaries = {item["agency"]: item for item in staff["partner_summaries"]}
    assert (summaries["police"]["status"], summaries["health"]["status"]) == ("failed", "answered")


def test_the_circuit_breaker_stops_calling_a_failing_partner(
    make_redis_app, redis_server, settings, start_worker, partner_factory, screener_factory, simulator
) -> None:
    app = make_redis_app(redis_server.url)
    client = app.test_client()
    contact_id = submit(client, partner_factory(app))
    simulator.control(mode="error", status=503, agencies=["police"])
    ask(client, screener_factory(app), contact_id, "police", "health")

    start_worker(
        checks_env(
            settings,
            redis_server.url,
            simulator,
            MASH_PARTNER_BREAKER_FAILURES="2",
            MASH_PARTNER_BREAKER_RESET_SECONDS="300",
        )
    )
    wait_for(lambda: status(app, contact_id, "police") == "failed", what="the police check to fail")

    police = ledger(app, contact_id)[("police", "requested")]
    assert (police["attempts"], police["last_error"]) == (4, "PartnerUnavailable")
    # Four attempts, but only the first two reached the police: the breaker opened after them.
    assert calls_to(simulator, "police") == 6
    assert scalar(app, "SELECT state FROM partner_circuits WHERE agency = 'police'") == "open"
    assert status(app, contact_id, "health") == "answered"
    assert scalar(app, "SELECT state FROM partner_circuits WHERE agency = 'health'") == "closed"
