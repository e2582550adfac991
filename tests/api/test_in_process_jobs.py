"""Jobs run in-process (no Redis): a job that keeps failing is recorded as failed once, and never sent again."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from mash.job_names import SCREEN_CONTACT
from mash.screening.rulebook import DEFAULT_RULEBOOK
from mash.services import outbox
from mash.settings import Settings
from tests.api.helpers import GREEN, contact, post_contact, post_json
from tests.conftest import sweep


@pytest.fixture
def rulebook(tmp_path: Path) -> Path:
    """A rulebook file that does not parse, so that every screening attempt fails."""
    path = tmp_path / "rulebook.yaml"
    path.write_text("rules: {\n")
    return path


@pytest.fixture
def settings(settings: Settings, rulebook: Path) -> Settings:
    """The embedded default with the broken rulebook, three attempts per job and no wait before the sweep retries."""
    return replace(settings, rulebook_path=str(rulebook), job_retries=2, screening_retry_after_seconds=0)


def status(client: FlaskClient, screener: dict[str, str], contact_id: str) -> str:
    return str(client.get(f"/api/v1/contacts/{contact_id}", headers=screener).get_json()["status"])


def test_the_last_failed_attempt_leaves_the_contact_screening_failed(
    app: Flask, client: FlaskClient, partner, screener, manager
) -> None:
    contact_id = post_contact(client, partner, contact("F1", **GREEN))
    assert status(client, screener, contact_id) == "received"
    assert sweep(app) == 1
    assert status(client, screener, contact_id) == "received"
    assert sweep(app) == 1
    assert status(client, screener, contact_id) == "screening_failed"
    assert client.get("/readyz").get_json()["detail"]["screening_failed"] == 1
    assert "mash_screening_failed 1.0" in client.get("/metrics", headers=manager).get_data(as_text=True)


def test_a_contact_whose_screening_failed_is_decided_without_a_recommendation(
    app: Flask, client: FlaskClient, partner, screener
) -> None:
    contact_id = post_contact(client, partner, contact("F3", **GREEN))
    assert [sweep(app), sweep(app)] == [1, 1]
    assert status(client, screener, contact_id) == "screening_failed"
    decision = {"outcome": "assessment", "rag": "amber", "rationale": "Screened by hand: needs a s17 assessment."}

    made = post_json(client, f"/api/v1/contacts/{contact_id}/decision", screener, decision)

    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert (body["override"], body["recommended_outcome"], body["recommended_rag"]) == (True, None, None)
    assert status(client, screener, contact_id) == "decided"


def test_a_job_that_failed_for_good_is_not_sent_again(
    app: Flask, client: FlaskClient, partner, screener, rulebook: Path
) -> None:
    contact_id = post_contact(client, partner, contact("F2", **GREEN))
    assert [sweep(app), sweep(app)] == [1, 1]
    assert status(client, screener, contact_id) == "screening_failed"
    rulebook.write_text(DEFAULT_RULEBOOK.read_text())
    assert [sweep(app), sweep(app)] == [0, 0]
    assert status(client, screener, contact_id) == "screening_failed"


def outbox_rows(app: Flask) -> list[tuple[str, int, bool, bool, str | None]]:
    """Each outbox item's record, attempts, whether it is done or failed, and its last error, oldest first."""
    with app.extensions["mash.engine"].connect() as conn:
        rows = conn.execute(
            text("SELECT entity_id, attempts, completed_at, failed_at, last_error FROM outbox ORDER BY created_at")
        ).all()
    return [(r[0], r[1], r[2] is not None, r[3] is not None, r[4]) for r in rows]


def test_the_final_failure_is_recorded_on_the_outbox_item_and_in_the_metrics(
    app: Flask, client: FlaskClient, partner, manager
) -> None:
    contact_id = post_contact(client, partner, contact("F3", **GREEN))
    metrics = client.get("/metrics", headers=manager).get_data(as_text=True)
    assert "mash_outbox_pending 1.0" in metrics and "mash_outbox_failed 0.0" in metrics
    sweep(app)
    sweep(app)
    assert outbox_rows(app) == [(contact_id, 3, False, True, "RulebookError")]
    metrics = client.get("/metrics", headers=manager).get_data(as_text=True)
    assert "mash_outbox_pending 0.0" in metrics and "mash_outbox_failed 1.0" in metrics


def test_one_contacts_final_failure_leaves_another_contacts_job_to_run(
    app: Flask, client: FlaskClient, partner, screener, rulebook: Path
) -> None:
    first = post_contact(client, partner, contact("F4", **GREEN))
    sweep(app)
    second = post_contact(client, partner, contact("F5", **GREEN))
    sweep(app)
    assert [status(client, screener, c) for c in (first, second)] == ["screening_failed", "received"]
    rulebook.write_text(DEFAULT_RULEBOOK.read_text())
    assert sweep(app) == 1
    assert [status(client, screener, c) for c in (first, second)] == ["screening_failed", "awaiting_decision"]


def test_a_screened_contacts_job_is_done_and_not_sent_again(
    app: Flask, client: FlaskClient, partner, screener, rulebook: Path
) -> None:
    rulebook.write_text(DEFAULT_RULEBOOK.read_text())
    contact_id = post_contact(client, partner, contact("F6", **GREEN))
    assert status(client, screener, contact_id) == "awaiting_decision"
    assert outbox_rows(app) == [(contact_id, 1, True, False, None)]
    assert [sweep(app), sweep(app)] == [0, 0]


def test_a_contact_whose_screening_failed_can_still_be_decided(
    app: Flask, client: FlaskClient, partner, screener
) -> None:
    contact_id = post_contact(client, partner, contact("F7", **GREEN))
    sweep(app)
    sweep(app)
    assert status(client, screener, contact_id) == "screening_failed"
    body = {"outcome": "assessment", "rag": "amber", "rationale": "Screened by hand."}
    made = client.post(f"/api/v1/contacts/{contact_id}/decision", json=body, headers=screener)
    assert made.status_code == 201, made.get_json()
    decision = made.get_json()
    assert (decision["override"], decision["recommended_outcome"], decision["recommended_rag"]) == (True, None, None)
    assert status(client, screener, contact_id) == "decided"


def test_the_outbox_items_of_a_rolled_back_transaction_are_never_dispatched(app: Flask) -> None:
    session = app.extensions["mash.sessionmaker"]()
    session.begin()
    outbox.add(session, SCREEN_CONTACT, "contact-1")
    session.flush()
    session.rollback()
    with session.begin():
        outbox.add(session, SCREEN_CONTACT, "contact-2")

    assert [item.entity_id for item in app.extensions["mash.relay"].take(session)] == ["contact-2"]
    session.close()
