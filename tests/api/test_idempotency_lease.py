"""An Idempotency-Key held by an unfinished request: refused while its lease runs, taken over once it has lapsed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from mash.models import IdempotencyRecord
from tests.conftest import count_rows

URL = "/api/v1/contacts"
KEY = {"Idempotency-Key": "lease-1"}


def post(client: FlaskClient, headers: dict[str, str], body: Any) -> Any:
    return client.post(URL, data=json.dumps(body), headers={**headers, **KEY}, content_type="application/json")


def leave_in_flight(app: Flask, lease: timedelta) -> None:
    """Turn the key's record back into an unfinished request whose lease ends `lease` from now."""
    with app.extensions["mash.engine"].begin() as conn:
        conn.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.key == KEY["Idempotency-Key"])
            .values(
                state="in_flight",
                locked_until=datetime.now(UTC) + lease,
                response_status=None,
                response_body=None,
                contact_id=None,
            )
        )


def test_a_key_in_flight_is_refused_until_its_lease_lapses(app: Flask, client: FlaskClient, partner, body) -> None:
    first = post(client, partner, body)
    assert first.status_code == 201
    leave_in_flight(app, timedelta(minutes=5))
    before = count_rows(app, "contacts", "idempotency_records")

    held = post(client, partner, body)
    assert held.status_code == 409
    assert held.get_json()["type"] == "/problems/idempotency-key-in-flight"
    assert "Idempotent-Replayed" not in held.headers
    assert count_rows(app, "contacts", "idempotency_records") == before

    leave_in_flight(app, timedelta(seconds=-1))
    taken = post(client, partner, body)
    assert (taken.status_code, taken.get_json()["type"]) == (409, "/problems/duplicate-contact")
    assert taken.headers["Location"] == first.headers["Location"]
