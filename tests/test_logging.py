"""Logs carry ids, routes and timings, never personal data."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient

from tests.conftest import EXAMPLE_BODY


def test_request_logs_carry_no_personal_data(
    client: FlaskClient, partner, screener, capfd: pytest.CaptureFixture[str]
) -> None:
    response = client.post(
        "/api/v1/contacts", data=json.dumps(EXAMPLE_BODY), headers=partner, content_type="application/json"
    )
    client.get(response.headers["Location"], headers=screener)
    client.get("/api/v1/contacts?status=received&cursor=bad", headers=screener)
    logged = capfd.readouterr().err
    assert "/api/v1/contacts" in logged
    for personal in ("Amira", "Khan", "2019-04-02", "9434765919", "Acre Lane", "SW2 5SG", "jane.smith", "cursor=bad"):
        assert personal not in logged
