"""The queue, claims, decisions, oversight, feedback and access history through the HTTP API."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pytest_httpserver import HTTPServer
from sqlalchemy import select, text

from integrations.notify import verify
from mash.models import AuditEvent, Claim
from mash.services import feedback as feedback_service
from tests.api.helpers import AMBER, GREEN, RED, contact, post_contact, post_json

Q = "/api/v1/queue"


def _staff(make_token: Any, role: str, name: str) -> dict[str, str]:
    return {"Authorization": "Bearer " + make_token(role, name=name)}


@pytest.fixture
def screener_b(make_token: Any) -> dict[str, str]:
    return _staff(make_token, "screener", "Second Screener")


def decide(client: FlaskClient, headers: dict[str, str], contact_id: str, **body: Any) -> Any:
    data = {"outcome": "assessment", "rag": "amber", "rationale": "Needs a s17 assessment.", **body}
    return post_json(client, f"/api/v1/contacts/{contact_id}/decision", headers, data)


def test_queue_is_red_then_amber_then_green(client: FlaskClient, partner, screener) -> None:
    green = post_contact(client, partner, contact("G", **GREEN))
    amber = post_contact(client, partner, contact("A", **AMBER))
    red = post_contact(client, partner, contact("R", **RED))
    items = client.get(Q, headers=screener).get_json()["items"]
    assert [i["id"] for i in items] == [red, amber, green]
    assert [i["recommendation"]["rag"] for i in items] == ["red", "amber", "green"]
    reds = client.get(f"{Q}?rag=red", headers=screener).get_json()["items"]
    assert [i["id"] for i in reds] == [red]


def test_queue_orders_by_deadline_and_marks_overdue(app: Flask, client: FlaskClient, partner, screener) -> None:
    first = post_contact(client, partner, contact("G1", **GREEN))
    second = post_contact(client, partner, contact("G2", **GREEN))
    past = datetime.now(UTC) - timedelta(hours=1)
    with app.extensions["mash.engine"].begin() as conn:
        conn.execute(
            text("UPDATE recommendations SET decision_due_by = :due WHERE contact_id = :id"),
            {"due": past if conn.dialect.name == "postgresql" else past.replace(tzinfo=None), "id": second},
        )
    items = client.get(Q, headers=screener).get_json()["items"]
    assert [i["id"] for i in items] == [second, first]
    assert [i["overdue"] for i in items] == [True, False]
    overdue = client.get(f"{Q}?overdue=true", headers=screener).get_json()["items"]
    assert [i["id"] for i in overdue] == [second]


def test_queue_pages_with_a_cursor(client: FlaskClient, partner, screener) -> None:
    ids = [post_contact(client, partner, contact(f"P{n}", **GREEN)) for n in range(3)]
    first = client.get(f"{Q}?limit=2", headers=screener).get_json()
    second = client.get(f"{Q}?limit=2&cursor={first['next_cursor']}", headers=screener).get_json()
    assert sorted(i["id"] for i in first["items"] + second["items"]) == sorted(ids)
    assert second["next_cursor"] is None


def test_two_screeners_cannot_take_the_same_contact(client: FlaskClient, partner, screener, screener_b) -> None:
    one = post_contact(client, partner, contact("C1", **GREEN))
    two = post_contact(client, partner, contact("C2", **GREEN))
    taken = client.post(f"/api/v1/contacts/{one}/claim", headers=screener)
    assert taken.status_code == 200
    claim = taken.get_json()
    assert claim["contact_id"] == one
    claimed_at, expires_at = (datetime.fromisoformat(claim[k]) for k in ("claimed_at", "expires_at"))
    assert expires_at - claimed_at == timedelta(minutes=30)
    refused = client.post(f"/api/v1/contacts/{one}/claim", headers=screener_b)
    assert refused.status_code == 409
    problem = refused.get_json()
    assert problem["type"] == "/problems/contact-claimed"
    assert problem["detail"].startswith("Held by Screener until ")
    assert client.post(f"/api/v1/contacts/{two}/claim", headers=screener_b).status_code == 200
    claims = {i["id"]: i["claim"] for i in client.get(Q, headers=screener).get_json()["items"]}
    assert (claims[one]["name"], claims[two]["name"]) == ("Screener", "Second Screener")
    blocked = decide(client, screener_b, one)
    assert blocked.status_code == 409
    assert blocked.get_json()["detail"] == "Held by Screener: ask them, or a manager, to release it."
    assert client.delete(f"/api/v1/contacts/{one}/claim", headers=screener).status_code == 204
    assert client.post(f"/api/v1/contacts/{one}/claim", headers=screener_b).status_code == 200


def test_expired_claim_can_be_taken(app: Flask, client: FlaskClient, partner, screener, screener_b) -> None:
    one = post_contact(client, partner, contact("C1", **GREEN))
    client.post(f"/api/v1/contacts/{one}/claim", headers=screener)
    with app.extensions["mash.engine"].begin() as conn:
        conn.execute(text("UPDATE claims SET expires_at = claimed_at"))
    assert client.post(f"/api/v1/contacts/{one}/claim", headers=screener_b).status_code == 200
    claims = {i["id"]: i["claim"] for i in client.get(Q, headers=screener).get_json()["items"]}
    assert claims[one]["name"] == "Second Screener"


def test_an_expired_claim_does_not_block_a_decision(
    app: Flask, client: FlaskClient, partner, screener, screener_b
) -> None:
    one = post_contact(client, partner, contact("C1", **GREEN))
    assert client.post(f"/api/v1/contacts/{one}/claim", headers=screener).status_code == 200
    with app.extensions["mash.engine"].begin() as conn:
        conn.execute(text("UPDATE claims SET expires_at = claimed_at"))
    assert client.get(Q, headers=screener_b).get_json()["items"][0]["claim"] is None
    made = decide(client, screener_b, one)
    assert made.status_code == 201, made.get_json()
    assert (made.get_json()["outcome"], made.get_json()["rationale"]) == ("assessment", "Needs a s17 assessment.")
    assert client.get(f"/api/v1/contacts/{one}", headers=screener).get_json()["status"] == "decided"


def test_decision_as_recommended_then_oversight_closes(client: FlaskClient, partner, screener, manager) -> None:
    cid = post_contact(client, partner, contact("D1", **AMBER))
    recommended = client.get(f"/api/v1/contacts/{cid}", headers=screener).get_json()["recommendation"]
    made = decide(client, screener, cid, outcome=recommended["outcome"], rag=recommended["rag"])
    assert made.status_code == 201
    assert made.get_json()["override"] is False
    assert decide(client, screener, cid).status_code == 409
    assert client.get(f"/api/v1/contacts/{cid}", headers=screener).get_json()["status"] == "decided"
    signed = post_json(client, f"/api/v1/contacts/{cid}/oversight", manager, {"agree": True, "comment": "Agreed."})
    assert signed.status_code == 201
    assert (signed.get_json()["decision_id"], signed.get_json()["agree"]) == (made.get_json()["id"], True)
    assert signed.get_json()["comment"] == "Agreed."
    staff = client.get(f"/api/v1/contacts/{cid}", headers=screener).get_json()
    assert staff["status"] == "closed"
    assert len(staff["decisions"]) == 1 and staff["oversight"][0]["agree"] is True


def test_override_records_both_and_disagreement_reopens(client: FlaskClient, partner, screener, manager) -> None:
    cid = post_contact(client, partner, contact("O1", **RED))
    made = decide(client, screener, cid, outcome="early_help", rag="green", rationale="Mother has left; safe now.")
    body = made.get_json()
    assert body["override"] is True
    assert (body["recommended_outcome"], body["outcome"]) == ("strategy_discussion", "early_help")
    missing = post_json(client, f"/api/v1/contacts/{cid}/oversight", manager, {"agree": False})
    assert missing.status_code == 422 and "comment" in missing.get_json()["errors"]
    reopened = post_json(
        client, f"/api/v1/contacts/{cid}/oversight", manager, {"agree": False, "comment": "Weapon used: s47."}
    )
    assert reopened.status_code == 201
    assert client.get(f"/api/v1/contacts/{cid}", headers=screener).get_json()["status"] == "awaiting_decision"
    again = decide(client, manager, cid, outcome="strategy_discussion", rag="red", rationale="Strategy discussion.")
    assert again.status_code == 201
    staff = client.get(f"/api/v1/contacts/{cid}", headers=screener).get_json()
    assert [d["outcome"] for d in staff["decisions"]] == ["early_help", "strategy_discussion"]
    assert staff["decision"]["outcome"] == "strategy_discussion"


def test_siblings_can_be_decided_differently(client: FlaskClient, partner, screener) -> None:
    body = contact(
        "S1",
        **GREEN,
        children=[
            {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "2015-01-01"},
            {"first_name": "Ben", "last_name": "Lee", "date_of_birth": "2018-01-01"},
        ],
    )
    cid = post_contact(client, partner, body)
    children = client.get(f"/api/v1/contacts/{cid}", headers=screener).get_json()["children"]
    made = decide(
        client,
        screener,
        cid,
        outcome="early_help",
        rag="green",
        children=[{"child_id": children[1]["id"], "outcome": "assessment", "rationale": "Ben's needs are complex."}],
    ).get_json()
    assert [c["outcome"] for c in made["children"]] == ["early_help", "assessment"]
    assert made["override"] is True


def test_rationale_is_required(client: FlaskClient, partner, screener) -> None:
    cid = post_contact(client, partner, contact("R1", **GREEN))
    response = post_json(client, f"/api/v1/contacts/{cid}/decision", screener, {"outcome": "nfa", "rag": "green"})
    assert response.status_code == 422 and "rationale" in response.get_json()["errors"]


def test_partner_sees_feedback_without_family_details(client: FlaskClient, partner, screener) -> None:
    cid = post_contact(client, partner, contact("F1", **GREEN))
    assert client.get(f"/api/v1/contacts/{cid}", headers=partner).get_json()["feedback"] is None
    decide(client, screener, cid, outcome="early_help", rag="green", rationale="Family agree to early help.")
    seen = client.get(f"/api/v1/contacts/{cid}", headers=partner).get_json()
    assert seen["feedback"]["outcome"] == "early_help"
    assert "early help" in seen["feedback"]["message"]
    assert "Amira" not in seen["feedback"]["message"] and "Sara" not in seen["feedback"]["message"]
    assert set(seen) == {"id", "reference", "status", "received_at", "external_reference", "feedback"}


def test_feedback_is_delivered_to_the_partner_webhook(
    app: Flask, client: FlaskClient, partner, screener, httpserver: HTTPServer
) -> None:
    secret = feedback_service.register_webhook(
        app.extensions["mash.sessionmaker"](), "Metropolitan Police", httpserver.url_for("/mash-feedback")
    )
    httpserver.expect_oneshot_request("/mash-feedback", method="POST").respond_with_data("ok")
    cid = post_contact(client, partner, contact("W1", **GREEN))
    decide(client, screener, cid, outcome="nfa", rag="green", rationale="No additional needs.")
    assert httpserver.log == []  # no further action is final only once a manager signs it off
    post_json(client, f"/api/v1/contacts/{cid}/oversight", _manager(app), {"agree": True, "comment": "Agreed."})
    assert len(httpserver.log) == 1
    request, _ = httpserver.log[0]
    assert request.get_json()["outcome"] == "nfa"
    signature = request.headers["X-MASH-Signature"]
    assert verify(secret, signature, request.get_data(), now=time.time())
    assert not verify(secret, signature, request.get_data(), now=time.time() + 301)
    assert not verify(secret, signature, request.get_data() + b" ", now=time.time())
    assert client.get("/api/v1/feedback/overdue", headers=_manager(app)).get_json()["items"] == []


def _manager(app: Flask) -> dict[str, str]:
    from mash.services.users import create_user

    _, token = create_user(app.extensions["mash.sessionmaker"](), "Manager", "manager")
    return {"Authorization": "Bearer " + token}


def test_undelivered_feedback_is_listed_for_managers(
    app: Flask, client: FlaskClient, partner, screener, manager, httpserver: HTTPServer
) -> None:
    feedback_service.register_webhook(
        app.extensions["mash.sessionmaker"](), "Metropolitan Police", httpserver.url_for("/down")
    )
    httpserver.expect_request("/down").respond_with_data("no", status=410)
    cid = post_contact(client, partner, contact("W2", **GREEN))
    decide(client, screener, cid, outcome="signpost", rag="green", rationale="Universal services will help.")
    with app.extensions["mash.engine"].begin() as conn:
        conn.execute(text("UPDATE feedback SET due_by = decided_at"))
    items = client.get("/api/v1/feedback/overdue", headers=manager).get_json()["items"]
    assert [(i["contact_id"], i["status"]) for i in items] == [(cid, "failed")]
    assert client.get("/api/v1/feedback/overdue", headers=screener).status_code == 403


def test_roles(client: FlaskClient, partner, screener, manager, therapist) -> None:
    cid = post_contact(client, partner, contact("X1", **GREEN))
    assert decide(client, therapist, cid).status_code == 403
    assert decide(client, partner, cid).status_code == 403
    assert client.get(Q, headers=therapist).status_code == 200
    assert client.get(Q, headers=partner).status_code == 403
    decide(client, screener, cid)
    assert post_json(client, f"/api/v1/contacts/{cid}/oversight", screener, {"agree": True}).status_code == 403
    assert client.get(f"/api/v1/contacts/{cid}/access-history", headers=screener).status_code == 403
    child_id = client.get(f"/api/v1/contacts/{cid}", headers=screener).get_json()["children"][0]["id"]
    assert client.get(f"/api/v1/children/{child_id}/history", headers=partner).status_code == 403
    assert client.post("/api/v1/matches/any/confirm", headers=partner).status_code == 403
    assert client.post(f"/api/v1/contacts/{cid}/claim", headers=therapist).status_code == 403
    partner_view = client.get(f"/api/v1/contacts/{cid}", headers=partner).get_json()
    assert "decision" not in partner_view and "recommendation" not in partner_view


def test_access_history_shows_every_staff_view(client: FlaskClient, partner, screener, screener_b, manager) -> None:
    cid = post_contact(client, partner, contact("H1", **GREEN))
    client.get(f"/api/v1/contacts/{cid}", headers=screener)
    client.get(f"/api/v1/contacts/{cid}", headers=screener_b)
    items = client.get(f"/api/v1/contacts/{cid}/access-history", headers=manager).get_json()["items"]
    reads = [(i["user_name"], i["role"]) for i in items if i["action"] == "contact.read"]
    assert sorted(reads) == [("Screener", "screener"), ("Second Screener", "screener")]
    assert all(i["at"] for i in items)


def claim_holder(client: FlaskClient, headers: dict[str, str], contact_id: str) -> str | None:
    claims = {i["id"]: i["claim"] for i in client.get(Q, headers=headers).get_json()["items"]}
    return claims[contact_id]["name"] if claims[contact_id] else None


def test_only_the_holder_or_a_manager_releases_a_claim(
    client: FlaskClient, partner, screener, screener_b, manager
) -> None:
    one = post_contact(client, partner, contact("L1", **GREEN))
    assert client.post(f"/api/v1/contacts/{one}/claim", headers=screener).status_code == 200
    assert client.delete(f"/api/v1/contacts/{one}/claim", headers=screener_b).status_code == 204
    assert claim_holder(client, screener, one) == "Screener"
    again = client.post(f"/api/v1/contacts/{one}/claim", headers=screener)
    assert (again.status_code, again.get_json()["contact_id"]) == (200, one)
    assert claim_holder(client, screener, one) == "Screener"
    assert client.delete(f"/api/v1/contacts/{one}/claim", headers=manager).status_code == 204
    assert claim_holder(client, screener, one) is None
    items = client.get(f"/api/v1/contacts/{one}/access-history", headers=manager).get_json()["items"]
    claims = [(i["action"], i["user_name"]) for i in items if i["action"] in ("contact.claim", "contact.release")]
    assert claims == [
        ("contact.release", "Manager"),
        ("contact.claim", "Screener"),
        ("contact.release", "Second Screener"),
        ("contact.claim", "Screener"),
    ]


def test_a_contact_that_is_unknown_or_decided_cannot_be_claimed(client: FlaskClient, partner, screener) -> None:
    missing = client.post("/api/v1/contacts/no-such-contact/claim", headers=screener)
    assert (missing.status_code, missing.get_json()["type"]) == (404, "/problems/contact-not-found")
    assert missing.get_json()["detail"] == "No contact no-such-contact."
    not_released = client.delete("/api/v1/contacts/no-such-contact/claim", headers=screener)
    assert (not_released.status_code, not_released.get_json()["detail"]) == (404, "No contact no-such-contact.")
    one = post_contact(client, partner, contact("N1", **GREEN))
    assert decide(client, screener, one).status_code == 201
    decided = client.post(f"/api/v1/contacts/{one}/claim", headers=screener)
    assert (decided.status_code, decided.get_json()["type"]) == (409, "/problems/not-in-queue")
    assert decided.get_json()["detail"] == "The contact is decided."
    again = decide(client, screener, one).get_json()
    assert (again["type"], again["detail"]) == (
        "/problems/decision-already-recorded",
        "The contact is decided; a manager may reopen it.",
    )


def test_a_decision_records_who_decided_what_against_what_was_recommended(
    app: Flask, client: FlaskClient, partner, screener, manager
) -> None:
    cid = post_contact(client, partner, contact("W1", **AMBER))
    recommended = client.get(f"/api/v1/contacts/{cid}", headers=screener).get_json()["recommendation"]
    user_id = client.post(f"/api/v1/contacts/{cid}/claim", headers=screener).get_json()["user_id"]
    other_rag = "red" if recommended["rag"] != "red" else "green"
    made = decide(client, screener, cid, outcome=recommended["outcome"], rag=other_rag).get_json()
    assert {k: made[k] for k in ("decided_by", "role", "outcome", "rag", "rationale", "override")} == {
        "decided_by": user_id,
        "role": "screener",
        "outcome": recommended["outcome"],
        "rag": other_rag,
        "rationale": "Needs a s17 assessment.",
        "override": True,
    }
    assert (made["recommended_outcome"], made["recommended_rag"]) == (recommended["outcome"], recommended["rag"])
    items = client.get(f"/api/v1/contacts/{cid}/access-history", headers=manager).get_json()["items"]
    assert [(i["user_name"], i["at"]) for i in items if i["action"] == "contact.decide"] == [
        ("Screener", made["decided_at"])
    ]
    with app.extensions["mash.sessionmaker"]() as session, session.begin():
        details = session.execute(select(AuditEvent.detail).where(AuditEvent.action == "contact.decide")).scalars()
        assert list(details) == [{"decision": made["id"], "override": True}]
    ledger = client.get(f"/api/v1/contacts/{cid}/information-sharing", headers=screener).get_json()["items"]
    told = [(i["direction"], i["requested_by"]) for i in ledger if i["purpose"].startswith("Feedback to the referrer")]
    assert told == [("disclosed", user_id)]
    reopened = post_json(client, f"/api/v1/contacts/{cid}/oversight", manager, {"agree": False, "comment": "Redo."})
    assert reopened.status_code == 201
    assert claim_holder(client, screener, cid) is None


def test_a_manager_may_decide_a_contact_another_screener_holds(client: FlaskClient, partner, screener, manager) -> None:
    cid = post_contact(client, partner, contact("W2", **GREEN))
    assert client.post(f"/api/v1/contacts/{cid}/claim", headers=screener).status_code == 200
    made = decide(client, manager, cid)
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["role"] == "manager"


def test_a_screener_holds_several_contacts_and_taking_one_leaves_the_others_alone(
    app: Flask, client: FlaskClient, partner, screener, screener_b
) -> None:
    mine = post_contact(client, partner, contact("M1", **GREEN))
    second = post_contact(client, partner, contact("M2", **GREEN))
    lapsed = post_contact(client, partner, contact("M3", **GREEN))
    first_claim = client.post(f"/api/v1/contacts/{mine}/claim", headers=screener).get_json()
    assert client.post(f"/api/v1/contacts/{lapsed}/claim", headers=screener_b).status_code == 200
    with app.extensions["mash.engine"].begin() as conn:
        conn.execute(text("UPDATE claims SET expires_at = claimed_at WHERE contact_id = :id"), {"id": lapsed})
    assert client.post(f"/api/v1/contacts/{second}/claim", headers=screener).status_code == 200
    assert [claim_holder(client, screener, c) for c in (mine, second, lapsed)] == ["Screener", "Screener", None]
    claims = {i["id"]: i["claim"] for i in client.get(Q, headers=screener).get_json()["items"]}
    assert claims[mine]["expires_at"] == first_claim["expires_at"]


def test_taking_a_contact_again_renews_the_claim_from_now(app: Flask, client: FlaskClient, partner, screener) -> None:
    one = post_contact(client, partner, contact("R1", **GREEN))
    first = client.post(f"/api/v1/contacts/{one}/claim", headers=screener).get_json()
    again = client.post(f"/api/v1/contacts/{one}/claim", headers=screener).get_json()
    assert again["claimed_at"] > first["claimed_at"]
    with app.extensions["mash.sessionmaker"]() as session, session.begin():
        stored = session.execute(select(Claim).where(Claim.contact_id == one)).scalar_one()
    assert [stored.claimed_at.isoformat(), stored.expires_at.isoformat()] == [again["claimed_at"], again["expires_at"]]


def test_a_claim_is_in_the_access_history_at_the_time_it_was_taken(
    client: FlaskClient, partner, screener, manager
) -> None:
    one = post_contact(client, partner, contact("T1", **GREEN))
    claimed_at = client.post(f"/api/v1/contacts/{one}/claim", headers=screener).get_json()["claimed_at"]
    items = client.get(f"/api/v1/contacts/{one}/access-history", headers=manager).get_json()["items"]
    assert [i["at"] for i in items if i["action"] == "contact.claim"] == [claimed_at]


def test_a_claim_on_another_contact_does_not_block_a_decision(
    client: FlaskClient, partner, screener, screener_b
) -> None:
    mine = post_contact(client, partner, contact("B1", **GREEN))
    theirs = post_contact(client, partner, contact("B2", **GREEN))
    assert client.post(f"/api/v1/contacts/{theirs}/claim", headers=screener_b).status_code == 200
    assert decide(client, screener, mine).status_code == 201
