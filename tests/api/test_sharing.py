"""MASH checks over real HTTP against the partner simulator, with jobs run in-process (REDIS_URL unset)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from mash.screening.clock import WorkingCalendar
from mash.services import screening, sharing
from mash.services.sharing import SCREENING_LEGAL_BASIS, SCREENING_WITHOUT_CONSENT
from mash.settings import PartnerSettings, Settings
from tests.conftest import EXAMPLE_BODY, count_rows
from tests.factories import AMIRA
from tests.partners import Simulator, answered_by

CONTACTS = "/api/v1/contacts"
CHECKS = {
    "agencies": ["police", "health", "education"],
    "purpose": "Decide whether Amira needs a strategy discussion",
    "legal_basis": "UK GDPR Art 6(1)(e); DPA 2018 Sch 1 para 18",
}


@pytest.fixture
def settings(settings: Settings, simulator: Simulator) -> Settings:
    """The embedded default, with every partner agency answering from the simulator (a timeout a loaded machine's
    answer fits in, and that the slow simulator's delay is well over)."""
    return answered_by(settings, simulator, partner_timeout_seconds=2.0, screening_retry_after_seconds=0)


def contact_body(
    ref: str, *, categories: list[str], indicators: list[str] | None = None, consent: str = "given"
) -> dict[str, Any]:
    body = copy.deepcopy(EXAMPLE_BODY)
    body["referrer"]["external_reference"] = ref
    body["children"] = [copy.deepcopy(AMIRA)]
    body["concerns"]["categories"] = categories
    body["concerns"]["indicators"] = indicators or []
    body["concerns"]["summary"] = "The referrer's concerns are as coded."
    body["consent"] = {"status": consent, "reason": None if consent == "given" else "Family not yet spoken to"}
    return body


def post(client: FlaskClient, url: str, headers: dict[str, str], body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), headers=headers, content_type="application/json")


def new_contact(client: FlaskClient, headers: dict[str, str], ref: str = "CAD 1", **kind: Any) -> str:
    """Post a contact (by default one screening asks no checks for) and return its id."""
    kind.setdefault("categories", ["school_attendance"])
    response = post(client, CONTACTS, headers, contact_body(ref, **kind))
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def ledger(client: FlaskClient, headers: dict[str, str], contact_id: str) -> list[dict[str, Any]]:
    response = client.get(f"{CONTACTS}/{contact_id}/information-sharing", headers=headers)
    assert response.status_code == 200, response.get_json()
    items: list[dict[str, Any]] = response.get_json()["items"]
    return items


def by(items: list[dict[str, Any]], direction: str) -> dict[str, dict[str, Any]]:
    return {item["agency"]: item for item in items if item["direction"] == direction}


def reconfigure(app: Flask, **overrides: Any) -> None:
    app.config["MASH_SETTINGS"] = replace(app.config["MASH_SETTINGS"], **overrides)


