"""Jobs run in-process (no Redis): a job that keeps failing is recorded as failed once, and never sent again."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mash.screening.rulebook import DEFAULT_RULEBOOK
from mash.settings import Settings
from tests.api.helpers import GREEN, contact, post_contact


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


def sweep(app: Flask) -> int:
    with app.app_context():
        return int(app.extensions["mash.relay"].sweep())


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


def test_a_job_that_failed_for_good_is_not_sent_again(
    app: Flask, client: FlaskClient, partner, screener, rulebook: Path
) -> None:
    contact_id = post_contact(client, partner, contact("F2", **GREEN))
    assert [sweep(app), sweep(app)] == [1, 1]
    assert status(client, screener, contact_id) == "screening_failed"
    rulebook.write_text(DEFAULT_RULEBOOK.read_text())
    assert [sweep(app), sweep(app)] == [0, 0]
    assert status(client, screener, contact_id) == "screening_failed"
