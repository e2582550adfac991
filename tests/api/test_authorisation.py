"""The authorisation matrix of docs/authorisation.md, cell by cell where a cell matters: who may read children's
records, who receives the information-sharing ledger, and separation of duties."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mash.enums import ROLES
from mash.services.callers import PERMISSIONS
from tests.api.helpers import GREEN, contact, post_contact, post_json
from tests.conftest import count_rows

DOC = Path(__file__).resolve().parents[2] / "docs" / "authorisation.md"
ROW = re.compile(r"^\| `(\w+)` \|(.*)\|$")


def _headers(make_token: Callable[..., str], role: str) -> dict[str, str]:
    if role == "partner":
        return {"Authorization": "Bearer " + make_token(role, "Metropolitan Police", "police", "PC Jane Smith")}
    return {"Authorization": "Bearer " + make_token(role, name=f"Test {role}")}


def test_the_documented_matrix_is_the_permission_table() -> None:
    documented: dict[str, set[str]] = {}
    for line in DOC.read_text().splitlines():
        found = ROW.match(line)
        if found:
            cells = [cell.strip() for cell in found.group(2).split("|")]
            documented[found.group(1)] = {role for role, cell in zip(ROLES, cells, strict=True) if cell == "yes"}
    assert documented == {permission.value: set(grant.roles) for permission, grant in PERMISSIONS.items()}


@pytest.fixture
def contact_id(client: FlaskClient, partner: dict[str, str]) -> str:
    return post_contact(client, partner, contact("AUTH-1", **GREEN))


def test_the_administrator_does_not_list_or_read_childrens_records(
    client: FlaskClient, app: Flask, make_token: Callable[..., str], contact_id: str
) -> None:
    admin = _headers(make_token, "admin")
    before = count_rows(app, "audit_events")
    for path, status in (
        ("/api/v1/contacts", 403),
        (f"/api/v1/contacts/{contact_id}", 403),
        (f"/api/v1/contacts/{contact_id}/flags", 404),
        ("/api/v1/flags", 403),
        ("/api/v1/queue", 403),
        (f"/api/v1/contacts/{contact_id}/information-sharing", 403),
    ):
        response = client.get(path, headers=admin)
        assert response.status_code == status, path
        assert response.mimetype == "application/problem+json"
    search = client.post("/api/v1/children/search", json={"last_name": "Khan"}, headers=admin)
    assert search.status_code == 403
    assert count_rows(app, "audit_events") == before


def test_the_administrator_still_administers_teams(client: FlaskClient, make_token: Callable[..., str]) -> None:
    admin = _headers(make_token, "admin")
    created = client.post("/api/v1/teams", json={"name": "Assessment Team 9", "kind": "assessment"}, headers=admin)
    assert created.status_code == 201, created.get_json()
    assert client.get("/api/v1/teams", headers=admin).status_code == 200


@pytest.mark.parametrize(("role", "sees_ledger"), [("screener", True), ("manager", True), ("therapist", False)])
def test_only_screeners_and_managers_receive_the_ledger_inside_the_contact(
    client: FlaskClient, make_token: Callable[..., str], contact_id: str, role: str, sees_ledger: bool
) -> None:
    staff = client.get(f"/api/v1/contacts/{contact_id}", headers=_headers(make_token, role))
    assert staff.status_code == 200
    view: dict[str, Any] = staff.get_json()
    assert ("information_sharing" in view) is sees_ledger
    assert ("partner_summaries" in view) is sees_ledger
    assert "children" in view


def test_a_partner_reads_only_the_partner_view(client: FlaskClient, partner: dict[str, str], contact_id: str) -> None:
    view = client.get(f"/api/v1/contacts/{contact_id}", headers=partner).get_json()
    assert set(view) <= {"id", "reference", "status", "received_at", "external_reference", "feedback"}


def test_a_manager_may_not_sign_off_their_own_decision(
    client: FlaskClient, app: Flask, make_token: Callable[..., str], contact_id: str
) -> None:
    deciding = _headers(make_token, "manager")
    other = {"Authorization": "Bearer " + make_token("manager", name="Second manager")}
    decided = post_json(
        client,
        f"/api/v1/contacts/{contact_id}/decision",
        deciding,
        {"outcome": "nfa", "rag": "green", "rationale": "No role for children's social care."},
    )
    assert decided.status_code == 201, decided.get_json()
    before = count_rows(app, "oversights")
    own = post_json(client, f"/api/v1/contacts/{contact_id}/oversight", deciding, {"agree": True, "comment": "Fine."})
    assert own.status_code == 403, own.get_json()
    assert own.get_json()["type"] == "/problems/own-decision"
    assert count_rows(app, "oversights") == before
    signed = post_json(client, f"/api/v1/contacts/{contact_id}/oversight", other, {"agree": True, "comment": "Agreed."})
    assert signed.status_code == 201, signed.get_json()
