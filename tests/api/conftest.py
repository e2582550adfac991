"""Fixtures of the API tests."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.api.helpers import FAMILY, GREEN, child, contact, post_contact, post_json


@pytest.fixture
def restricted(client: FlaskClient, partner: dict[str, str], manager: dict[str, str]) -> str:
    """A partner's contact about Alfred Hendry, restricted by a manager (staff or family)."""
    contact_id = post_contact(
        client, partner, contact("R-1", **GREEN, children=[child("Alfred", "Hendry", "2015-03-07")])
    )
    placed = post_json(client, f"/api/v1/contacts/{contact_id}/restriction", manager, FAMILY)
    assert placed.status_code == 201, placed.get_json()
    assert placed.get_json()["category"] == "staff_or_family"
    return contact_id
