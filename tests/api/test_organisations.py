"""Organisations as records: a partner reads only its own organisation's contacts, compared by the record, never by
a name; names that differ only in case are one organisation; no partner account joins the council's own; a
deactivated organisation's accounts are refused."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from mash.services import organisations
from mash.services.users import UserInvalid, create_user
from tests.api.helpers import GREEN, contact, post_contact, post_json
from tests.conftest import new_user


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_partner_named_like_the_council_reads_no_staff_contact(
    app: Flask, client: FlaskClient, screener: dict[str, str]
) -> None:
    session = app.extensions["mash.sessionmaker"]()
    staff_entered = post_contact(client, screener, contact("S-1", **GREEN))
    decided = {"outcome": "nfa", "rag": "green", "rationale": "Nothing to add."}
    assert post_json(client, f"/api/v1/contacts/{staff_entered}/decision", screener, decided).status_code == 201
    for name in ("MASH", "mash", " Mash "):
        with pytest.raises(organisations.OrganisationInvalid, match="the council's own organisation"):
            organisations.add(session, name, "police")
        with pytest.raises(UserInvalid, match="cannot belong to the council's own organisation"):
            create_user(session, "Impostor", "partner", name)
    _, token = new_user(session, "Met", "partner", "Metropolitan Police", "police")
    assert client.get(f"/api/v1/contacts/{staff_entered}", headers=_headers(token)).status_code == 404
    assert client.get("/api/v1/contacts", headers=_headers(token)).get_json()["items"] == []


def test_names_that_differ_only_in_case_are_one_organisation(app: Flask, client: FlaskClient) -> None:
    session = app.extensions["mash.sessionmaker"]()
    _, first = new_user(session, "PC Smith", "partner", "Metropolitan Police", "police")
    _, second = create_user(session, "PC Jones", "partner", "METROPOLITAN  police")
    _, other = new_user(session, "DSL", "partner", "Brixton Hill Primary", "school")
    contact_id = post_contact(client, _headers(first), contact("M-1", **GREEN))
    seen = client.get(f"/api/v1/contacts/{contact_id}", headers=_headers(second))
    assert seen.status_code == 200
    assert client.get(f"/api/v1/contacts/{contact_id}", headers=_headers(other)).status_code == 404
    staff_view = client.get("/api/v1/contacts", headers=_headers(second)).get_json()["items"]
    assert [item["id"] for item in staff_view] == [contact_id]
    names = [row.name for row in organisations.listed(session)]
    assert names == ["Brixton Hill Primary", "MASH", "Metropolitan Police"]


def test_the_agency_type_comes_from_the_organisation(app: Flask, client: FlaskClient) -> None:
    session = app.extensions["mash.sessionmaker"]()
    organisations.add(session, "Lambeth Health Visiting", "health_visitor")
    _, token = create_user(session, "HV", "partner", "lambeth health visiting")
    body = contact("H-1", **GREEN)
    body["referrer"].pop("agency_type", None)
    contact_id = post_contact(client, _headers(token), body)
    with app.extensions["mash.engine"].connect() as conn:
        row = conn.execute(text("SELECT agency_type FROM contacts WHERE id = :c"), {"c": contact_id}).one()
    assert row[0] == "health_visitor"


def test_a_deactivated_organisations_accounts_are_refused(
    app: Flask, client: FlaskClient, partner: dict[str, str]
) -> None:
    session = app.extensions["mash.sessionmaker"]()
    assert client.get("/api/v1/contacts", headers=partner).status_code == 200
    _, stopped = organisations.deactivate(session, "metropolitan police")
    assert stopped == 1
    refused = client.get("/api/v1/contacts", headers=partner)
    assert refused.status_code == 401
    with pytest.raises(UserInvalid, match="no active organisation"):
        create_user(session, "PC Late", "partner", "Metropolitan Police")
