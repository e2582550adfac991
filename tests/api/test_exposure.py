"""What a response lets out: reads of other contacts audited, no caching of personal data, security headers, CSV
cells a spreadsheet will not run."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from mash.app import create_app
from mash.services.reports.annex_a import spreadsheet_safe, write_csv
from mash.settings import Settings
from tests.api.helpers import GREEN, child, contact, post_contact


def _audited(app: Flask, contact_id: str, action: str) -> list[Any]:
    with app.extensions["mash.engine"].connect() as conn:
        return list(
            conn.execute(
                text("SELECT user_id, detail FROM audit_events WHERE contact_id = :c AND action = :a"),
                {"c": contact_id, "a": action},
            ).all()
        )


def test_a_contacts_matches_audit_the_earlier_contacts_they_reveal(
    client: FlaskClient, app: Flask, partner: dict[str, str], screener: dict[str, str]
) -> None:
    first = post_contact(client, partner, contact("E1", **GREEN, children=[child("Alfred", "Hendry", "2015-03-07")]))
    second = post_contact(client, partner, contact("E2", **GREEN, children=[child("Alfie", "Hendry", "2015-03-07")]))
    assert _audited(app, first, "contact.revealed") == []
    staff = client.get(f"/api/v1/contacts/{second}", headers=screener).get_json()
    assert [m["contact_id"] for m in staff["children"][0]["matches"]] == [first]
    revealed = _audited(app, first, "contact.revealed")
    assert len(revealed) == 1
    assert revealed[0][0] is not None
    assert _audited(app, second, "contact.revealed") == []


def test_a_childs_history_audits_the_earlier_contacts_it_reveals(
    client: FlaskClient, app: Flask, partner: dict[str, str], screener: dict[str, str]
) -> None:
    kid = child("Leo", "Brown", "2018-10-10", nhs_number="9434765919")
    ids = [post_contact(client, partner, contact(f"H{n}", **GREEN, children=[kid])) for n in range(3)]
    child_id = client.get(f"/api/v1/contacts/{ids[2]}", headers=screener).get_json()["children"][0]["id"]
    before = {contact_id: len(_audited(app, contact_id, "contact.revealed")) for contact_id in ids}
    history = client.get(f"/api/v1/children/{child_id}/history", headers=screener)
    assert sorted(c["id"] for c in history.get_json()["earlier_contacts"]) == sorted(ids[:2])
    for contact_id in ids[:2]:
        assert len(_audited(app, contact_id, "contact.revealed")) == before[contact_id] + 1
    assert len(_audited(app, ids[2], "contact.revealed")) == before[ids[2]]


def test_every_response_with_personal_data_is_not_stored(
    client: FlaskClient, partner: dict[str, str], screener: dict[str, str], manager: dict[str, str]
) -> None:
    first = post_contact(client, partner, contact("C1", **GREEN, children=[child("Alfred", "Hendry", "2015-03-07")]))
    second = post_contact(client, partner, contact("C2", **GREEN, children=[child("Alfie", "Hendry", "2015-03-07")]))
    staff = client.get(f"/api/v1/contacts/{second}", headers=screener).get_json()
    match_id = staff["children"][0]["matches"][0]["id"]
    child_id = staff["children"][0]["id"]
    today = datetime.now(UTC).date()
    period = {"from": (today - timedelta(days=30)).isoformat(), "to": today.isoformat()}
    responses = [
        client.get(f"/api/v1/children/{child_id}/history", headers=screener),
        client.post(f"/api/v1/matches/{match_id}/confirm", headers=screener),
        client.get("/api/v1/feedback/overdue", headers=manager),
        client.post("/api/v1/children/search", json={"last_name": "Hendry"}, headers=screener),
        client.get("/api/v1/reports/annex-a/contacts", query_string=period, headers=manager),
        client.get("/api/v1/reports/front-door?from=2020-01-01&to=2020-12-31", headers=manager),
        client.get("/api/v1/teams", headers=screener),
        client.get(f"/api/v1/contacts/{first}/access-history", headers=manager),
    ]
    for response in responses:
        assert response.status_code < 300, response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "no-store", response.request.path
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_security_headers_are_on_api_pages_docs_and_errors(client: FlaskClient) -> None:
    for path in ("/api/v1/queue", "/api/v1/openapi.json", "/api/v1/docs/", "/sign-in", "/healthz", "/no-such-page"):
        response = client.get(path)
        assert response.headers["Strict-Transport-Security"].startswith("max-age="), path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], path
        assert response.headers["Cache-Control"] == "no-store", path
    assets = client.get("/api/v1/docs/assets/swagger-ui.css")
    assert "no-store" not in assets.headers["Cache-Control"]


def test_the_docs_page_runs_only_its_own_inline_script(client: FlaskClient) -> None:
    policy = client.get("/api/v1/docs/").headers["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src")).split()
    assert "'unsafe-inline'" not in script_src
    assert [source for source in script_src if source.startswith("'sha256-")]


def test_no_hsts_from_the_development_server(settings: Settings) -> None:
    app = create_app(settings)
    app.config["SESSION_COOKIE_SECURE"] = False
    assert "Strict-Transport-Security" not in app.test_client().get("/healthz").headers
    app.extensions["mash.engine"].dispose()


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("-1", "-1"),
        ("+2.5", "+2.5"),
        ("Assessment Team 2", "Assessment Team 2"),
        ("", ""),
    ],
)
def test_csv_cells_a_spreadsheet_would_run_are_neutralised(cell: str, safe: str) -> None:
    assert spreadsheet_safe(cell) == safe
    assert next(csv.reader(io.StringIO(write_csv([[cell, "x"]])))) == [safe, "x"]
