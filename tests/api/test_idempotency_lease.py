"""An Idempotency-Key held by an unfinished request: refused while its lease runs, taken over once it has lapsed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from mash.models import IdempotencyRecord
from mash.services import idempotency
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


def reordered(document: Any) -> Any:
    """The same JSON document with every object's keys in reverse order."""
    if isinstance(document, dict):
        return {key: reordered(document[key]) for key in reversed(list(document))}
    if isinstance(document, list):
        return [reordered(item) for item in document]
    return document


def test_the_same_body_with_keys_in_another_order_and_spacing_is_a_replay(
    app: Flask, client: FlaskClient, partner, body
) -> None:
    first = post(client, partner, body)
    assert first.status_code == 201
    again = client.post(
        URL, data=json.dumps(reordered(body), indent=4), headers={**partner, **KEY}, content_type="application/json"
    )
    assert (again.status_code, again.headers.get("Idempotent-Replayed")) == (201, "true")
    assert again.get_json() == first.get_json()
    assert count_rows(app, "contacts", "idempotency_records") == {"contacts": 1, "idempotency_records": 1}


def test_a_request_that_fails_gives_its_key_back(app: Flask, client: FlaskClient, partner, body) -> None:
    first = client.post(
        URL, data=json.dumps(body), headers={**partner, "Idempotency-Key": "other"}, content_type="application/json"
    )
    assert first.status_code == 201
    with app.extensions["mash.engine"].begin() as conn:
        conn.execute(update(IdempotencyRecord).values(state="in_flight"))
    duplicate = post(client, partner, body)
    assert (duplicate.status_code, duplicate.get_json()["type"]) == (409, "/problems/duplicate-contact")
    with app.extensions["mash.engine"].connect() as conn:
        keys = conn.execute(select(IdempotencyRecord.key, IdempotencyRecord.state)).all()
    assert [tuple(k) for k in keys] == [("other", "in_flight")]


def test_staff_keys_are_their_own_and_a_partners_keys_its_organisations(
    app: Flask, client: FlaskClient, make_token, partner, body
) -> None:
    first, second = (
        {"Authorization": "Bearer " + make_token("screener", name=name)} for name in ("Screener A", "Screener B")
    )
    other_child = {**body, "children": [{**body["children"][0], "first_name": "Yusuf", "nhs_number": None}]}
    other_child["referrer"] = {**body["referrer"], "external_reference": "OTHER-REF"}
    assert post(client, first, body).status_code == 201
    assert post(client, second, other_child).status_code == 201
    assert post(client, first, other_child).status_code == 422
    colleague = {"Authorization": "Bearer " + make_token("partner", "Metropolitan Police", "police", "PC Two")}
    assert post(client, partner, body).status_code == 201
    assert post(client, colleague, body).headers["Idempotent-Replayed"] == "true"


def test_a_request_giving_back_a_key_a_retry_took_over_and_completed_leaves_the_retrys_response(app: Flask) -> None:
    session = app.extensions["mash.sessionmaker"]()
    digest = idempotency.request_hash({"summary": "Bruise on the cheek"})
    started = datetime.now(UTC)
    first = idempotency.claim(session, "Metropolitan Police", "retry-1", digest, now=started)
    retry = idempotency.claim(session, "Metropolitan Police", "retry-1", digest, now=started + timedelta(seconds=61))
    assert isinstance(first, idempotency.Claim)
    assert retry == first
    with session.begin():
        idempotency.complete(session, retry, 201, {"id": "contact-1"}, None)

    idempotency.release(session, first)

    replay = idempotency.claim(session, "Metropolitan Police", "retry-1", digest)
    assert replay == idempotency.Replay(201, {"id": "contact-1"}, None)
    session.close()
