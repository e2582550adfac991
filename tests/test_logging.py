"""Logs carry ids, routes and timings, never personal data."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from mash.settings import Settings
from tests.conftest import EXAMPLE_BODY, clean_app, new_user


def test_request_logs_carry_no_personal_data(settings: Settings, capfd: pytest.CaptureFixture[str]) -> None:
    with clean_app(replace(settings, log_level="INFO")) as app:
        client = app.test_client()
        tokens = {
            role: new_user(app.extensions["mash.sessionmaker"](), role, role, org, agency)[1]
            for role, org, agency in (("partner", "Met", "police"), ("screener", None, None))
        }
        response = client.post(
            "/api/v1/contacts",
            data=json.dumps(EXAMPLE_BODY),
            headers={"Authorization": f"Bearer {tokens['partner']}"},
            content_type="application/json",
        )
        staff = {"Authorization": f"Bearer {tokens['screener']}"}
        client.get(response.headers["Location"], headers=staff)
        client.get("/api/v1/contacts?status=received&cursor=bad", headers=staff)
        logged = capfd.readouterr().err
    assert '"endpoint": "/api/v1/contacts"' in logged
    assert '"status": 201' in logged
    for personal in ("Amira", "Khan", "2019-04-02", "9434765919", "Acre Lane", "SW2 5SG", "jane.smith", "cursor=bad"):
        assert personal not in logged
