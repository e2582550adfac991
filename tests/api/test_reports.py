"""Ofsted Annex A Lists 1-3 through the HTTP API: columns, categories, local dates, periods, stable child ids."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from mash.models import Contact
from tests.api.helpers import GREEN, child, contact, post_contact
from tests.api.test_matching import matches

TODAY = datetime.now(UTC).date()
BASE = "/api/v1/reports/annex-a"


def rows_of(client: FlaskClient, headers: dict[str, str], url: str) -> list[list[str]]:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and response.headers["Cache-Control"] == "no-store"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def move_received(app: Flask, contact_id: str, when: datetime) -> None:
    with app.extensions["mash.engine"].begin() as conn:
        conn.execute(update(Contact).where(Contact.id == contact_id).values(received_at=when))


def test_one_row_per_child_per_contact_in_annex_a_categories(client: FlaskClient, partner, manager) -> None:
    post_contact(client, partner, contact("A1", **GREEN))
    post_contact(
        client,
        partner,
        contact("A2", **GREEN, children=[child("Ann", "Lee", "2015-01-01"), child("Ben", "Lee", "2018-06-30")]),
    )
    rows = rows_of(client, manager, f"{BASE}/contacts?from={TODAY}&to={TODAY}")
    assert rows[0] == [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Date of Contact",
        "Contact Source",
    ]
    assert len(rows) == 4
    assert {row[6] for row in rows[1:]} == {"q) 6: Police"}
    assert rows[2][1:4] == ["a) Male", "s) NOBT", "01/01/2015"]
    assert len({row[0] for row in rows[1:]}) == 3


def test_a_contact_just_after_midnight_in_summer_falls_on_that_day_in_england(
    app: Flask, client: FlaskClient, partner, manager
) -> None:
    contact_id = post_contact(client, partner, contact("A1", **GREEN))
    move_received(app, contact_id, datetime(2026, 7, 1, 23, 30, tzinfo=UTC))
    assert len(rows_of(client, manager, f"{BASE}/contacts?from=2026-07-01&to=2026-07-01")) == 1
    rows = rows_of(client, manager, f"{BASE}/contacts?from=2026-07-02&to=2026-07-02")
    assert [row[5] for row in rows[1:]] == ["02/07/2026"]
    moments = f"{BASE}/contacts?from=2026-07-01T23:00:00%2B00:00&to=2026-07-01T23:59:00%2B00:00"
    assert len(rows_of(client, manager, moments)) == 2


def test_gender_other_and_early_help_source_have_annex_a_categories(
    client: FlaskClient, make_token: Callable[..., str], manager
) -> None:
    early_help = {"Authorization": "Bearer " + make_token("partner", "Lambeth Early Help", "early_help", "EH")}
    body = contact("E1", **GREEN, children=[child("Sam", "Ray", "2014-02-03", gender="other")])
    body["referrer"]["agency_type"] = "early_help"
    post_contact(client, early_help, body)
    rows = rows_of(client, manager, f"{BASE}/contacts?from={TODAY}&to={TODAY}")
    assert rows[1][1] == "d) Neither"
    assert rows[1][6] == "o) 5B: LA services"


def test_the_same_child_keeps_one_id_once_a_screener_confirms_the_match(
    client: FlaskClient, partner, screener, manager
) -> None:
    post_contact(client, partner, contact("M1", **GREEN, children=[child("Alfred", "Hendry", "2015-03-07")]))
    second = post_contact(client, partner, contact("M2", **GREEN, children=[child("Alfie", "Hendry", "2015-03-07")]))
    url = f"{BASE}/contacts?from={TODAY}&to={TODAY}"
    assert len({row[0] for row in rows_of(client, manager, url)[1:]}) == 2
    match_id = matches(client, screener, second)[0]["id"]
    assert client.post(f"/api/v1/matches/{match_id}/confirm", headers=screener).status_code == 200
    assert len({row[0] for row in rows_of(client, manager, url)[1:]}) == 1
    assert client.post(f"/api/v1/matches/{match_id}/undo", headers=screener).status_code == 200
    assert len({row[0] for row in rows_of(client, manager, url)[1:]}) == 2


def test_lists_two_and_three_have_their_columns(client: FlaskClient, manager) -> None:
    early_help = rows_of(client, manager, f"{BASE}/early-help?from={TODAY}&to={TODAY}")
    assert early_help == [
        [
            "Child Unique ID",
            "Gender",
            "Ethnicity",
            "Date of Birth",
            "Age of Child (Years)",
            "Assessment start date",
            "Assessment completion date",
            "Organisation completing assessment",
        ]
    ]
    referrals = rows_of(client, manager, f"{BASE}/referrals?from={TODAY}&to={TODAY}")
    assert referrals[0][5:] == [
        "Date of referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        "Allocated Team",
        "Allocated Worker",
    ]


def test_only_managers_and_admins_and_periods_are_checked(client: FlaskClient, screener, manager) -> None:
    url = f"{BASE}/referrals?from={TODAY}&to={TODAY}"
    assert client.get(url, headers=screener).status_code == 403
    backwards = client.get(f"{BASE}/contacts?from=2026-01-02&to=2026-01-01", headers=manager)
    assert backwards.status_code == 422 and "to" in backwards.get_json()["errors"]
    assert client.get(f"{BASE}/contacts?from=2026-01-01", headers=manager).status_code == 422
    naive = client.get(f"{BASE}/early-help?from=2026-01-01T00:00:00&to=2026-01-02", headers=manager)
    assert naive.status_code == 422 and "from" in naive.get_json()["errors"]
    too_long = client.get(f"{BASE}/contacts?from=2025-01-01&to=2026-12-31", headers=manager)
    assert too_long.status_code == 422
