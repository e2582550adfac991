"""Flags for systemic consultation through the HTTP API: the therapist raises, consults, resolves; staff read."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from mash.models import AuditEvent
from tests.conftest import count_rows
from tests.server import serving

FLAGS = "/api/v1/flags"
TABLES = ("flags", "flag_events", "audit_events")
NOTE = "Family has had four contacts this year; mother says no one listens. A systemic consultation could help."
CONSULTATION = {
    "date": date.today().isoformat(),
    "participants": ["social worker", "mother", "health visitor"],
    "agreed": "Meet the family at home with both parents; start from what they say is working.",
}


def send(client: FlaskClient, headers: dict[str, str], url: str, body: Any) -> TestResponse:
    return client.post(url, data=json.dumps(body), headers=headers, content_type="application/json")


def raise_flag(client: FlaskClient, headers: dict[str, str], contact_id: str, note: str = NOTE) -> TestResponse:
    return send(
        client, headers, f"/api/v1/contacts/{contact_id}/flags", {"kind": "systemic_consultation", "note": note}
    )


@pytest.fixture
def admin(make_token: Callable[..., str]) -> dict[str, str]:
    """Headers for an administrator."""
    return {"Authorization": "Bearer " + make_token("admin", name="Admin")}


@pytest.fixture
def contact_id(client: FlaskClient, partner: dict[str, str], body: dict[str, Any]) -> str:
    """A contact submitted by the police partner."""
    response = send(client, partner, "/api/v1/contacts", body)
    assert response.status_code == 201
    return str(response.get_json()["id"])


@pytest.fixture
def other_contact_id(client: FlaskClient, partner: dict[str, str], body: dict[str, Any]) -> str:
    """A second contact, about another child."""
    body["referrer"]["external_reference"] = "CAD 999/22NOV"
    body["children"][0]["first_name"] = "Yusuf"
    return str(send(client, partner, "/api/v1/contacts", body).get_json()["id"])


@pytest.fixture
def flag_id(client: FlaskClient, therapist: dict[str, str], contact_id: str) -> str:
    """An open flag on the contact."""
    response = raise_flag(client, therapist, contact_id)
    assert response.status_code == 201
    return str(response.get_json()["id"])


def test_therapist_raises_consults_and_resolves_keeping_the_history_in_order(
    client: FlaskClient, therapist, contact_id
) -> None:
    raised = raise_flag(client, therapist, contact_id)
    assert raised.status_code == 201
    flag = raised.get_json()
    assert raised.headers["Location"] == f"{FLAGS}/{flag['id']}"
    assert (flag["contact_id"], flag["kind"], flag["status"], flag["note"]) == (
        contact_id,
        "systemic_consultation",
        "open",
        NOTE,
    )
    assert flag["raised_at"].endswith("+00:00") and flag["resolved_at"] is None

    consulted = send(client, therapist, f"{FLAGS}/{flag['id']}/consultations", CONSULTATION)
    assert consulted.status_code == 201
    noted = send(client, therapist, f"{FLAGS}/{flag['id']}/notes", {"note": "Father asked to join next time."})
    assert noted.status_code == 201
    resolved = send(client, therapist, f"{FLAGS}/{flag['id']}/resolve", {"note": "Plan agreed with the family."})
    assert resolved.status_code == 200
    assert resolved.get_json()["status"] == "resolved"

    read = client.get(f"{FLAGS}/{flag['id']}", headers=therapist).get_json()
    assert read["status"] == "resolved"
    assert read["resolution_note"] == "Plan agreed with the family."
    assert read["resolved_by"] == read["raised_by"] and read["resolved_at"] >= read["raised_at"]
    assert read["note"] == NOTE
    history = read["history"]
    assert [event["action"] for event in history] == ["raised", "consultation_recorded", "note_added", "resolved"]
    assert [event["at"] for event in history] == sorted(event["at"] for event in history)
    assert {event["role"] for event in history} == {"therapist"}
    assert history[0]["note"] == NOTE
    consultation = history[1]
    assert consultation["date"] == CONSULTATION["date"]
    assert consultation["participants"] == CONSULTATION["participants"]
    assert consultation["agreed"] == CONSULTATION["agreed"]
    assert history[2]["note"] == "Father asked to join next time." and history[2]["date"] is None
    assert history[3]["note"] == "Plan agreed with the family."


def test_kind_defaults_to_systemic_consultation(client: FlaskClient, therapist, contact_id) -> None:
    response = send(client, therapist, f"/api/v1/contacts/{contact_id}/flags", {"note": NOTE})
    assert response.status_code == 201
    assert response.get_json()["kind"] == "systemic_consultation"


@pytest.mark.parametrize("role", ["screener", "manager", "admin", "partner"])
def test_only_the_therapist_raises_consults_and_resolves(
    app: Flask, client: FlaskClient, make_token, therapist, contact_id, flag_id, role
) -> None:
    other = {"Authorization": "Bearer " + make_token(role, "Metropolitan Police", "police", f"Test {role}")}
    before = count_rows(app, *TABLES)
    assert raise_flag(client, other, contact_id).status_code == 403
    assert send(client, other, f"{FLAGS}/{flag_id}/consultations", CONSULTATION).status_code == 403
    assert send(client, other, f"{FLAGS}/{flag_id}/notes", {"note": "x"}).status_code == 403
    response = send(client, other, f"{FLAGS}/{flag_id}/resolve", {"note": "Closing it."})
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert count_rows(app, *TABLES) == before
    assert client.get(f"{FLAGS}/{flag_id}", headers=therapist).get_json()["status"] == "open"


def test_caseworkers_read_flags_in_the_list_the_flag_and_the_contact(
    client: FlaskClient, screener, manager, admin, therapist, contact_id, flag_id
) -> None:
    assert client.get(FLAGS, headers=admin).status_code == 403
    assert client.get(f"{FLAGS}/{flag_id}", headers=admin).status_code == 404
    for headers in (screener, manager, therapist):
        listed = client.get(FLAGS, headers=headers)
        assert listed.status_code == 200
        assert [item["id"] for item in listed.get_json()["items"]] == [flag_id]
        assert client.get(f"{FLAGS}/{flag_id}", headers=headers).get_json()["history"][0]["action"] == "raised"
        on_contact = client.get(f"/api/v1/contacts/{contact_id}/flags", headers=headers).get_json()
        assert [item["id"] for item in on_contact["items"]] == [flag_id]
        staff = client.get(f"/api/v1/contacts/{contact_id}", headers=headers).get_json()
        [flag] = staff["flags"]
        assert (flag["id"], flag["status"], flag["kind"], flag["note"]) == (
            flag_id,
            "open",
            "systemic_consultation",
            NOTE,
        )
        assert flag["raised_at"] and [event["action"] for event in flag["history"]] == ["raised"]


def test_a_contact_without_flags_shows_an_empty_list_to_staff(client: FlaskClient, screener, contact_id) -> None:
    assert client.get(f"/api/v1/contacts/{contact_id}", headers=screener).get_json()["flags"] == []


def test_partner_cannot_read_flags(client: FlaskClient, partner, contact_id, flag_id) -> None:
    listed = client.get(FLAGS, headers=partner)
    assert listed.status_code == 403
    assert listed.mimetype == "application/problem+json"
    assert client.get(f"{FLAGS}?contact_id={contact_id}", headers=partner).status_code == 403
    assert client.get(f"{FLAGS}/{flag_id}", headers=partner).status_code == 404
    assert client.get(f"/api/v1/contacts/{contact_id}/flags", headers=partner).status_code == 404
    own = client.get(f"/api/v1/contacts/{contact_id}", headers=partner)
    assert own.status_code == 200
    assert "flags" not in own.get_json()
    assert NOTE.encode() not in own.get_data()


def test_open_filter_and_contact_filter(
    client: FlaskClient, therapist, screener, contact_id, other_contact_id, flag_id
) -> None:
    other = raise_flag(client, therapist, other_contact_id).get_json()["id"]
    send(client, therapist, f"{FLAGS}/{flag_id}/resolve", {"note": "Done."})

    def ids(query: str) -> list[str]:
        response = client.get(f"{FLAGS}{query}", headers=screener)
        assert response.status_code == 200
        return [item["id"] for item in response.get_json()["items"]]

    assert ids("?open=true") == [other]
    assert ids("?open=false") == [flag_id]
    assert sorted(ids("")) == sorted([flag_id, other])
    assert ids(f"?contact_id={contact_id}") == [flag_id]
    assert ids(f"?contact_id={contact_id}&open=true") == []
    on_contact = client.get(f"/api/v1/contacts/{other_contact_id}/flags?open=true", headers=screener).get_json()
    assert [item["id"] for item in on_contact["items"]] == [other]


def test_list_pages_with_a_cursor(client: FlaskClient, therapist, screener, partner, body) -> None:
    raised = []
    for n in range(5):
        body["referrer"]["external_reference"] = f"REF {n}"
        contact = send(client, partner, "/api/v1/contacts", body).get_json()["id"]
        raised.append(raise_flag(client, therapist, contact).get_json()["id"])
    seen: list[str] = []
    cursor = None
    while True:
        page = client.get(f"{FLAGS}?limit=2" + (f"&cursor={cursor}" if cursor else ""), headers=screener).get_json()
        assert len(page["items"]) <= 2
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(raised))


@pytest.mark.parametrize(
    ("query", "field"),
    [("?open=yes", "open"), ("?limit=0", "limit"), ("?status=open", "status"), ("?cursor=not-ours", "cursor")],
)
def test_bad_list_queries_are_refused(client: FlaskClient, screener, query, field) -> None:
    response = client.get(f"{FLAGS}{query}", headers=screener)
    assert response.status_code in (400, 422)
    assert field in response.get_json()["errors"]


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        ({"kind": "systemic_consultation"}, "note"),
        ({"kind": "systemic_consultation", "note": "   "}, "note"),
        ({"kind": "systemic_consultation", "note": ""}, "note"),
        ({"kind": "systemic_consultation", "note": None}, "note"),
        ({"kind": "something_else", "note": NOTE}, "kind"),
        ({"kind": "systemic_consultation", "note": NOTE, "status": "resolved"}, "status"),
    ],
    ids=["missing note", "blank note", "empty note", "null note", "unknown kind", "unknown field"],
)
def test_invalid_flag_is_422_naming_the_field_and_stores_nothing(
    app: Flask, client: FlaskClient, therapist, contact_id, doc, field
) -> None:
    before = count_rows(app, *TABLES)
    response = send(client, therapist, f"/api/v1/contacts/{contact_id}/flags", doc)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"], response.get_json()
    assert count_rows(app, *TABLES) == before


TOMORROW = (date.today() + timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date": TOMORROW}, "date"),
        ({"date": "2026-02-30"}, "date"),
        ({"participants": []}, "participants"),
        ({"participants": ["mother", " "]}, "participants.1"),
        ({"agreed": ""}, "agreed"),
        ({"agreed": None}, "agreed"),
        ({"note": "extra"}, "note"),
    ],
    ids=["future", "impossible", "no participants", "blank participant", "empty agreed", "null agreed", "unknown"],
)
def test_invalid_consultation_is_422_naming_the_field(
    app: Flask, client: FlaskClient, therapist, flag_id, change, field
) -> None:
    before = count_rows(app, *TABLES)
    response = send(client, therapist, f"{FLAGS}/{flag_id}/consultations", {**CONSULTATION, **change})
    assert response.status_code == 422
    assert field in response.get_json()["errors"], response.get_json()
    assert count_rows(app, *TABLES) == before


@pytest.mark.parametrize("missing", ["date", "participants", "agreed"])
def test_consultation_needs_date_participants_and_agreed(client: FlaskClient, therapist, flag_id, missing) -> None:
    doc = {name: value for name, value in CONSULTATION.items() if name != missing}
    response = send(client, therapist, f"{FLAGS}/{flag_id}/consultations", doc)
    assert response.status_code == 422
    assert missing in response.get_json()["errors"]


def test_resolve_needs_a_note(client: FlaskClient, therapist, flag_id) -> None:
    response = send(client, therapist, f"{FLAGS}/{flag_id}/resolve", {})
    assert response.status_code == 422
    assert "note" in response.get_json()["errors"]
    assert client.get(f"{FLAGS}/{flag_id}", headers=therapist).get_json()["status"] == "open"


def test_second_open_flag_of_the_same_kind_is_409_until_the_first_is_resolved(
    app: Flask, client: FlaskClient, therapist, contact_id, flag_id
) -> None:
    again = raise_flag(client, therapist, contact_id, note="Another worry.")
    assert again.status_code == 409
    problem = again.get_json()
    assert problem["type"].endswith("flag-already-open") and problem["existing_id"] == flag_id
    assert again.headers["Location"] == f"{FLAGS}/{flag_id}"
    assert count_rows(app, "flags")["flags"] == 1

    send(client, therapist, f"{FLAGS}/{flag_id}/resolve", {"note": "Done."})
    later = raise_flag(client, therapist, contact_id, note="New worries after a further contact.")
    assert later.status_code == 201
    assert later.get_json()["id"] != flag_id
    listed = client.get(f"/api/v1/contacts/{contact_id}/flags", headers=therapist).get_json()
    assert [item["status"] for item in listed["items"]] == ["open", "resolved"]


def test_resolving_twice_is_409_and_a_resolved_flag_takes_nothing_more(
    app: Flask, client: FlaskClient, therapist, flag_id
) -> None:
    assert send(client, therapist, f"{FLAGS}/{flag_id}/resolve", {"note": "Done."}).status_code == 200
    before = count_rows(app, *TABLES)
    twice = send(client, therapist, f"{FLAGS}/{flag_id}/resolve", {"note": "Done again."})
    assert twice.status_code == 409
    assert twice.get_json()["type"].endswith("flag-already-resolved")
    assert send(client, therapist, f"{FLAGS}/{flag_id}/consultations", CONSULTATION).status_code == 409
    assert send(client, therapist, f"{FLAGS}/{flag_id}/notes", {"note": "Late note."}).status_code == 409
    assert count_rows(app, *TABLES) == before
    read = client.get(f"{FLAGS}/{flag_id}", headers=therapist).get_json()
    assert read["resolution_note"] == "Done."
    assert [event["action"] for event in read["history"]] == ["raised", "resolved"]


def test_unknown_flag_or_contact_is_404(client: FlaskClient, therapist, screener) -> None:
    missing = "00000000-0000-0000-0000-000000000000"
    assert raise_flag(client, therapist, missing).status_code == 404
    assert client.get(f"{FLAGS}/{missing}", headers=screener).status_code == 404
    assert client.get(f"/api/v1/contacts/{missing}/flags", headers=screener).status_code == 404
    response = send(client, therapist, f"{FLAGS}/{missing}/resolve", {"note": "Done."})
    assert response.status_code == 404
    assert response.get_json()["type"].endswith("flag-not-found")
    assert client.get(f"{FLAGS}?contact_id={missing}", headers=screener).get_json()["items"] == []


def test_every_flag_read_and_write_is_audited_against_the_contact(
    app: Flask, client: FlaskClient, therapist, screener, contact_id
) -> None:
    flag = raise_flag(client, therapist, contact_id).get_json()["id"]
    send(client, therapist, f"{FLAGS}/{flag}/consultations", CONSULTATION)
    send(client, therapist, f"{FLAGS}/{flag}/notes", {"note": "A note."})
    send(client, therapist, f"{FLAGS}/{flag}/resolve", {"note": "Done."})
    client.get(f"{FLAGS}/{flag}", headers=screener)
    client.get(FLAGS, headers=screener)
    client.get(f"/api/v1/contacts/{contact_id}/flags", headers=screener)
    send(client, therapist, f"{FLAGS}/{flag}/resolve", {"note": "Refused: already resolved."})

    with app.extensions["mash.sessionmaker"]() as session, session.begin():
        events = session.execute(select(AuditEvent).where(AuditEvent.action.like("flag.%"))).scalars().all()
        rows = sorted((e.action, e.role, e.contact_id, (e.detail or {}).get("flag_id")) for e in events)
    assert rows == sorted(
        [
            ("flag.raise", "therapist", contact_id, flag),
            ("flag.consultation", "therapist", contact_id, flag),
            ("flag.note", "therapist", contact_id, flag),
            ("flag.resolve", "therapist", contact_id, flag),
            ("flag.read", "screener", contact_id, flag),
            ("flag.list", "screener", contact_id, None),
            ("flag.list", "screener", contact_id, None),
        ]
    )
    assert all(set(e.detail or {}) <= {"flag_id"} for e in events)


def post_at_once(app: Flask, headers: dict[str, str], path: str, body: Any, times: int = 10) -> list[Any]:
    """Send the same POST from several threads at once over real HTTP."""
    payload, sent = json.dumps(body), {**headers, "Content-Type": "application/json"}
    with serving(app) as base, ThreadPoolExecutor(max_workers=times) as pool:
        return list(
            pool.map(lambda _: requests.post(base + path, data=payload, headers=sent, timeout=30), range(times))
        )


def test_concurrent_raises_leave_one_open_flag(app: Flask, therapist, contact_id) -> None:
    responses = post_at_once(app, therapist, f"/api/v1/contacts/{contact_id}/flags", {"note": NOTE})
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 9, statuses
    created = next(r.json()["id"] for r in responses if r.status_code == 201)
    assert all(r.json()["existing_id"] == created for r in responses if r.status_code == 409)
    assert count_rows(app, "flags", "flag_events") == {"flags": 1, "flag_events": 1}


def test_concurrent_resolves_resolve_once(app: Flask, therapist, flag_id) -> None:
    responses = post_at_once(app, therapist, f"{FLAGS}/{flag_id}/resolve", {"note": "Done."})
    assert sorted(r.status_code for r in responses) == [200] + [409] * 9
    assert count_rows(app, "flag_events")["flag_events"] == 2
