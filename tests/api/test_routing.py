"""Routing: the fitting team with the most room is named, full ones are skipped, and all-full is said."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from mash.models import Team, TeamMember
from tests.api.helpers import AMBER, GREEN, contact, post_contact, post_json


def add_team(app: Flask, name: str, kind: str, caseloads: list[int], cap: int | None = None) -> None:
    session = app.extensions["mash.sessionmaker"]()
    with session.begin():
        team = Team(name=name, kind=kind, caseload_cap=cap)
        team.members = [TeamMember(name=f"{name} {n}", caseload=load) for n, load in enumerate(caseloads)]
        session.add(team)
    session.close()


def team_of(client: FlaskClient, screener: dict[str, str], contact_id: str) -> dict[str, Any]:
    rec = client.get(f"/api/v1/contacts/{contact_id}", headers=screener).get_json()["recommendation"]
    return {"team": rec["team"], "note": rec["team_note"], "outcome": rec["outcome"]}


def test_team_with_most_free_capacity_is_named(app: Flask, client: FlaskClient, partner, screener) -> None:
    add_team(app, "Assessment Team 1", "assessment", [14, 15, 13])
    add_team(app, "Assessment Team 2", "assessment", [10, 11])
    add_team(app, "Early Help North", "early_help", [5])
    routed = team_of(client, screener, post_contact(client, partner, contact("T1", **AMBER)))
    assert routed["outcome"] == "assessment"
    assert routed["team"]["name"] == "Assessment Team 2"


def test_full_team_is_skipped(app: Flask, client: FlaskClient, partner, screener) -> None:
    add_team(app, "Early Help Full", "early_help", [15, 15])
    add_team(app, "Early Help Small", "early_help", [14])
    routed = team_of(client, screener, post_contact(client, partner, contact("T2", **GREEN)))
    assert routed["outcome"] == "early_help"
    assert routed["team"]["name"] == "Early Help Small"


def test_every_team_full_keeps_the_recommendation_and_says_so(
    app: Flask, client: FlaskClient, partner, screener
) -> None:
    add_team(app, "Early Help Full", "early_help", [15, 15])
    add_team(app, "Early Help Capped", "early_help", [8], cap=8)
    routed = team_of(client, screener, post_contact(client, partner, contact("T3", **GREEN)))
    assert routed["outcome"] == "early_help"
    assert routed["team"] is None
    assert "caseload cap" in routed["note"]


def test_disabled_child_goes_to_the_disabled_children_team(app: Flask, client: FlaskClient, partner, screener) -> None:
    add_team(app, "Assessment Team 1", "assessment", [1])
    add_team(app, "Children with Disabilities", "disabled_children", [12, 12])
    body = contact("T4", categories=["disability"])
    body["children"][0]["disability"] = True
    routed = team_of(client, screener, post_contact(client, partner, body))
    assert routed["team"]["name"] == "Children with Disabilities"


def test_the_queue_names_the_recommended_team_as_the_contact_does(
    app: Flask, client: FlaskClient, partner, screener
) -> None:
    add_team(app, "Assessment Team 2", "assessment", [10, 11])
    contact_id = post_contact(client, partner, contact("T1", **AMBER))
    queued = client.get("/api/v1/queue", headers=screener).get_json()["items"]
    assert [item["id"] for item in queued] == [contact_id]
    assert queued[0]["recommendation"]["team"] == team_of(client, screener, contact_id)["team"]
    assert queued[0]["recommendation"]["team"]["name"] == "Assessment Team 2"


def test_a_decision_goes_to_the_team_routed_for_its_outcome_or_the_one_the_screener_names(
    app: Flask, client: FlaskClient, partner, screener
) -> None:
    add_team(app, "Assessment Team 1", "assessment", [14, 15, 13])
    add_team(app, "Assessment Team 2", "assessment", [10, 11])
    add_team(app, "Early Help North", "early_help", [5])
    with app.extensions["mash.sessionmaker"]() as session, session.begin():
        teams = {name: team_id for team_id, name in session.execute(select(Team.id, Team.name))}
    decision = {"outcome": "assessment", "rag": "amber", "rationale": "Needs a s17 assessment."}
    url = "/api/v1/contacts/{}/decision"

    routed = post_json(client, url.format(post_contact(client, partner, contact("T5", **GREEN))), screener, decision)
    named = post_json(
        client,
        url.format(post_contact(client, partner, contact("T6", **GREEN))),
        screener,
        {**decision, "team_id": teams["Early Help North"]},
    )
    unknown = post_json(
        client,
        url.format(post_contact(client, partner, contact("T7", **GREEN))),
        screener,
        {**decision, "team_id": "no-such-team"},
    )

    assert routed.get_json()["team_id"] == teams["Assessment Team 2"]
    assert named.get_json()["team_id"] == teams["Early Help North"]
    assert (unknown.status_code, unknown.get_json()["errors"]) == (422, {"team_id": ["Unknown team."]})
