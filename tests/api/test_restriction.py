"""Restricted contacts: closed to caseworkers until they break the glass with a reason, for a limited time; withheld
from matches, histories, the queue and the list; each opening and restriction on the privacy officer's list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.helpers import (
    FAMILY,
    GREEN,
    audit_actions,
    child,
    close_every_opening,
    contact,
    post_contact,
    post_json,
    staff,
)
from tests.conftest import count_rows


def test_a_restricted_contact_is_refused_to_a_screener_until_they_break_the_glass(
    client: FlaskClient, app: Flask, screener: dict[str, str], manager: dict[str, str], restricted: str
) -> None:
    url = f"/api/v1/contacts/{restricted}"
    for caseworker in (screener, manager):
        refused = client.get(url, headers=caseworker)
        assert refused.status_code == 403
        assert refused.mimetype == "application/problem+json"
        assert refused.get_json()["type"] == "/problems/restricted"
        assert refused.get_json()["break_glass"] == f"{url}/break-glass"
        assert refused.get_json()["category"] == "staff_or_family"
        assert "Hendry" not in refused.get_data(as_text=True)
    assert audit_actions(app, restricted).count("contact.restricted_refused") == 2
    opened = post_json(client, f"{url}/break-glass", screener, {"reason": "Police on the phone about tonight."})
    assert opened.status_code == 201, opened.get_json()
    until = datetime.fromisoformat(opened.get_json()["expires_at"])
    assert timedelta(minutes=29) < until - datetime.now(UTC) <= timedelta(minutes=30)
    view = client.get(url, headers=screener)
    assert view.status_code == 200
    assert view.get_json()["children"][0]["last_name"] == "Hendry"
    assert view.get_json()["restriction"]["category"] == "staff_or_family"
    assert datetime.fromisoformat(view.get_json()["opened_until"]) == until
    assert audit_actions(app, restricted)[-2:] == ["contact.break_glass", "contact.read"]
    assert client.get(url, headers=manager).status_code == 403


@pytest.mark.parametrize(
    "body", [{}, {"reason": "   "}, {"reason": None}, {"reason": "x" * 2001}], ids=["none", "blank", "null", "long"]
)
def test_breaking_the_glass_needs_a_reason(
    client: FlaskClient, app: Flask, screener: dict[str, str], restricted: str, body: dict[str, Any]
) -> None:
    before = count_rows(app, "privacy_events")
    answer = post_json(client, f"/api/v1/contacts/{restricted}/break-glass", screener, body)
    assert answer.status_code == 422
    assert list(answer.get_json()["errors"]) == ["reason"]
    assert count_rows(app, "privacy_events") == before
    assert client.get(f"/api/v1/contacts/{restricted}", headers=screener).status_code == 403


def test_the_record_closes_again_when_the_opening_expires(
    client: FlaskClient, app: Flask, screener: dict[str, str], restricted: str
) -> None:
    url = f"/api/v1/contacts/{restricted}"
    assert post_json(client, f"{url}/break-glass", screener, {"reason": "Strategy discussion"}).status_code == 201
    assert client.get(url, headers=screener).status_code == 200
    close_every_opening(app)
    assert client.get(url, headers=screener).status_code == 403


def test_the_opening_lasts_the_configured_minutes(
    client: FlaskClient, app: Flask, screener: dict[str, str], restricted: str
) -> None:
    app.config["MASH_SETTINGS"] = app.config["MASH_SETTINGS"].with_overrides(break_glass_minutes=1)
    opened = post_json(client, f"/api/v1/contacts/{restricted}/break-glass", screener, {"reason": "Checking"})
    body = opened.get_json()
    assert datetime.fromisoformat(body["expires_at"]) - datetime.fromisoformat(body["at"]) == timedelta(minutes=1)


def test_screeners_and_managers_restrict_and_only_managers_lift(
    client: FlaskClient,
    app: Flask,
    make_token: Callable[..., str],
    partner: dict[str, str],
    screener: dict[str, str],
    manager: dict[str, str],
) -> None:
    contact_id = post_contact(client, partner, contact("R-2", **GREEN))
    url = f"/api/v1/contacts/{contact_id}/restriction"
    for who in (partner, staff(make_token, "therapist", "Therapist"), staff(make_token, "admin", "Admin")):
        assert post_json(client, url, who, FAMILY).status_code == 403
    wrong = post_json(client, url, screener, {"category": "celebrity", "reason": " "})
    assert wrong.status_code == 422
    assert set(wrong.get_json()["errors"]) == {"category", "reason"}
    assert post_json(client, url, screener, {"category": "high_profile", "reason": "In the news"}).status_code == 201
    again = post_json(client, url, manager, FAMILY)
    assert again.status_code == 409
    assert again.get_json()["type"] == "/problems/already-restricted"
    assert client.delete(url, headers=screener).status_code == 403
    assert client.delete(url, headers=manager).status_code == 204
    assert client.get(f"/api/v1/contacts/{contact_id}", headers=screener).status_code == 200
    assert client.delete(url, headers=manager).get_json()["type"] == "/problems/not-restricted"
    unrestricted = post_json(client, f"/api/v1/contacts/{contact_id}/break-glass", screener, {"reason": "Curious"})
    assert unrestricted.status_code == 409
    assert audit_actions(app, contact_id).count("contact.restricted") == 1
    assert audit_actions(app, contact_id).count("contact.restriction_lifted") == 1


def test_matches_and_a_childs_history_withhold_a_restricted_contact(
    client: FlaskClient, partner: dict[str, str], screener: dict[str, str], restricted: str
) -> None:
    later = post_contact(client, partner, contact("R-3", **GREEN, children=[child("Alfie", "Hendry", "2015-03-07")]))
    view = client.get(f"/api/v1/contacts/{later}", headers=screener).get_json()
    [match] = view["children"][0]["matches"]
    assert match["contact_id"] == restricted
    assert match["restricted"] is True
    assert match["evidence"] == []
    confirmed = client.post(f"/api/v1/matches/{match['id']}/confirm", headers=screener)
    assert confirmed.status_code == 200
    history = client.get(f"/api/v1/children/{view['children'][0]['id']}/history", headers=screener).get_json()
    [earlier] = history["earlier_contacts"]
    assert earlier["id"] == restricted
    assert earlier["restricted"] is True
    assert earlier["categories"] == []
    assert earlier["recommended_outcome"] is None
    own_history = client.get(f"/api/v1/children/{match['known_child_id']}/history", headers=screener)
    assert own_history.status_code == 403
    assert own_history.get_json()["type"] == "/problems/restricted"


def test_the_queue_and_the_list_keep_a_restricted_contact_without_its_concerns(
    client: FlaskClient, screener: dict[str, str], restricted: str
) -> None:
    [row] = client.get("/api/v1/queue", headers=screener).get_json()["items"]
    assert row["id"] == restricted
    assert row["restricted"] is True
    assert row["categories"] == []
    assert row["recommendation"]["reasons"] == []
    assert row["recommendation"]["decision_due_by"]
    [listed] = client.get("/api/v1/contacts", headers=screener).get_json()["items"]
    assert (listed["restricted"], listed["categories"]) == (True, [])


def test_a_partner_still_follows_its_restricted_contact(
    client: FlaskClient, partner: dict[str, str], restricted: str
) -> None:
    own = client.get(f"/api/v1/contacts/{restricted}", headers=partner)
    assert own.status_code == 200
    assert own.get_json()["status"] == "awaiting_decision"
    assert "restriction" not in own.get_json()
    assert [c["id"] for c in client.get("/api/v1/contacts", headers=partner).get_json()["items"]] == [restricted]


def test_the_privacy_officer_lists_each_opening_and_restriction_newest_first(
    client: FlaskClient,
    app: Flask,
    make_token: Callable[..., str],
    partner: dict[str, str],
    screener: dict[str, str],
    manager: dict[str, str],
    restricted: str,
) -> None:
    url = f"/api/v1/contacts/{restricted}"
    assert post_json(client, f"{url}/break-glass", screener, {"reason": "Police on the phone"}).status_code == 201
    assert post_json(client, f"{url}/break-glass", manager, {"reason": "Signing off"}).status_code == 201
    assert client.delete(f"{url}/restriction", headers=manager).status_code == 204
    officer = staff(make_token, "privacy_officer", "Priya Officer")
    log = client.get("/api/v1/privacy/log", headers=officer)
    assert log.status_code == 200, log.get_json()
    assert log.headers["Cache-Control"] == "no-store"
    items = log.get_json()["items"]
    assert [(i["kind"], i["user_name"], i["reason"]) for i in items] == [
        ("restriction_lifted", "Manager", None),
        ("break_glass", "Manager", "Signing off"),
        ("break_glass", "Screener", "Police on the phone"),
        ("restricted", "Manager", FAMILY["reason"]),
    ]
    assert {i["contact_id"] for i in items} == {restricted}
    assert items[2]["expires_at"] and items[2]["category"] == "staff_or_family"
    first = client.get("/api/v1/privacy/log?limit=3", headers=officer).get_json()
    rest = client.get(f"/api/v1/privacy/log?limit=3&cursor={first['next_cursor']}", headers=officer).get_json()
    assert [i["id"] for i in first["items"] + rest["items"]] == [i["id"] for i in items]
    assert rest["next_cursor"] is None
    today = datetime.now(UTC).date()
    tomorrow, yesterday = today + timedelta(days=1), today - timedelta(days=1)
    assert client.get(f"/api/v1/privacy/log?from={tomorrow}", headers=officer).get_json()["items"] == []
    assert client.get(f"/api/v1/privacy/log?to={yesterday}", headers=officer).get_json()["items"] == []
    assert len(client.get(f"/api/v1/privacy/log?from={yesterday}&to={tomorrow}", headers=officer).json["items"]) == 4
    assert "privacy.list" in audit_actions(app, restricted)
    others = (partner, screener, manager, staff(make_token, "admin", "Admin"), staff(make_token, "therapist", "T"))
    for who in others:
        refused = client.get("/api/v1/privacy/log", headers=who)
        assert refused.status_code == 403
        assert refused.get_json()["type"] == "/problems/forbidden"


def test_the_privacy_officer_does_not_read_childrens_records(
    client: FlaskClient, app: Flask, make_token: Callable[..., str], restricted: str
) -> None:
    officer = staff(make_token, "privacy_officer", "Priya Officer")
    before = count_rows(app, "audit_events")
    for path in ("/api/v1/contacts", f"/api/v1/contacts/{restricted}", "/api/v1/queue", "/api/v1/flags"):
        assert client.get(path, headers=officer).status_code == 403, path
    assert post_json(client, f"/api/v1/contacts/{restricted}/break-glass", officer, {"reason": "x"}).status_code == 403
    assert client.post("/api/v1/children/search", json={"last_name": "Hendry"}, headers=officer).status_code == 403
    assert count_rows(app, "audit_events") == before
    assert client.get(f"/api/v1/contacts/{restricted}/access-history", headers=officer).status_code == 200


def test_a_restricted_contacts_ledger_flags_and_suggestions_wait_for_the_glass_too(
    client: FlaskClient, app: Flask, make_token: Callable[..., str], screener: dict[str, str], restricted: str
) -> None:
    therapist = staff(make_token, "therapist", "Tess Therapist")
    url = f"/api/v1/contacts/{restricted}"
    assert post_json(client, f"{url}/break-glass", therapist, {"reason": "Consultation due"}).status_code == 201
    raised = post_json(client, f"{url}/flags", therapist, {"kind": "systemic_consultation", "note": "Third contact"})
    assert raised.status_code == 201, raised.get_json()
    close_every_opening(app)
    flag_paths = [f"/api/v1/flags/{raised.get_json()['id']}", f"{url}/flags"]
    ledger_paths = [f"{url}/information-sharing", f"{url}/suggestions"]
    for who, paths in ((therapist, flag_paths), (screener, ledger_paths)):
        for path in paths:
            refused = client.get(path, headers=who)
            assert (refused.status_code, refused.get_json()["type"]) == (403, "/problems/restricted"), path
    assert post_json(client, f"{url}/break-glass", screener, {"reason": "Checks before a visit"}).status_code == 201
    for path in ledger_paths:
        assert client.get(path, headers=screener).status_code == 200, path
    assert client.get(f"{url}/flags", headers=therapist).status_code == 403


def test_child_search_shows_a_restricted_contacts_child_without_name_or_outcome(
    client: FlaskClient, screener: dict[str, str], restricted: str
) -> None:
    found = client.post(
        "/api/v1/children/search", json={"last_name": "Hendry", "date_of_birth": "2015-03-07"}, headers=screener
    )
    assert found.status_code == 200
    [candidate] = found.get_json()["items"]
    assert candidate["restricted"] is True
    assert (candidate["first_name"], candidate["last_name"], candidate["date_of_birth"]) == (None, None, None)
    assert candidate["reasons"] == []
    assert candidate["contacts"] == [{**candidate["contacts"][0], "id": restricted, "outcome": None}]
    assert "Alfred" not in found.get_data(as_text=True)