def test_checks_to_all_three_agencies_are_requested_and_answered_with_summaries(
    app: Flask, client: FlaskClient, partner, screener, simulator: Simulator, settings: Settings
) -> None:
    contact_id = new_contact(client, partner)
    response = post(client, f"{CONTACTS}/{contact_id}/checks", screener, CHECKS)

    assert response.status_code == 202, response.get_json()
    assert response.headers["Location"] == f"{CONTACTS}/{contact_id}/information-sharing"
    accepted = response.get_json()["items"]
    assert [item["agency"] for item in accepted] == ["police", "health", "education"]
    assert {item["status"] for item in accepted} == {"pending"}
    requested_at = datetime.fromisoformat(accepted[0]["requested_at"])
    due = WorkingCalendar().decision_due_by(requested_at, "green", settings.checks_timescales)
    assert {item["due_by"] for item in accepted} == {due.isoformat()}

    items = ledger(client, screener, contact_id)
    requested, received = by(items, "requested"), by(items, "received")
    assert len(items) == 6
    for agency in ("police", "health", "education"):
        asked, answer = requested[agency], received[agency]
        assert asked["status"] == "answered"
        assert asked["answered_at"] is not None
        assert asked["attempts"] == 1
        assert asked["requested_by"] is not None
        assert asked["purpose"] == CHECKS["purpose"]
        assert asked["legal_basis"] == CHECKS["legal_basis"]
        assert asked["consent_status"] == "given"
        assert asked["without_consent_reason"] is None
        assert answer["request_id"] == asked["id"]
        assert answer["status"] == "answered"
        assert answer["answered_at"] == asked["answered_at"]
        assert answer["summary"]
    assert "3 of them domestic abuse" in received["police"]["summary"]
    assert "Warning markers: weapons." in received["police"]["summary"]
    assert "CP-IS: on a child protection plan." in received["health"]["summary"]
    assert "On roll at Oakfield Primary School." in received["education"]["summary"]
    assert "9990010005" not in json.dumps(items)
    assert sorted(r["agency"] for r in simulator.requests()) == ["education", "health", "police"]

    staff = client.get(f"{CONTACTS}/{contact_id}", headers=screener).get_json()
    assert len(staff["information_sharing"]) == 6
    summaries = {s["agency"]: s for s in staff["partner_summaries"]}
    assert summaries["health"]["status"] == "answered"
    assert summaries["health"]["summary"] == received["health"]["summary"]


def test_due_time_follows_the_contacts_rag(
    client: FlaskClient, partner, screener, settings: Settings, simulator: Simulator
) -> None:
    contact_id = new_contact(client, partner, categories=["domestic_abuse"], indicators=["weapon_or_strangulation"])
    response = post(client, f"{CONTACTS}/{contact_id}/checks", screener, {**CHECKS, "agencies": ["police"]})

    item = response.get_json()["items"][0]
    assert datetime.fromisoformat(item["due_by"]) - datetime.fromisoformat(item["requested_at"]) == timedelta(hours=2)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"purpose": None}, "purpose"),
        ({"purpose": "   "}, "purpose"),
        ({"legal_basis": ""}, "legal_basis"),
        ({"agencies": ["police", "housing"]}, "agencies.1"),
        ({"agencies": []}, "agencies"),
    ],
)
def test_invalid_check_requests_name_the_field_and_store_nothing(
    app: Flask, client: FlaskClient, partner, screener, simulator: Simulator, change: dict[str, Any], field: str
) -> None:
    contact_id = new_contact(client, partner)
    body = {key: value for key, value in {**CHECKS, **change}.items() if value is not None}
    before = count_rows(app, "information_sharing", "outbox", "audit_events")

    response = post(client, f"{CONTACTS}/{contact_id}/checks", screener, body)

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert count_rows(app, "information_sharing", "outbox", "audit_events") == before
    assert simulator.requests() == []


def test_sharing_without_consent_needs_a_reason(
    app: Flask, client: FlaskClient, partner, screener, simulator: Simulator
) -> None:
    contact_id = new_contact(client, partner, consent="refused")
    url = f"{CONTACTS}/{contact_id}/checks"

    refused = post(client, url, screener, CHECKS)
    assert refused.status_code == 422
    assert refused.get_json()["type"] == "/problems/without-consent-reason-required"
    assert list(refused.get_json()["errors"]) == ["without_consent_reason"]
    assert count_rows(app, "information_sharing")["information_sharing"] == 0

    reason = "Risk of significant harm; asking the family first could put the child at risk"
    accepted = post(client, url, screener, {**CHECKS, "agencies": ["police"], "without_consent_reason": reason})
    assert accepted.status_code == 202
    asked = by(ledger(client, screener, contact_id), "requested")["police"]
    assert (asked["consent_status"], asked["without_consent_reason"]) == ("refused", reason)


