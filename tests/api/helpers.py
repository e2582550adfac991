"""Small helpers for API tests: build contacts of a given kind and post them."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from tests.conftest import EXAMPLE_BODY

URL = "/api/v1/contacts"


def contact(
    ref: str,
    *,
    categories: list[str],
    indicators: list[str] | None = None,
    children: list[dict[str, Any]] | None = None,
    consent: str = "given",
) -> dict[str, Any]:
    """Return a contact body with the given concerns and children (default: the contract example's child)."""
    body = copy.deepcopy(EXAMPLE_BODY)
    body["referrer"]["external_reference"] = ref
    body["concerns"]["categories"] = categories
    body["concerns"]["indicators"] = indicators or []
    body["consent"] = {"status": consent, "reason": None if consent == "given" else "Recorded reason"}
    if children is not None:
        body["children"] = children
    return body


def child(first: str, last: str, dob: str, **extra: Any) -> dict[str, Any]:
    """Return a child for a contact body."""
    return {"first_name": first, "last_name": last, "date_of_birth": dob, "gender": "male", **extra}


def post_contact(client: FlaskClient, headers: dict[str, str], body: dict[str, Any]) -> str:
    """Post a contact and return its id."""
    response = client.post(URL, data=json.dumps(body), headers=headers, content_type="application/json")
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def post_json(client: FlaskClient, url: str, headers: dict[str, str], body: dict[str, Any] | None = None) -> Any:
    """Post a JSON body (or none) and return the response."""
    if body is None:
        return client.post(url, headers=headers)
    return client.post(url, data=json.dumps(body), headers=headers, content_type="application/json")


RED = {"categories": ["domestic_abuse"], "indicators": ["weapon_or_strangulation"]}
AMBER = {"categories": ["private_fostering"]}
GREEN = {"categories": ["neglect"]}


FAMILY = {"category": "staff_or_family", "reason": "The child's mother works in the MASH."}


def staff(make_token: Callable[..., str], role: str, name: str) -> dict[str, str]:
    """Return the headers of a new member of staff in a role."""
    return {"Authorization": "Bearer " + make_token(role, name=name)}


def audit_actions(app: Flask, contact_id: str) -> list[str]:
    """Return the actions of a contact's audit events, oldest first."""
    with app.extensions["mash.engine"].connect() as conn:
        rows = conn.execute(
            text("SELECT action FROM audit_events WHERE contact_id = :c ORDER BY seq"), {"c": contact_id}
        ).scalars()
        return list(rows)


def close_every_opening(app: Flask) -> None:
    """Let every break-glass opening expire."""
    with app.extensions["mash.engine"].begin() as conn:
        conn.execute(text("UPDATE privacy_events SET expires_at = :t"), {"t": datetime.now(UTC) - timedelta(seconds=1)})
