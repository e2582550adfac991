"""Writes on a restricted contact wait for the glass as its reads do: claiming, deciding, overseeing, partner checks,
consent, flags and suggestions are a 403 (`/problems/restricted`), audited, until the caseworker breaks the glass;
the list of flags keeps a restricted contact's flags without their notes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.helpers import FAMILY, GREEN, audit_actions, contact, post_contact, post_json, staff

UNKNOWN = "00000000-0000-4000-8000-000000000000"
DECISION = {"outcome": "assessment", "rag": "amber", "rationale": "Needs a s17 assessment."}
CHECKS = {"agencies": ["police"], "purpose": "Checks before a visit", "legal_basis": "Children Act 1989 s47"}
FLAG = {"kind": "systemic_consultation", "note": "Third contact about the same worry"}

# what is written, by whom, and the answer once the glass is broken (a 404 or 409 that only an open contact reaches)
WRITES: dict[str, tuple[str, str, dict[str, Any] | None, int]] = {
    "claim": ("screener", "claim", None, 200),
    "decision": ("screener", "decision", DECISION, 201),
    "oversight": ("manager", "oversight", {"agree": True, "comment": "Agreed."}, 409),
    "partner checks": ("screener", "checks", CHECKS, 202),
    "answer by phone": ("screener", f"information-sharing/{UNKNOWN}/answer", {"summary": "Known to police"}, 404),
    "consent": ("screener", "consent", {"status": "given", "detail": "Mother agreed by phone"}, 200),
    "flag": ("therapist", "flags", FLAG, 201),
    "suggestion confirmed": ("screener", f"suggestions/{UNKNOWN}/confirm", None, 404),
    "suggestion dismissed": ("screener", f"suggestions/{UNKNOWN}/dismiss", {"reason": "Another family"}, 404),
}


@pytest.mark.parametrize(("role", "path", "body", "opened"), list(WRITES.values()), ids=list(WRITES))
def test_a_write_on_a_restricted_contact_waits_for_the_glass(
    client: FlaskClient,
    app: Flask,
    make_token: Callable[..., str],
    restricted: str,
    role: str,
    path: str,
    body: dict[str, Any] | None,
    opened: int,
) -> None:
    who = staff(make_token, role, role.title())
    url = f"/api/v1/contacts/{restricted}"
    refused = post_json(client, f"{url}/{path}", who, body)
    assert (refused.status_code, refused.get_json()["type"]) == (403, "/problems/restricted")
    assert refused.get_json()["break_glass"] == f"{url}/break-glass"
    assert audit_actions(app, restricted)[-1] == "contact.restricted_refused"
    history = client.get(f"{url}/access-history", headers=staff(make_token, "privacy_officer", "Privacy")).get_json()
    refusals = [(i["user_name"], i["role"]) for i in history["items"] if i["action"] == "contact.restricted_refused"]
    assert refusals == [(role.title(), role)]
    assert post_json(client, f"{url}/break-glass", who, {"reason": "Police on the phone"}).status_code == 201
    answer = post_json(client, f"{url}/{path}", who, body)
    assert answer.status_code == opened, answer.get_json()


def test_working_a_flag_of_a_restricted_contact_waits_for_the_glass(
    client: FlaskClient, app: Flask, make_token: Callable[..., str], partner: dict[str, str], manager: dict[str, str]
) -> None:
    therapist = staff(make_token, "therapist", "Tess Therapist")
    contact_id = post_contact(client, partner, contact("R-9", **GREEN))
    flag_id = post_json(client, f"/api/v1/contacts/{contact_id}/flags", therapist, FLAG).get_json()["id"]
    assert post_json(client, f"/api/v1/contacts/{contact_id}/restriction", manager, FAMILY).status_code == 201
    work = {
        "consultations": {"date": "2026-01-05", "participants": ["Tess Therapist"], "agreed": "Family meeting"},
        "notes": {"note": "Spoke to the school"},
        "resolve": {"note": "Consultation held"},
    }
    for path, body in work.items():
        refused = post_json(client, f"/api/v1/flags/{flag_id}/{path}", therapist, body)
        assert (refused.status_code, refused.get_json()["type"]) == (403, "/problems/restricted"), path
    assert audit_actions(app, contact_id).count("contact.restricted_refused") == 3
    reason = {"reason": "Consultation this afternoon"}
    assert post_json(client, f"/api/v1/contacts/{contact_id}/break-glass", therapist, reason).status_code == 201
    for path, body in work.items():
        assert post_json(client, f"/api/v1/flags/{flag_id}/{path}", therapist, body).status_code in (200, 201), path
    history = client.get(f"/api/v1/flags/{flag_id}", headers=therapist).get_json()["history"]
    assert [event["action"] for event in history] == ["raised", "consultation_recorded", "note_added", "resolved"]


def test_the_list_of_flags_withholds_the_notes_of_a_restricted_contact(
    client: FlaskClient, make_token: Callable[..., str], partner: dict[str, str], manager: dict[str, str]
) -> None:
    therapist = staff(make_token, "therapist", "Tess Therapist")
    open_one = post_contact(client, partner, contact("R-10", **GREEN))
    closed_one = post_contact(client, partner, contact("R-11", **GREEN))
    for contact_id in (open_one, closed_one):
        assert post_json(client, f"/api/v1/contacts/{contact_id}/flags", therapist, FLAG).status_code == 201
    assert post_json(client, f"/api/v1/contacts/{closed_one}/restriction", manager, FAMILY).status_code == 201
    listed = client.get("/api/v1/flags", headers=therapist).get_json()["items"]
    by_contact = {item["contact_id"]: item for item in listed}
    assert by_contact[open_one]["restricted"] is False
    assert by_contact[open_one]["note"] == FLAG["note"]
    withheld = by_contact[closed_one]
    assert (withheld["restricted"], withheld["note"], withheld["history"]) == (True, None, [])
    assert withheld["status"] == "open" and withheld["kind"] == "systemic_consultation"
    reason = {"reason": "Consultation this afternoon"}
    assert post_json(client, f"/api/v1/contacts/{closed_one}/break-glass", therapist, reason).status_code == 201
    reopened = {item["contact_id"]: item for item in client.get("/api/v1/flags", headers=therapist).json["items"]}
    assert (reopened[closed_one]["restricted"], reopened[closed_one]["note"]) == (False, FLAG["note"])