@pytest.mark.parametrize(("consent", "needs_reason"), [("given", False), ("refused", True), ("not_sought", True)])
def test_a_reason_for_sharing_without_consent_is_needed_unless_consent_was_given(
    app: Flask, client: FlaskClient, partner, screener, simulator: Simulator, consent: str, needs_reason: bool
) -> None:
    contact_id = new_contact(client, partner, consent=consent)
    response = post(client, f"{CONTACTS}/{contact_id}/checks", screener, {**CHECKS, "agencies": ["police"]})

    if needs_reason:
        assert response.status_code == 422
        problem = response.get_json()
        assert problem["type"] == "/problems/without-consent-reason-required"
        assert problem["detail"] == f"Consent to share is '{consent}': say why sharing without it is justified."
        assert problem["errors"] == {"without_consent_reason": ["Required unless the family gave consent to share."]}
        assert count_rows(app, "information_sharing")["information_sharing"] == 0
    else:
        assert response.status_code == 202, response.get_json()
        asked = by(ledger(client, screener, contact_id), "requested")["police"]
        assert (asked["consent_status"], asked["without_consent_reason"]) == ("given", None)


def test_an_agency_with_no_system_configured_is_recorded_as_not_configured_not_failed(
    app: Flask, client: FlaskClient, partner, screener, simulator: Simulator
) -> None:
    reconfigure(app, education=PartnerSettings())
    contact_id = new_contact(client, partner)

    response = post(client, f"{CONTACTS}/{contact_id}/checks", screener, CHECKS)

    assert response.status_code == 202
    education = by(response.get_json()["items"], "requested")["education"]
    assert (education["status"], education["last_error"]) == ("not_configured", "not_configured")
    assert "no education system is configured" in education["summary"]
    items = ledger(client, screener, contact_id)
    assert set(by(items, "received")) == {"police", "health"}
    assert by(items, "requested")["education"]["status"] == "not_configured"
    assert {r["agency"] for r in simulator.requests()} == {"police", "health"}


def test_partners_may_neither_ask_for_checks_nor_read_the_ledger(
    app: Flask, client: FlaskClient, partner, screener, make_token: Callable[..., str], simulator: Simulator
) -> None:
    contact_id = new_contact(client, partner)
    assert post(client, f"{CONTACTS}/{contact_id}/checks", screener, CHECKS).status_code == 202
    therapist = {"Authorization": "Bearer " + make_token("therapist", name="Therapist")}

    for headers in (partner, therapist):
        assert post(client, f"{CONTACTS}/{contact_id}/checks", headers, CHECKS).status_code == 403
        refused = client.get(f"{CONTACTS}/{contact_id}/information-sharing", headers=headers)
        assert refused.status_code == 403
        assert "items" not in refused.get_json()
    own = client.get(f"{CONTACTS}/{contact_id}", headers=partner).get_json()
    assert "information_sharing" not in own
    assert "partner_summaries" not in own
    assert client.get(f"{CONTACTS}/no-such-contact/information-sharing", headers=screener).status_code == 404
    assert count_rows(app, "information_sharing")["information_sharing"] == 6


def test_reading_the_ledger_is_audited(app: Flask, client: FlaskClient, partner, screener) -> None:
    contact_id = new_contact(client, partner)
    ledger(client, screener, contact_id)

    with app.extensions["mash.engine"].connect() as conn:
        rows = conn.execute(
            text("SELECT role FROM audit_events WHERE contact_id = :id AND action = 'sharing.read'"), {"id": contact_id}
        ).all()
    assert [row.role for row in rows] == ["screener"]


