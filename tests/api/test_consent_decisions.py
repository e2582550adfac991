"""Early help needs consent: a screener cannot decide it on refused consent until consent is recorded since."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from mash.models import AuditEvent
from tests.api.helpers import contact, post_contact, post_json

EARLY_HELP = {"outcome": "early_help", "rag": "green", "rationale": "Family support would help."}


def _refused(client: FlaskClient, partner: dict[str, str]) -> str:
    body = contact("CON-1", categories=["neglect"], consent="refused")
    body["concerns"].update(summary="Ellie sometimes forgets her coat.", worries=None, strengths=None, needs=None)
    return post_contact(client, partner, body)


def test_a_screener_cannot_decide_early_help_on_refused_consent(client: FlaskClient, partner, screener) -> None:
    contact_id = _refused(client, partner)
    response = post_json(client, f"/api/v1/contacts/{contact_id}/decision", screener, EARLY_HELP)
    assert response.status_code == 409
    assert response.get_json()["type"].endswith("consent-refused-early-help")
    signpost = {**EARLY_HELP, "outcome": "signpost"}
    assert post_json(client, f"/api/v1/contacts/{contact_id}/decision", screener, signpost).status_code == 201


def test_consent_recorded_since_allows_early_help_and_screens_again(
    app: Flask, client: FlaskClient, partner, screener
) -> None:
    contact_id = _refused(client, partner)
    before = client.get(f"/api/v1/contacts/{contact_id}", headers=screener).get_json()["recommendation"]
    assert before["outcome"] == "signpost"
    url = f"/api/v1/contacts/{contact_id}/consent"
    missing = post_json(client, url, screener, {"status": "given"})
    assert missing.status_code == 422
    assert "detail" in missing.get_json()["errors"]
    recorded = post_json(client, url, screener, {"status": "given", "detail": "Mother agreed by phone today."})
    assert recorded.status_code == 200, recorded.get_json()
    assert recorded.get_json()["kind"] == "consent_given"
    after = client.get(f"/api/v1/contacts/{contact_id}", headers=screener).get_json()["recommendation"]
    assert after["outcome"] == "early_help"
    assert post_json(client, f"/api/v1/contacts/{contact_id}/decision", screener, EARLY_HELP).status_code == 201
    with app.extensions["mash.sessionmaker"]() as session, session.begin():
        actions = list(
            session.execute(
                select(AuditEvent.action).where(
                    AuditEvent.contact_id == contact_id, AuditEvent.action == "contact.consent"
                )
            ).scalars()
        )
    assert actions == ["contact.consent"]


def test_a_manager_may_decide_early_help_on_refused_consent(client: FlaskClient, partner, manager) -> None:
    contact_id = _refused(client, partner)
    assert post_json(client, f"/api/v1/contacts/{contact_id}/decision", manager, EARLY_HELP).status_code == 201


def test_partners_cannot_record_consent(client: FlaskClient, partner) -> None:
    contact_id = _refused(client, partner)
    body = {"status": "given", "detail": "Agreed."}
    assert post_json(client, f"/api/v1/contacts/{contact_id}/consent", partner, body).status_code == 403
