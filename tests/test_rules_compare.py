"""Comparing a candidate rulebook with the one in use: the command on the demo data, and the managers' API."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from mash.models import AuditEvent, Recommendation
from mash.screening.rulebook import DEFAULT_RULEBOOK
from mash.settings import Settings
from tests.api.helpers import contact, post_contact, post_json
from tests.cli import mash_on

NEGLECT = (
    "  - id: neglect\n    when: {thin: false, any_category: [neglect]}\n    outcome: early_help\n"
    "    rag: green\n    level: 2\n"
)
LOWERED = NEGLECT.replace("outcome: early_help", "outcome: signpost")


def candidate_text(old: str = NEGLECT, new: str = LOWERED) -> str:
    text = DEFAULT_RULEBOOK.read_text(encoding="utf-8")
    assert text.count(old) == 1
    return text.replace(old, new).replace('version: "', 'version: "candidate-', 1)


def recommendations(app: Flask) -> list[tuple[str, str, int]]:
    with app.extensions["mash.sessionmaker"]() as session, session.begin():
        rows = session.execute(select(Recommendation.contact_id, Recommendation.outcome, Recommendation.level))
        return sorted((row[0], row[1], row[2]) for row in rows)


def test_mash_rules_compare_on_the_demo_data_prints_the_table_and_changes_nothing(
    app: Flask, settings: Settings, tmp_path: Path
) -> None:
    assert mash_on(settings, "demo").returncode == 0
    before = recommendations(app)
    path = tmp_path / "candidate.yaml"
    path.write_text(candidate_text(), encoding="utf-8")
    done = mash_on(settings, "rules", "compare", str(path))
    assert done.returncode == 0, done.stderr
    assert "current \\ candidate" in done.stdout
    assert "-> candidate-" in done.stdout
    as_json = json.loads(mash_on(settings, "rules", "compare", str(path), "--json").stdout)
    assert as_json["contacts"] == len(before)
    assert sum(row["contacts"] for row in as_json["movement"]) == len(before)
    assert all(moved["rules_changed"] == ["neglect"] for moved in as_json["down"])
    for moved in as_json["down"]:
        assert f"DOWN {moved['reference']}" in done.stdout
    assert recommendations(app) == before
    window = json.loads(
        mash_on(settings, "rules", "compare", str(path), "--json", "--from", "2000-01-01", "--to", "2000-01-02").stdout
    )
    assert window["contacts"] == 0


def test_mash_rules_compare_refuses_a_candidate_that_weakens_a_statutory_floor(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "candidate.yaml"
    path.write_text(candidate_text("  - id: fgm\n", "  - id: fgm-local\n"), encoding="utf-8")
    done = mash_on(settings, "rules", "compare", str(path))
    assert done.returncode == 1
    assert "statutory floor 'fgm' is missing" in done.stderr


def test_managers_compare_on_the_api_and_the_contact_that_would_go_down_is_named(
    app: Flask, client: FlaskClient, partner, screener, manager
) -> None:
    body = contact("CMP-1", categories=["neglect"])
    body["concerns"].update(summary="Ellie often comes to school hungry.", worries=None, strengths=None, needs=None)
    neglect = post_contact(client, partner, body)
    post_contact(client, partner, contact("CMP-2", categories=["fgm"]))
    response = post_json(client, "/api/v1/rules/compare", manager, {"rulebook": candidate_text()})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["contacts"] == 2
    assert [(m["contact_id"], m["current"], m["candidate"], m["rules_changed"]) for m in body["down"]] == [
        (neglect, "early_help", "signpost", ["neglect"])
    ]
    assert {"from": "strategy_discussion", "to": "strategy_discussion", "contacts": 1} in body["movement"]
    assert post_json(client, "/api/v1/rules/compare", screener, {"rulebook": candidate_text()}).status_code == 403
    broken = post_json(client, "/api/v1/rules/compare", manager, {"rulebook": "version: [unclosed"})
    assert broken.status_code == 422
    assert "rulebook" in broken.get_json()["errors"]
    with app.extensions["mash.sessionmaker"]() as session, session.begin():
        audited = session.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "rules.compare")
        ).scalar_one()
    assert audited == 1
