"""Submitting and reading contacts through the HTTP API."""

from __future__ import annotations

import copy
import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from tests.conftest import count_rows

TABLES = ("contacts", "children", "adults", "referrers", "idempotency_records", "audit_events", "outbox")
URL = "/api/v1/contacts"


def post(client: FlaskClient, headers: dict[str, str], body: Any, **extra: str) -> Any:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data=data, headers={**headers, **extra}, content_type="application/json")


def test_contract_example_posts_and_reads_back(client: FlaskClient, partner: dict[str, str], screener, body) -> None:
    created = post(client, partner, body)
    assert created.status_code == 201
    ack = created.get_json()
    assert created.headers["Location"] == f"{URL}/{ack['id']}"
    assert re.fullmatch(r"MASH-\d{4}-\d{6}", ack["reference"])
    assert ack["status"] in ("received", "awaiting_decision")
    assert ack["received_at"].endswith("+00:00") and ack["acknowledged_at"] == ack["received_at"]

    staff = client.get(created.headers["Location"], headers=screener).get_json()
    assert staff["children"][0]["nhs_number"] == "9434765919"
    assert staff["children"][0]["address"] == body["children"][0]["address"]
    assert staff["referrer"] == body["referrer"]
    assert staff["adults"] == body["adults"]
    assert staff["concerns"] == body["concerns"]
    assert staff["consent"] == body["consent"]
    assert staff["source_code"] == "6"


def test_partner_sees_only_the_partner_view(client: FlaskClient, partner, body) -> None:
    location = post(client, partner, body).headers["Location"]
    seen = client.get(location, headers=partner).get_json()
    assert set(seen) == {"id", "reference", "status", "received_at", "external_reference", "feedback"}


def test_another_organisation_gets_404(client: FlaskClient, partner, other_partner, body) -> None:
    location = post(client, partner, body).headers["Location"]
    response = client.get(location, headers=other_partner)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_no_token_is_401_and_bad_token_is_401(client: FlaskClient, body) -> None:
    assert client.get(URL).status_code == 401
    response = post(client, {"Authorization": "Bearer mash_not-a-token"}, body)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_role_that_may_not_submit_is_403(client: FlaskClient, make_token, body) -> None:
    therapist = {"Authorization": "Bearer " + make_token("therapist")}
    assert post(client, therapist, body).status_code == 403


def test_retry_with_same_idempotency_key_creates_nothing(app: Flask, client: FlaskClient, partner, body) -> None:
    first = post(client, partner, body, **{"Idempotency-Key": "abc-123"})
    before = count_rows(app, "contacts", "children")
    again = post(client, partner, body, **{"Idempotency-Key": "abc-123"})
    assert again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert count_rows(app, "contacts", "children") == before == {"contacts": 1, "children": 1}


def test_same_key_with_a_different_body_is_422(client: FlaskClient, partner, body) -> None:
    post(client, partner, body, **{"Idempotency-Key": "k"})
    body["concerns"]["summary"] = "Something else"
    response = post(client, partner, body, **{"Idempotency-Key": "k"})
    assert response.status_code == 422
    assert response.get_json()["type"].endswith("idempotency-key-reused")


def test_key_is_scoped_to_the_organisation(client: FlaskClient, partner, other_partner, body) -> None:
    del body["referrer"]["agency_type"]  # each partner's comes from its account
    first = post(client, partner, body, **{"Idempotency-Key": "shared"})
    second = post(client, other_partner, body, **{"Idempotency-Key": "shared"})
    assert second.status_code == 201
    assert second.get_json()["id"] != first.get_json()["id"]


def test_same_contact_under_a_new_key_is_409_with_location(client: FlaskClient, partner, body) -> None:
    first = post(client, partner, body, **{"Idempotency-Key": "one"})
    again = post(client, partner, body, **{"Idempotency-Key": "two"})
    assert again.status_code == 409
    assert again.headers["Location"] == first.headers["Location"]


def test_same_external_reference_with_other_children_is_a_new_contact(client: FlaskClient, partner, body) -> None:
    post(client, partner, body)
    body["children"][0]["first_name"] = "Yusuf"
    assert post(client, partner, body).status_code == 201


def test_invalid_idempotency_key_is_refused(client: FlaskClient, partner, body) -> None:
    response = post(client, partner, body, **{"Idempotency-Key": "x" * 256})
    assert response.status_code == 400
    assert "Idempotency-Key" in response.get_json()["errors"]


def test_references_increase(client: FlaskClient, partner, body) -> None:
    refs = []
    for n in range(3):
        body["referrer"]["external_reference"] = f"CAD {n}"
        refs.append(post(client, partner, body).get_json()["reference"])
    numbers = [int(r.rsplit("-", 1)[1]) for r in refs]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3