def test_screening_a_red_domestic_abuse_contact_requests_the_rulebooks_checks(
    app: Flask, client: FlaskClient, partner, screener, settings: Settings, simulator: Simulator
) -> None:
    contact_id = new_contact(
        client, partner, categories=["domestic_abuse"], indicators=["weapon_or_strangulation"], consent="not_sought"
    )

    staff = client.get(f"{CONTACTS}/{contact_id}", headers=screener).get_json()
    assert staff["recommendation"]["rag"] == "red"
    assert sorted(staff["recommendation"]["checks"]) == ["education", "health", "police"]
    items = ledger(client, screener, contact_id)
    requested, received = by(items, "requested"), by(items, "received")
    assert set(requested) == set(received) == {"police", "health", "education"}
    for asked in requested.values():
        assert asked["requested_by"] is None
        assert asked["purpose"] == "MASH screening: strategy discussion recommended"
        assert asked["legal_basis"] == SCREENING_LEGAL_BASIS
        assert asked["consent_status"] == "not_sought"
        assert asked["without_consent_reason"] == SCREENING_WITHOUT_CONSENT
        assert asked["status"] == "answered"
        elapsed = datetime.fromisoformat(asked["due_by"]) - datetime.fromisoformat(asked["requested_at"])
        assert elapsed == timedelta(hours=2)

    with app.app_context():
        session = app.extensions["mash.sessionmaker"]()
        try:
            assert screening.screen_contact(session, contact_id, settings, rescreen=True)
        finally:
            session.close()
    assert len(by(ledger(client, screener, contact_id), "requested")) == 3


def test_a_slow_partner_makes_the_check_overdue_and_a_later_answer_still_lands(
    app: Flask, client: FlaskClient, partner, screener, simulator: Simulator
) -> None:
    reconfigure(app, checks_timescales={"red": "0 hours", "amber": "0 hours", "green": "0 hours"})
    simulator.control(mode="slow", delay=4.0)
    contact_id = new_contact(client, partner)

    post(client, f"{CONTACTS}/{contact_id}/checks", screener, {**CHECKS, "agencies": ["police"]})

    asked = by(ledger(client, screener, contact_id), "requested")["police"]
    assert (asked["status"], asked["attempts"], asked["last_error"]) == ("pending", 1, "PartnerUnavailable")
    sweep = app.extensions["mash.relay"].sweep
    with app.app_context():
        sweep()
    asked = by(ledger(client, screener, contact_id), "requested")["police"]
    assert (asked["status"], asked["attempts"], asked["answered_at"]) == ("overdue", 2, None)

    simulator.control(mode="normal")
    with app.app_context():
        sweep()

    items = ledger(client, screener, contact_id)
    asked, answer = by(items, "requested")["police"], by(items, "received")["police"]
    assert (asked["status"], asked["attempts"], asked["last_error"]) == ("answered", 3, None)
    assert answer["request_id"] == asked["id"]
    assert answer["answered_at"] > asked["due_by"]
    assert "domestic abuse" in answer["summary"]


def test_mark_overdue_leaves_answered_and_not_configured_requests_alone(
    app: Flask, client: FlaskClient, partner, screener, simulator: Simulator
) -> None:
    reconfigure(app, education=PartnerSettings())
    contact_id = new_contact(client, partner)
    simulator.control(mode="error", status=503, agencies=["health"])
    post(client, f"{CONTACTS}/{contact_id}/checks", screener, CHECKS)
    asked = by(ledger(client, screener, contact_id), "requested")
    assert [asked[a]["status"] for a in ("police", "health", "education")] == ["answered", "pending", "not_configured"]

    session = app.extensions["mash.sessionmaker"]()
    try:
        later = datetime.fromisoformat(asked["health"]["due_by"]) + timedelta(seconds=1)
        assert sharing.mark_overdue(session, later) == 1
        assert sharing.mark_overdue(session, later) == 0
    finally:
        session.close()
    asked = by(ledger(client, screener, contact_id), "requested")
    assert [asked[a]["status"] for a in ("police", "health", "education")] == ["answered", "overdue", "not_configured"]


