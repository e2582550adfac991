"""Ofsted Annex A List 1 (contacts) as CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient

from tests.api.helpers import GREEN, child, contact, post_contact

TODAY = datetime.now(UTC).date()
URL = (
    f"/api/v1/reports/annex-a/contacts?from={TODAY - timedelta(days=1)}T00:00:00%2B00:00"
    f"&to={TODAY + timedelta(days=1)}T00:00:00%2B00:00"
)


def test_one_row_per_child_per_contact_with_the_cin_source_code(client: FlaskClient, partner, manager) -> None:
    post_contact(client, partner, contact("A1", **GREEN))
    post_contact(
        client,
        partner,
        contact("A2", **GREEN, children=[child("Ann", "Lee", "2015-01-01"), child("Ben", "Lee", "2018-06-30")]),
    )
    response = client.get(URL, headers=manager)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
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
    assert {row[6] for row in rows[1:]} == {"6"}
    assert rows[2][3] == "01/01/2015"


def test_only_managers_and_admins_and_periods_are_checked(client: FlaskClient, screener, manager) -> None:
    assert client.get(URL, headers=screener).status_code == 403
    bad = "/api/v1/reports/annex-a/contacts?from=2026-01-02T00:00:00%2B00:00&to=2026-01-01T00:00:00%2B00:00"
    assert client.get(bad, headers=manager).status_code == 422
    assert client.get("/api/v1/reports/annex-a/contacts?from=2026-01-01", headers=manager).status_code == 422