def test_names_are_returned_byte_for_byte(client: FlaskClient, partner, screener, body) -> None:
    body["children"][0].update(first_name="Zoë", last_name="O'Brien-Ní Bhriain")
    body["adults"][0].update(first_name="Nguyễn Thị", last_name="Minh")
    body["concerns"]["summary"] = "<script>alert('x')</script> stored as text"
    location = post(client, partner, body).headers["Location"]
    response = client.get(location, headers=screener)
    raw = response.get_data()
    assert "Zoë".encode() in raw and "O'Brien-Ní Bhriain".encode() in raw and "Nguyễn Thị".encode() in raw
    staff = response.get_json()
    assert staff["concerns"]["summary"] == "<script>alert('x')</script> stored as text"
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_every_read_and_write_is_audited(app: Flask, client: FlaskClient, partner, screener, body) -> None:
    location = post(client, partner, body).headers["Location"]
    client.get(location, headers=screener)
    client.get(location, headers=partner)
    client.get(URL, headers=screener)
    with app.extensions["mash.engine"].connect() as conn:
        rows = conn.execute(text("SELECT action, role FROM audit_events WHERE role != 'system'")).all()
    assert sorted(tuple(r) for r in rows) == [
        ("contact.create", "partner"),
        ("contact.list", "screener"),
        ("contact.read", "partner"),
        ("contact.read", "screener"),
    ]
    staff = client.get(location, headers=screener).get_json()
    assert staff["audit"]["views"] == 3


def test_list_filters_and_cursor_pagination(client: FlaskClient, partner, other_partner, screener, body) -> None:
    ids = []
    for n in range(5):
        body["referrer"]["external_reference"] = f"REF {n}"
        ids.append(post(client, partner, body).get_json()["id"])
    school = copy.deepcopy(body)
    school["referrer"]["agency_type"] = "school"
    post(client, other_partner, school)

    seen: list[str] = []
    cursor = None
    while True:
        query = f"{URL}?limit=2&agency_type=police" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(query, headers=screener).get_json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(ids) and len(seen) == 5
    schools = client.get(f"{URL}?agency_type=school", headers=screener).get_json()["items"]
    assert len(schools) == 1
    future = client.get(f"{URL}?received_from=2999-01-01T00:00:00%2B00:00", headers=screener).get_json()
    assert future["items"] == []


def test_list_rejects_a_timestamp_without_an_offset(client: FlaskClient, screener) -> None:
    response = client.get(f"{URL}?received_from=2026-01-01T00:00:00", headers=screener)
    assert response.status_code == 422
    assert "received_from" in response.get_json()["errors"]


def test_list_rejects_a_bad_cursor(client: FlaskClient, screener) -> None:
    assert client.get(f"{URL}?cursor=not-ours", headers=screener).status_code == 400


def _valid() -> dict[str, Any]:
    from tests.conftest import EXAMPLE_BODY

    return copy.deepcopy(EXAMPLE_BODY)


def _with(path: str, value: Any) -> dict[str, Any]:
    doc = _valid()
    *parents, last = path.split(".")
    target: Any = doc
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is _DELETE:
        del target[last]
    else:
        target[last] = value
    return doc


_DELETE = object()
TOMORROW = (date.today() + timedelta(days=2)).isoformat()
ELEVEN_MONTHS = (date.today() + timedelta(days=335)).isoformat()

INVALID_FIELDS = [
    ("unknown field", _with("colour", "blue"), "colour"),
    ("server-owned status", _with("status", "closed"), "status"),
    ("server-owned reference", _with("reference", "MASH-2026-000001"), "reference"),
    ("unknown nested field", _with("children.0.favourite", "x"), "children.0.favourite"),
    ("empty required name", _with("referrer.name", ""), "referrer.name"),
    ("blank summary", _with("concerns.summary", "   "), "concerns.summary"),
    ("future date of birth", _with("children.0.date_of_birth", TOMORROW), "children.0.date_of_birth"),
    ("date of birth before 1900", _with("children.0.date_of_birth", "1899-12-31"), "children.0.date_of_birth"),
    ("impossible date", _with("children.0.date_of_birth", "2019-02-30"), "children.0.date_of_birth"),
    ("invalid NHS check digit", _with("children.0.nhs_number", "9434765918"), "children.0.nhs_number"),
    ("all-zero NHS number", _with("children.0.nhs_number", "0000000000"), "children.0.nhs_number"),
    ("repeated-digit NHS number", _with("children.0.nhs_number", "1111111111"), "children.0.nhs_number"),
    ("non-ASCII digits", _with("children.0.nhs_number", "٩٤٣٤٧٦٥٩١٩"), "children.0.nhs_number"),
    ("trailing newline", _with("children.0.nhs_number", "9434765919\n"), "children.0.nhs_number"),
    ("unknown agency type", _with("referrer.agency_type", "martians"), "referrer.agency_type"),
    ("unknown category", _with("concerns.categories", ["bad_vibes"]), "concerns.categories.0"),
    ("no categories", _with("concerns.categories", []), "concerns.categories"),
    ("unknown gender", _with("children.0.gender", "f"), "children.0.gender"),
    ("consent reason missing", _with("consent", {"status": "refused"}), "consent.reason"),
    ("no children", _with("children", []), "children"),
    ("both dates", _with("children.0.expected_date_of_delivery", "2027-01-01"), "children.0.date_of_birth"),
    ("neither date", _with("children.0.date_of_birth", None), "children.0.date_of_birth"),
    ("delivery too far ahead", {**_with("children.0.date_of_birth", None)}, None),
    ("string for boolean", _with("immediate_danger", "yes"), "immediate_danger"),
    ("free text too long", _with("concerns.summary", "x" * 20_001), "concerns.summary"),
    ("NUL in a string", _with("children.0.first_name", "Am\u0000ira"), "children.0.first_name"),
    ("missing children", _with("children", _DELETE), "children"),
]
INVALID_FIELDS[22] = (
    "delivery too far ahead",
    (lambda d: (d["children"][0].update(date_of_birth=None, expected_date_of_delivery=ELEVEN_MONTHS), d)[1])(_valid()),
    "children.0.expected_date_of_delivery",
)


