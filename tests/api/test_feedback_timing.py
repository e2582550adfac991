"""Feedback reaches the referrer when the decision is final, and portal feedback is delivered when it is shown."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from mash.settings import Settings
from tests.api.helpers import GREEN, contact, post_contact, post_json


def _decide(client: FlaskClient, screener: dict[str, str], cid: str, outcome: str) -> None:
    body = {"outcome": outcome, "rag": "green", "rationale": "Weighed and recorded."}
    assert post_json(client, f"/api/v1/contacts/{cid}/decision", screener, body).status_code == 201


def _told(client: FlaskClient, partner: dict[str, str], cid: str) -> Any:
    return client.get(f"/api/v1/contacts/{cid}", headers=partner).get_json()["feedback"]


def _overdue(app: Flask, client: FlaskClient, manager: dict[str, str]) -> list[str]:
    with app.extensions["mash.engine"].begin() as conn:
        conn.execute(text("UPDATE feedback SET due_by = decided_at"))
    return [item["contact_id"] for item in client.get("/api/v1/feedback/overdue", headers=manager).get_json()["items"]]


def test_no_further_action_reaches_the_referrer_only_after_oversight(
    client: FlaskClient, partner, screener, manager
) -> None:
    cid = post_contact(client, partner, contact("NFA 1", **GREEN))
    _decide(client, screener, cid, "nfa")
    assert _told(client, partner, cid) is None
    post_json(client, f"/api/v1/contacts/{cid}/oversight", manager, {"agree": False, "comment": "Look again."})
    assert _told(client, partner, cid) is None
    _decide(client, screener, cid, "nfa")
    post_json(client, f"/api/v1/contacts/{cid}/oversight", manager, {"agree": True, "comment": "Agreed."})
    assert _told(client, partner, cid)["outcome"] == "nfa"


def test_other_outcomes_reach_the_referrer_at_decision(client: FlaskClient, partner, screener) -> None:
    cid = post_contact(client, partner, contact("EH 1", **GREEN))
    _decide(client, screener, cid, "signpost")
    assert _told(client, partner, cid)["outcome"] == "signpost"


class TestWithoutOversightFirst:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.with_overrides(feedback_after_oversight=())

    def test_no_further_action_is_told_at_decision(self, client: FlaskClient, partner, screener) -> None:
        cid = post_contact(client, partner, contact("NFA 2", **GREEN))
        _decide(client, screener, cid, "nfa")
        assert _told(client, partner, cid)["outcome"] == "nfa"


def test_portal_feedback_is_delivered_when_the_partner_is_shown_it(
    app: Flask, client: FlaskClient, partner, screener, manager
) -> None:
    cid = post_contact(client, partner, contact("SP 1", **GREEN))
    _decide(client, screener, cid, "signpost")
    assert client.get(f"/api/v1/contacts/{cid}", headers=screener).get_json()["feedback"]["outcome"] == "signpost"
    assert _overdue(app, client, manager) == [cid]  # staff reading it delivers nothing
    listed = client.get("/api/v1/contacts", headers=partner).get_json()["items"]
    assert listed[0]["feedback"]["outcome"] == "signpost"
    assert _overdue(app, client, manager) == []