def test_a_child_protection_plan_and_repeated_domestic_abuse_in_the_answers_raise_the_recommendation(
    app: Flask, client: FlaskClient, partner, screener, simulator: Simulator
) -> None:
    contact_id = new_contact(client, partner)
    before = client.get(f"{CONTACTS}/{contact_id}", headers=screener).get_json()["recommendation"]
    assert (before["outcome"], before["rag"]) == ("signpost", "green")

    assert post(client, f"{CONTACTS}/{contact_id}/checks", screener, CHECKS).status_code == 202

    after = client.get(f"{CONTACTS}/{contact_id}", headers=screener).get_json()["recommendation"]
    assert (after["outcome"], after["rag"], after["level"]) == ("assessment", "amber", 3)
    reason = next(r for r in after["reasons"] if r["rule"] == "open-plan-or-looked-after")
    assert reason["text"].endswith("(From the health check.)")
    suggestions = client.get(f"{CONTACTS}/{contact_id}/suggestions", headers=screener).get_json()["items"]
    found = {(s["name"], s["field"], s["status"]) for s in suggestions}
    assert ("child_protection_plan", "health check", "suggested") in found
    assert ("repeat_incidents", "police check", "suggested") in found
    sentences = {s["name"]: s["sentence"] for s in suggestions}
    police = "Police hold 3 domestic abuse incidents linked to the child or their address."
    assert sentences["repeat_incidents"] == police
    with app.extensions["mash.engine"].connect() as conn:
        query = text("SELECT action FROM audit_events WHERE contact_id = :id AND action LIKE 'suggestion.%'")
        actions = [row[0] for row in conn.execute(query, {"id": contact_id})]
    assert actions == ["suggestion.from_partner", "suggestion.from_partner"]

    plan = next(s for s in suggestions if s["name"] == "child_protection_plan")
    dismissed = post(
        client,
        f"{CONTACTS}/{contact_id}/suggestions/{plan['id']}/dismiss",
        screener,
        {"reason": "Health matched a different Amira Rahman; the NHS number was wrong."},
    )
    assert dismissed.status_code == 200, dismissed.get_json()
    again = client.get(f"{CONTACTS}/{contact_id}", headers=screener).get_json()["recommendation"]
    assert (again["outcome"], again["rag"]) == ("signpost", "green")


def test_a_screener_records_an_answer_given_by_phone_with_the_facts_it_gave(
    app: Flask, client: FlaskClient, partner, screener, settings: Settings
) -> None:
    reconfigure(app, health=PartnerSettings(None, None))
    contact_id = new_contact(client, partner)
    post(client, f"{CONTACTS}/{contact_id}/checks", screener, {**CHECKS, "agencies": ["health"]})
    request = by(ledger(client, screener, contact_id), "requested")["health"]
    assert request["status"] == "not_configured"
    url = f"{CONTACTS}/{contact_id}/information-sharing/{request['id']}/answer"
    said = "Health visitor: Amira has been on a child protection plan since October (neglect)."

    refused = post(client, url, screener, {"summary": said, "indicators": ["on_a_plan"]})
    assert refused.status_code == 422
    assert "indicators" in json.dumps(refused.get_json())
    assert post(client, url, partner, {"summary": said}).status_code == 403
    unknown = post(client, f"{CONTACTS}/{contact_id}/information-sharing/nope/answer", screener, {"summary": said})
    assert unknown.status_code == 404

    answered = post(client, url, screener, {"summary": said, "indicators": ["child_protection_plan"]})
    assert answered.status_code == 201, answered.get_json()
    answer = answered.get_json()
    assert answer["direction"] == "received" and answer["request_id"] == request["id"]
    assert answer["summary"].startswith("By phone, recorded by ") and answer["summary"].endswith(said)
    assert by(ledger(client, screener, contact_id), "requested")["health"]["status"] == "answered"
    recommendation = client.get(f"{CONTACTS}/{contact_id}", headers=screener).get_json()["recommendation"]
    assert (recommendation["outcome"], recommendation["rag"]) == ("assessment", "amber")
    suggestions = client.get(f"{CONTACTS}/{contact_id}/suggestions", headers=screener).get_json()["items"]
    assert [(s["name"], s["status"], s["field"]) for s in suggestions] == [
        ("child_protection_plan", "confirmed", "health check")
    ]
    assert post(client, url, screener, {"summary": said}).status_code == 409
