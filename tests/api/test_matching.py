"""Who is this child? Matching through the HTTP API, confirmation, history and the repeat-contact step-up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from mash.models import Contact
from tests.api.helpers import GREEN, child, contact, post_contact


def matches(client: FlaskClient, screener: dict[str, str], contact_id: str) -> list[dict[str, Any]]:
    staff = client.get(f"/api/v1/contacts/{contact_id}", headers=screener).get_json()
    return list(staff["children"][0]["matches"])


def test_nickname_with_same_date_of_birth_is_a_likely_match(client: FlaskClient, partner, screener) -> None:
    first = post_contact(client, partner, contact("M1", **GREEN, children=[child("Alfred", "Hendry", "2015-03-07")]))
    second = post_contact(client, partner, contact("M2", **GREEN, children=[child("Alfie", "Hendry", "2015-03-07")]))
    found = matches(client, screener, second)
    assert [(m["contact_id"], m["band"]) for m in found] == [(first, "likely")]
    assert found[0]["evidence"] == [
        "first names are nickname forms (Alfie / Alfred)",
        "same surname",
        "same date of birth",
    ]


def test_same_name_other_date_of_birth_is_not_a_match(client: FlaskClient, partner, screener) -> None:
    post_contact(client, partner, contact("M1", **GREEN, children=[child("Alfred", "Hendry", "2015-03-07")]))
    second = post_contact(client, partner, contact("M2", **GREEN, children=[child("Alfred", "Hendry", "2016-10-21")]))
    assert matches(client, screener, second) == []


def test_day_and_month_swapped_is_at_least_possible(client: FlaskClient, partner, screener) -> None:
    post_contact(client, partner, contact("M1", **GREEN, children=[child("Alfred", "Hendry", "2015-03-07")]))
    second = post_contact(client, partner, contact("M2", **GREEN, children=[child("Alfred", "Hendry", "2015-07-03")]))
    found = matches(client, screener, second)
    assert len(found) == 1 and found[0]["band"] in ("possible", "likely")


def test_confirm_reject_and_undo_are_recorded(client: FlaskClient, partner, screener) -> None:
    post_contact(client, partner, contact("M1", **GREEN, children=[child("Alfred", "Hendry", "2015-07-03")]))
    second = post_contact(client, partner, contact("M2", **GREEN, children=[child("Alfred", "Hendry", "2015-03-07")]))
    match_id = matches(client, screener, second)[0]["id"]
    confirmed = client.post(f"/api/v1/matches/{match_id}/confirm", headers=screener)
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "confirmed"
    assert client.post(f"/api/v1/matches/{match_id}/reject", headers=screener).status_code == 409
    assert client.post(f"/api/v1/matches/{match_id}/undo", headers=screener).get_json()["status"] == "suggested"
    rejected = client.post(f"/api/v1/matches/{match_id}/reject", headers=screener).get_json()
    assert rejected["status"] == "rejected" and rejected["decided_at"]
    child_id = client.get(f"/api/v1/contacts/{second}", headers=screener).get_json()["children"][0]["id"]
    history = client.get(f"/api/v1/children/{child_id}/history", headers=screener).get_json()
    assert history["earlier_contacts"] == []


def test_history_lists_earlier_contacts_and_the_third_contact_steps_up(client: FlaskClient, partner, screener) -> None:
    kid = child("Leo", "Brown", "2018-10-10", nhs_number="9434765919")
    ids = [post_contact(client, partner, contact(f"R{n}", **GREEN, children=[kid])) for n in range(3)]
    third = client.get(f"/api/v1/contacts/{ids[2]}", headers=screener).get_json()
    assert "repeat-contacts" in [r["rule"] for r in third["recommendation"]["reasons"]]
    first = client.get(f"/api/v1/contacts/{ids[0]}", headers=screener).get_json()
    assert third["recommendation"]["level"] > first["recommendation"]["level"]
    history = client.get(f"/api/v1/children/{third['children'][0]['id']}/history", headers=screener).get_json()
    assert history["contacts_last_12_months"] == 2
    assert sorted(c["id"] for c in history["earlier_contacts"]) == sorted(ids[:2])


def test_history_counts_only_the_12_months_before_the_contact(
    app: Flask, client: FlaskClient, partner, screener
) -> None:
    kid = child("Leo", "Brown", "2018-10-10", nhs_number="9434765919")
    old, recent, focus = (post_contact(client, partner, contact(f"W{n}", **GREEN, children=[kid])) for n in range(3))
    with app.extensions["mash.engine"].begin() as connection:
        connection.execute(
            update(Contact).where(Contact.id == old).values(received_at=datetime.now(UTC) - timedelta(days=400))
        )
    child_id = client.get(f"/api/v1/contacts/{focus}", headers=screener).get_json()["children"][0]["id"]
    history = client.get(f"/api/v1/children/{child_id}/history", headers=screener).get_json()
    assert sorted(c["id"] for c in history["earlier_contacts"]) == sorted([old, recent])
    assert history["contacts_last_12_months"] == 1


def test_confirming_a_match_rescreens_the_contact(client: FlaskClient, partner, screener) -> None:
    post_contact(client, partner, contact("A1", **GREEN, children=[child("Alfred", "Hendry", "2015-07-03")]))
    post_contact(client, partner, contact("A2", **GREEN, children=[child("Alfred", "Hendry", "2015-07-03")]))
    third = post_contact(client, partner, contact("A3", **GREEN, children=[child("Alfred", "Hendry", "2015-03-07")]))
    before = client.get(f"/api/v1/contacts/{third}", headers=screener).get_json()["recommendation"]
    for match in matches(client, screener, third):
        client.post(f"/api/v1/matches/{match['id']}/confirm", headers=screener)
    after = client.get(f"/api/v1/contacts/{third}", headers=screener).get_json()["recommendation"]
    assert after["level"] > before["level"]
    assert "repeat-contacts" in [r["rule"] for r in after["reasons"]]
