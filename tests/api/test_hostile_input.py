"""Hostile input is answered with a 4xx problem naming the field, never a 500, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import json
import unicodedata
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.helpers import RED, contact, post_contact
from tests.conftest import count_rows

URL = "/api/v1/contacts"
PROBLEM = "application/problem+json"


def _post_raw(client: FlaskClient, headers: dict[str, str], raw: str) -> Any:
    return client.post(URL, data=raw.encode(), headers=headers, content_type="application/json")


def _cursor(*values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _assert_problem(response: Any, status: int, field: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    assert field in response.get_json()["errors"], response.get_json()


def test_a_lone_surrogate_in_a_string_is_refused_naming_the_field(
    client: FlaskClient, app: Flask, partner: dict[str, str], body: dict[str, Any]
) -> None:
    raw = json.dumps(body).replace('"PC Jane Smith"', '"PC Jane \\ud800Smith"')
    _assert_problem(_post_raw(client, partner, raw), 422, "referrer.name")
    assert count_rows(app, "contacts")["contacts"] == 0


def test_a_lone_surrogate_in_a_key_is_refused(client: FlaskClient, partner: dict[str, str]) -> None:
    _assert_problem(_post_raw(client, partner, '{"\\udfff": 1}'), 422, "_body")


def test_a_number_too_long_to_read_is_refused_naming_the_field(
    client: FlaskClient, app: Flask, partner: dict[str, str], body: dict[str, Any]
) -> None:
    raw = json.dumps(body).replace('"disability": false', '"disability": ' + "9" * 4301)
    _assert_problem(_post_raw(client, partner, raw), 422, "children.0.disability")
    huge_float = json.dumps(body).replace('"disability": false', '"disability": 1e999')
    _assert_problem(_post_raw(client, partner, huge_float), 422, "children.0.disability")
    assert count_rows(app, "contacts")["contacts"] == 0


def test_a_date_time_beyond_the_calendar_in_utc_is_refused(client: FlaskClient, screener: dict[str, str]) -> None:
    response = client.get(URL, query_string={"received_from": "9999-12-31T23:59:59-14:00"}, headers=screener)
    _assert_problem(response, 422, "received_from")
    response = client.get(URL, query_string={"received_to": "0001-01-01T00:00:00+14:00"}, headers=screener)
    _assert_problem(response, 422, "received_to")


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("2026-01-01", "9999-12-31", "to"),
        ("9999-12-31T23:59:59-14:00", "2026-01-01", "from"),
        ("0001-01-01", "2026-01-01", "from"),
    ],
)
def test_a_report_period_beyond_the_calendar_is_refused(
    client: FlaskClient, manager: dict[str, str], start: str, end: str, field: str
) -> None:
    for path in ("/api/v1/reports/front-door", "/api/v1/reports/annex-a/contacts"):
        response = client.get(path, query_string={"from": start, "to": end}, headers=manager)
        _assert_problem(response, 422, field)


@pytest.mark.parametrize(
    "cursor",
    [
        _cursor("2026-11-22T09:00:00", "a"),
        _cursor("9999-12-31T23:59:59-14:00", "a"),
        _cursor("0001-01-01T00:00:00+14:00", "a"),
        _cursor("2026-11-22T09:00:00+00:00", "a\u0000b"),
        _cursor("2026-11-22T09:00:00+00:00", "\ud800"),
        _cursor("2026-11-22T09:00:00+00:00", "x" * 100),
        _cursor("2026-11-22T09:00:00+00:00", 7),
        "%%%%",
    ],
)
def test_a_cursor_not_issued_here_is_refused(client: FlaskClient, screener: dict[str, str], cursor: str) -> None:
    _assert_problem(client.get(URL, query_string={"cursor": cursor}, headers=screener), 400, "cursor")
    _assert_problem(client.get("/api/v1/flags", query_string={"cursor": cursor}, headers=screener), 400, "cursor")


@pytest.mark.parametrize("rank", [10**30, -(10**30), True, 1.5])
def test_a_queue_cursor_with_an_impossible_rank_is_refused(
    client: FlaskClient, screener: dict[str, str], rank: Any
) -> None:
    cursor = _cursor(rank, "2026-11-22T09:00:00+00:00", "a")
    _assert_problem(client.get("/api/v1/queue", query_string={"cursor": cursor}, headers=screener), 400, "cursor")


@pytest.mark.parametrize(
    "raw_id", ["%00", "a%00b", "x" * 37, "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "%E2%80%AEabc", "..%5C.."]
)
def test_a_malformed_id_in_a_path_is_not_found_without_echo_or_audit(
    client: FlaskClient, app: Flask, manager: dict[str, str], raw_id: str
) -> None:
    for method, path in [
        ("GET", f"{URL}/{raw_id}"),
        ("DELETE", f"{URL}/{raw_id}/claim"),
        ("GET", f"{URL}/{raw_id}/access-history"),
        ("GET", f"/api/v1/children/{raw_id}/history"),
        ("POST", f"/api/v1/flags/{raw_id}/resolve"),
    ]:
        response = client.open(path, method=method, headers=manager)
        assert response.status_code == 404, (path, response.get_data(as_text=True))
        assert response.mimetype == PROBLEM
        text = response.get_data(as_text=True)
        assert "script" not in text
        assert "x" * 37 not in text
    assert count_rows(app, "audit_events")["audit_events"] == 0


def test_unknown_ids_write_no_audit_rows(client: FlaskClient, app: Flask, manager: dict[str, str]) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    assert client.delete(f"{URL}/{unknown}/claim", headers=manager).status_code == 404
    assert client.get(f"{URL}/{unknown}/access-history", headers=manager).status_code == 404
    assert count_rows(app, "audit_events")["audit_events"] == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", "\u200b"),
        ("first_name", "Amira\u202e"),
        ("last_name", "Kh\u200ban"),
        ("last_name", "\u2066Khan\u2069"),
        ("first_name", "\ufeffAmira"),
        ("first_name", "\u3164"),
        ("last_name", "\u00a0\u2800"),
    ],
)
def test_invisible_and_direction_changing_characters_in_names_are_refused(
    client: FlaskClient, app: Flask, partner: dict[str, str], body: dict[str, Any], field: str, value: str
) -> None:
    body["children"][0][field] = value
    response = client.post(URL, json=body, headers=partner)
    _assert_problem(response, 422, f"children.0.{field}")
    assert count_rows(app, "contacts")["contacts"] == 0


def test_names_in_other_places_are_checked_too(
    client: FlaskClient, partner: dict[str, str], screener: dict[str, str], body: dict[str, Any]
) -> None:
    body["referrer"]["name"] = "PC \u202eJane"
    body["adults"][0]["last_name"] = "\u200b"
    response = client.post(URL, json=body, headers=partner)
    _assert_problem(response, 422, "referrer.name")
    assert "adults.0.last_name" in response.get_json()["errors"]
    search = client.post("/api/v1/children/search", json={"last_name": "Kh\u200ban"}, headers=screener)
    _assert_problem(search, 422, "last_name")


def test_names_are_stored_in_nfc_and_joiners_inside_words_are_kept(
    client: FlaskClient, partner: dict[str, str], screener: dict[str, str], body: dict[str, Any]
) -> None:
    body["children"][0]["first_name"] = unicodedata.normalize("NFD", "Amélie")
    body["children"][0]["last_name"] = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647"
    contact_id = post_contact(client, partner, body)
    child = client.get(f"{URL}/{contact_id}", headers=screener).get_json()["children"][0]
    assert child["first_name"] == "Amélie"
    assert child["first_name"] == unicodedata.normalize("NFC", child["first_name"])
    assert child["last_name"] == body["children"][0]["last_name"]


def test_a_well_formed_unknown_id_is_named_in_the_not_found_detail(
    client: FlaskClient, partner: dict[str, str]
) -> None:
    response = client.get(f"{URL}/no-such-contact", headers=partner)
    assert response.status_code == 404
    assert "no-such-contact" in response.get_json()["detail"]


def test_a_red_contact_still_goes_through(client: FlaskClient, partner: dict[str, str]) -> None:
    assert post_contact(client, partner, contact("HOSTILE-1", **RED))
