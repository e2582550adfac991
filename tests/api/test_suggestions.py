"""Suggested indicators: what the narrative reader finds in the words raises screening; staff confirm or dismiss."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from mash.models import AuditEvent
from tests.api.helpers import child, contact, post_contact, post_json

BRUISE = (
    "Routine visit today. I saw a bruise on the baby's left cheek about 1cm across. "
    "Mum did not know how it happened. Baby is not yet rolling."
)


def _baby_contact(summary: str) -> dict[str, Any]:
    born = (dt.date.today() - dt.timedelta(days=120)).isoformat()
    body = contact("SUG-1", categories=["other"], children=[child("Amelia", "Stone", born)], consent="not_sought")
    body["concerns"]["summary"] = summary
    body["concerns"]["worries"] = None
    body["concerns"]["strengths"] = None
    body["concerns"]["needs"] = None
    return body


def _recommendation(client: FlaskClient, headers: dict[str, str], contact_id: str) -> dict[str, Any]:
    recommendation: dict[str, Any] = client.get(f"/api/v1/contacts/{contact_id}", headers=headers).get_json()[
        "recommendation"
    ]
    return recommendation


def _suggestions(client: FlaskClient, headers: dict[str, str], contact_id: str) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/contacts/{contact_id}/suggestions", headers=headers)
    assert response.status_code == 200, response.get_json()
    items: list[dict[str, Any]] = response.get_json()["items"]
    return items


def test_an_injury_to_a_baby_only_in_the_words_reaches_a_strategy_discussion(
    client: FlaskClient, partner, screener
) -> None:
    contact_id = post_contact(client, partner, _baby_contact(BRUISE))
    recommendation = _recommendation(client, screener, contact_id)
    assert (recommendation["outcome"], recommendation["rag"]) == ("strategy_discussion", "red")
    nim = next(r for r in recommendation["reasons"] if r["rule"] == "injury-non-mobile-infant")
    assert "Found in the referrer's words in the summary" in nim["text"]
    injury = next(s for s in _suggestions(client, screener, contact_id) if s["name"] == "injury")
    assert (injury["kind"], injury["field"], injury["status"]) == ("indicator", "summary", "suggested")
    assert "bruise" in injury["sentence"]


def test_negated_words_suggest_nothing_and_do_not_raise(client: FlaskClient, partner, screener) -> None:
    contact_id = post_contact(client, partner, _baby_contact("Routine visit. No bruises or marks were seen."))
    assert _recommendation(client, screener, contact_id)["outcome"] == "nfa"
    assert [s["name"] for s in _suggestions(client, screener, contact_id) if s["name"] == "injury"] == []


def test_dismissing_needs_a_reason_is_audited_and_screens_again(
    app: Flask, client: FlaskClient, partner, screener
) -> None:
    contact_id = post_contact(client, partner, _baby_contact(BRUISE))
    raising = [s for s in _suggestions(client, screener, contact_id) if s["name"] in ("injury", "injury_unexplained")]
    assert raising
    base = f"/api/v1/contacts/{contact_id}/suggestions"
    refused = post_json(client, f"{base}/{raising[0]['id']}/dismiss", screener, {"reason": "  "})
    assert refused.status_code == 422
    assert "reason" in refused.get_json()["errors"]
    for item in raising:
        response = post_json(client, f"{base}/{item['id']}/dismiss", screener, {"reason": "Birthmark seen by GP."})
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["status"] == "dismissed"
    recommendation = _recommendation(client, screener, contact_id)
    assert "injury-non-mobile-infant" not in [r["rule"] for r in recommendation["reasons"]]
    again = post_json(client, f"{base}/{raising[0]['id']}/dismiss", screener, {"reason": "Twice."})
    assert again.status_code == 409
    with app.extensions["mash.sessionmaker"]() as session, session.begin():
        actions = session.execute(
            select(AuditEvent.action).where(
                AuditEvent.contact_id == contact_id, AuditEvent.action == "suggestion.dismiss"
            )
        ).scalars()
        assert sorted(actions) == ["suggestion.dismiss"] * len(raising)


def test_confirming_keeps_the_raise(client: FlaskClient, partner, manager) -> None:
    contact_id = post_contact(client, partner, _baby_contact(BRUISE))
    injury = next(s for s in _suggestions(client, manager, contact_id) if s["name"] == "injury")
    url = f"/api/v1/contacts/{contact_id}/suggestions/{injury['id']}/confirm"
    response = post_json(client, url, manager)
    assert response.status_code == 200
    assert response.get_json()["status"] == "confirmed"
    assert _recommendation(client, manager, contact_id)["outcome"] == "strategy_discussion"


def test_only_screeners_and_managers_see_and_decide_suggestions(
    client: FlaskClient, partner, therapist, screener
) -> None:
    contact_id = post_contact(client, partner, _baby_contact(BRUISE))
    injury = next(s for s in _suggestions(client, screener, contact_id) if s["name"] == "injury")
    for headers in (partner, therapist):
        assert client.get(f"/api/v1/contacts/{contact_id}/suggestions", headers=headers).status_code == 403
        url = f"/api/v1/contacts/{contact_id}/suggestions/{injury['id']}/confirm"
        assert post_json(client, url, headers).status_code == 403
    unknown = post_json(client, f"/api/v1/contacts/{contact_id}/suggestions/nope/confirm", screener)
    assert unknown.status_code == 404
