"""A partner's referrals: their organisation's only, newest first, with feedback once final; another's is 404."""

from __future__ import annotations

import json
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from tests.api.helpers import GREEN, contact
from tests.web.conftest import Person, csrf_token, sign_in


def _send(app: Flask, who: Person, ref: str) -> str:
    body = contact(ref, **GREEN)
    del body["referrer"]["agency_type"]
    made = app.test_client().post(
        "/api/v1/contacts", data=json.dumps(body), headers=who.headers, content_type="application/json"
    )
    assert made.status_code == 201, made.get_json()
    return str(made.get_json()["reference"])


def test_a_partner_follows_its_referrals_and_adds_information(
    app: Flask, client: FlaskClient, person: Callable[..., Person]
) -> None:
    police = person("partner", "PC Smith", "Metropolitan Police", "police")
    school = person("partner", "Dee Lead", "Brixton Hill Primary", "school")
    first, second = _send(app, police, "CAD 1"), _send(app, police, "CAD 2")
    theirs = _send(app, school, "SCH 1")
    sign_in(client, police)
    home = client.get("/referrals").get_data(as_text=True)
    assert home.index(second) < home.index(first) and theirs not in home
    found = client.get("/referrals?ref=CAD 1").get_data(as_text=True)
    assert first in found and second not in found
    page = client.get(f"/referrals/{first}").get_data(as_text=True)
    assert "A social worker is looking at this referral" in page
    assert client.get(f"/referrals/{theirs}").status_code == 404
    path = f"/referrals/{first}/information"
    empty = client.post(path, data={"text": " ", "csrf_token": csrf_token(client, f"/referrals/{first}")})
    assert "Enter the information you want to add." in client.get(empty.headers["Location"]).get_data(as_text=True)
    client.post(
        path, data={"text": "He came back last night.", "csrf_token": csrf_token(client, f"/referrals/{first}")}
    )
    assert "He came back last night." in client.get(f"/referrals/{first}").get_data(as_text=True)
    assert (
        client.post(
            f"/referrals/{theirs}/information", data={"text": "x", "csrf_token": csrf_token(client, "/referrals")}
        ).status_code
        == 404
    )


def test_feedback_shows_once_the_decision_is_final(
    app: Flask, client: FlaskClient, person: Callable[..., Person]
) -> None:
    police = person("partner", "PC Smith", "Metropolitan Police", "police")
    screener, manager = person("screener", "Sam Screener"), person("manager", "Mo Manager")
    reference = _send(app, police, "CAD 3")
    api = app.test_client()
    cid = api.get("/api/v1/contacts", headers=police.headers).get_json()["items"][0]["id"]
    decision = {"outcome": "nfa", "rag": "green", "rationale": "No role for children's services."}
    api.post(f"/api/v1/contacts/{cid}/decision", json=decision, headers=screener.headers)
    sign_in(client, police)
    assert "Not yet" in client.get("/referrals").get_data(as_text=True)
    api.post(f"/api/v1/contacts/{cid}/oversight", json={"agree": True, "comment": "Agreed."}, headers=manager.headers)
    assert "No further action" in client.get("/referrals").get_data(as_text=True)
    assert "Thank you for your contact" in client.get(f"/referrals/{reference}").get_data(as_text=True)


def test_information_added_after_the_decision_is_sent_as_a_new_referral(
    app: Flask, client: FlaskClient, person: Callable[..., Person]
) -> None:
    police = person("partner", "PC Smith", "Metropolitan Police", "police")
    screener = person("screener", "Sam Screener")
    reference = _send(app, police, "CAD 4")
    api = app.test_client()
    cid = api.get("/api/v1/contacts", headers=police.headers).get_json()["items"][0]["id"]
    decision = {"outcome": "signpost", "rag": "green", "rationale": "Universal services are enough."}
    assert api.post(f"/api/v1/contacts/{cid}/decision", json=decision, headers=screener.headers).status_code == 201
    sign_in(client, police)
    page = f"/referrals/{reference}"
    sent = client.post(
        f"{page}/information", data={"text": "He came back last night.", "csrf_token": csrf_token(client, page)}
    )
    shown = client.get(sent.headers["Location"]).get_data(as_text=True)
    listed = api.get("/api/v1/contacts", headers=police.headers).get_json()["items"]
    assert [item["reference"] for item in listed][1:] == [reference]
    follow_on = listed[0]["reference"]
    assert (
        f"This referral was already decided, so the information was sent to the MASH as a new referral, {follow_on}"
        in shown
    )
    assert follow_on in client.get("/referrals").get_data(as_text=True)