@pytest.mark.parametrize(
    ("doc", "field"), [(d, f) for _, d, f in INVALID_FIELDS], ids=[n for n, _, _ in INVALID_FIELDS]
)
def test_invalid_fields_are_422_naming_the_field_and_store_nothing(
    app: Flask, client: FlaskClient, partner, doc, field
) -> None:
    before = count_rows(app, *TABLES)
    response = post(client, partner, doc, **{"Idempotency-Key": "bad-input"})
    assert response.status_code == 422, response.get_json()
    problem = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert problem["status"] == 422 and problem["type"] and problem["title"]
    assert field in problem["errors"], problem["errors"]
    assert count_rows(app, *TABLES) == before


def test_thousand_children_is_422(app: Flask, client: FlaskClient, partner, body) -> None:
    body["children"] = [{"first_name": "A", "last_name": "B", "date_of_birth": "2019-01-01"}] * 1000
    response = post(client, partner, body)
    assert response.status_code == 422
    assert "children" in response.get_json()["errors"]
    assert count_rows(app, "contacts")["contacts"] == 0


MALFORMED = [
    ("not json", b"{referrer:", 400),
    ("nested 10,000 deep", b"[" * 10_000 + b"]" * 10_000, 400),
    ("duplicate keys", b'{"immediate_danger": false, "immediate_danger": true}', 400),
    ("NaN", b'{"immediate_danger": NaN}', 400),
    ("Infinity", b'{"x": Infinity}', 400),
    ("invalid UTF-8", b'{"x": "\xff\xfe"}', 400),
    ("raw NUL byte", b'{"x": "a\x00b"}', 400),
    ("byte order mark", b"\xef\xbb\xbf{}", 400),
    ("top-level array", b"[1, 2]", 422),
    ("top-level string", b'"contact"', 422),
]


@pytest.mark.parametrize(("raw", "status"), [(r, s) for _, r, s in MALFORMED], ids=[n for n, _, _ in MALFORMED])
def test_malformed_bodies_get_a_problem_and_store_nothing(
    app: Flask, client: FlaskClient, partner, raw, status
) -> None:
    before = count_rows(app, *TABLES)
    response = post(client, partner, raw)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == status
    assert count_rows(app, *TABLES) == before


def test_wrong_content_type_is_415(app: Flask, client: FlaskClient, partner, body) -> None:
    response = client.post(URL, data=json.dumps(body), headers=partner, content_type="text/plain")
    assert response.status_code == 415
    assert count_rows(app, "contacts")["contacts"] == 0


def test_one_mebibyte_body_is_413(app: Flask, client: FlaskClient, partner, body) -> None:
    body["concerns"]["summary"] = "x" * (1024 * 1024)
    response = post(client, partner, body)
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert count_rows(app, "contacts")["contacts"] == 0


def test_personal_data_in_a_query_string_is_refused(client: FlaskClient, screener) -> None:
    response = client.get(f"{URL}?last_name=Khan&dob=2019-04-02", headers=screener)
    assert response.status_code == 400
    assert set(response.get_json()["errors"]) == {"last_name", "dob"}


def test_unknown_query_parameter_is_422(client: FlaskClient, screener) -> None:
    response = client.get(f"{URL}?colour=blue", headers=screener)
    assert response.status_code == 422
    assert "colour" in response.get_json()["errors"]


def test_wrong_method_is_405_problem(client: FlaskClient, partner) -> None:
    response = client.delete(URL, headers=partner)
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"


def test_unborn_child_may_have_no_name(client: FlaskClient, partner, screener, body) -> None:
    body["children"] = [{"expected_date_of_delivery": (date.today() + timedelta(days=60)).isoformat()}]
    body["concerns"]["categories"] = ["pre_birth"]
    response = post(client, partner, body)
    assert response.status_code == 201
    child = client.get(response.headers["Location"], headers=screener).get_json()["children"][0]
    assert child["first_name"] is None and child["gender"] == "unknown"
