"""The referral form through a signed-in client: danger stops it, errors name the field, one send makes one contact."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import count_rows
from tests.web.conftest import Person, csrf_token, sign_in
from tests.web.referral_steps import ABOUT, CHILD, as_json, fill, post_page, start

SCHOOL = ("partner", "Dee Lead", "Brixton Hill Primary", "school")


def _contact(client: FlaskClient, who: Person, contact_id: str) -> dict[str, Any]:
    found: dict[str, Any] = client.get(f"/api/v1/contacts/{contact_id}", headers=who.headers).get_json()
    return found


def _meaning(view: dict[str, Any]) -> dict[str, Any]:
    """What a contact says, without what differs between any two contacts (ids, references, times, reads)."""
    children = [{k: v for k, v in child.items() if k not in ("id", "matches")} for child in view["children"]]
    return {
        "referrer": view["referrer"],
        "source_code": view["source_code"],
        "submitted_by_organisation": view["submitted_by_organisation"],
        "children": children,
        "adults": view["adults"],
        "concerns": view["concerns"],
        "immediate_danger": view["immediate_danger"],
        "consent": view["consent"],
        "recommendation": {k: view["recommendation"][k] for k in ("outcome", "rag", "level")},
    }


def _rules(view: dict[str, Any]) -> set[str]:
    return {reason["rule"] for reason in view["recommendation"]["reasons"]}


def test_immediate_danger_says_call_999_and_the_mash_and_stores_nothing(
    app: Flask, client: FlaskClient, person: Callable[..., Person]
) -> None:
    sign_in(client, person(*SCHOOL))
    page = client.post(
        "/referrals/new", data={"immediate_danger": "yes", "csrf_token": csrf_token(client, "/referrals/new")}
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Call 999 now" in text and "020 7946 0000" in text
    assert count_rows(app, "referral_drafts", "contacts") == {"referral_drafts": 0, "contacts": 0}


def test_no_answer_to_the_danger_question_is_an_error_that_says_what_to_do(
    client: FlaskClient, person: Callable[..., Person]
) -> None:
    sign_in(client, person(*SCHOOL))
    page = client.post("/referrals/new", data={"csrf_token": csrf_token(client, "/referrals/new")})
    assert 'href="#immediate-danger"' in page.get_data(as_text=True)
    assert "Select yes if a child is in immediate danger" in page.get_data(as_text=True)


def test_a_missing_date_of_birth_names_the_field_and_keeps_what_was_typed(
    client: FlaskClient, person: Callable[..., Person]
) -> None:
    sign_in(client, person(*SCHOOL))
    base = start(client)
    post_page(client, f"{base}/about-you", ABOUT)
    page = post_page(client, f"{base}/children/0", {**CHILD, "dob-day": "", "dob-month": "", "dob-year": ""})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<a href="#date-of-birth-day">Enter the child&#39;s date of birth</a>' in text
    assert 'value="Amira"' in text
    wrong = post_page(client, f"{base}/children/0", {**CHILD, "nhs_number": "1234567890"})
    assert "Enter a valid 10-digit NHS number, or leave it empty" in wrong.get_data(as_text=True)


def test_the_form_makes_the_same_contact_as_the_json_and_a_second_send_makes_nothing_more(
    app: Flask, client: FlaskClient, person: Callable[..., Person]
) -> None:
    school = person(*SCHOOL)
    sign_in(client, school)
    base = fill(client)
    check = client.get(f"{base}/check").get_data(as_text=True)
    assert "Check your answers before sending your referral" in check and "Amira Khan" in check
    token = csrf_token(client, f"{base}/check")
    sent = client.post(f"{base}/check", data={"csrf_token": token})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/confirmation")
    again = client.post(f"{base}/check", data={"csrf_token": token})
    assert again.status_code == 302 and again.headers["Location"].endswith("/confirmation")
    assert count_rows(app, "contacts") == {"contacts": 1}
    confirmation = client.get(f"{base}/confirmation").get_data(as_text=True)
    assert "Referral sent" in confirmation and "MASH-" in confirmation and "make a decision by" in confirmation
    posted = app.test_client().post(
        "/api/v1/contacts", data=json.dumps(as_json()), headers=school.headers, content_type="application/json"
    )
    assert posted.status_code == 201, posted.get_json()
    listed = client.get("/api/v1/contacts", headers=school.headers).get_json()["items"]
    screener = person("screener", "Sam Screener")
    from_json, from_form = (_contact(client, screener, item["id"]) for item in listed)
    assert _meaning(from_form) == _meaning(from_json)
    # The JSON came second, so its screening also counts the form's contact as the child's history.
    assert _rules(from_form) <= _rules(from_json)
    assert _rules(from_json) - _rules(from_form) == {"da-repeated"}
    assert from_form["referrer"]["agency_type"] == "school" and from_form["source_code"] == "2A"


def test_staff_taking_a_call_type_the_callers_details_and_choose_the_agency(
    client: FlaskClient, person: Callable[..., Person]
) -> None:
    screener = person("screener", "Sam Screener")
    sign_in(client, screener)
    base = start(client)
    refused = post_page(client, f"{base}/about-you", {"name": "Anonymous"})
    assert "Select who is making the referral" in refused.get_data(as_text=True)
    fill_about = {"name": "Anonymous", "agency_type": "anonymous", "organisation": "Member of the public"}
    assert post_page(client, f"{base}/about-you", fill_about).status_code == 302
    made = fill(client, about=fill_about)
    client.post(f"{made}/check", data={"csrf_token": csrf_token(client, f"{made}/check")})
    item = client.get("/api/v1/contacts", headers=screener.headers).get_json()["items"][0]
    view = _contact(client, screener, item["id"])
    assert view["referrer"]["agency_type"] == "anonymous" and view["source_code"] == "9"
    assert view["referrer"]["organisation"] == "Member of the public"


def test_a_draft_is_only_its_writers(client: FlaskClient, app: Flask, person: Callable[..., Person]) -> None:
    sign_in(client, person(*SCHOOL))
    base = start(client)
    other = app.test_client()
    sign_in(other, person("partner", "Other Lead", "Brixton Hill Primary", "school"))
    assert other.get(f"{base}/about-you").status_code == 404
    assert "Continue the referral" in client.get("/referrals/new").get_data(as_text=True)
