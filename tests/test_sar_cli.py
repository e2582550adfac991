"""`mash sar export`: everything held about one child, as JSON and an escaped, printable page, audited."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from mash.models import AuditEvent
from mash.settings import Settings
from tests.api.helpers import child, contact, post_contact, post_json
from tests.retention_support import staff_account
from tests.test_retention_cli import mash

HOSTILE = "<script>alert('x')</script>"
NHS = "9434765919"


def _about_the_child(client: FlaskClient, partner, manager, make_token) -> tuple[str, str, str]:
    """Two contacts about the same child (one naming them with a hostile surname) and one about another child."""
    therapist = {"Authorization": "Bearer " + make_token("therapist", name="Thea Therapist")}
    first = post_contact(
        client,
        partner,
        contact(
            "SAR-1", categories=["neglect"], children=[child("Amira", "Khan" + HOSTILE, "2019-04-02", nhs_number=NHS)]
        ),
    )
    decision = {"outcome": "signpost", "rag": "green", "rationale": f"Housing can help the family {HOSTILE}."}
    assert post_json(client, f"/api/v1/contacts/{first}/decision", manager, decision).status_code == 201
    checks = {"agencies": ["health"], "purpose": "Health visitor's view", "legal_basis": "Children Act 1989 s17"}
    assert post_json(client, f"/api/v1/contacts/{first}/checks", manager, checks).status_code == 202
    assert post_json(client, f"/api/v1/contacts/{first}/flags", therapist, {"note": "Consult"}).status_code == 201
    second = post_contact(
        client,
        partner,
        contact(
            "SAR-2", categories=["domestic_abuse"], children=[child("Amira", "Khan", "2019-04-02", nhs_number=NHS)]
        ),
    )
    other = post_contact(
        client, partner, contact("SAR-3", categories=["neglect"], children=[child("Zed", "Other", "2015-01-01")])
    )
    return first, second, other


def test_a_subject_access_export_holds_every_kind_of_record_escaped_and_is_audited(
    app: Flask, client: FlaskClient, settings: Settings, partner, manager, make_token, tmp_path: Path
) -> None:
    by = staff_account(app)
    first, second, other = _about_the_child(client, partner, manager, make_token)
    references = {
        cid: client.get(f"/api/v1/contacts/{cid}", headers=manager).get_json()["reference"]
        for cid in (first, second, other)
    }
    done = mash(settings, "sar", "export", "--nhs-number", NHS, "--by", by, "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "exported 2 contacts (2 child records)" in done.stdout
    assert "Amira" not in done.stdout + done.stderr

    document = json.loads((tmp_path / "subject-access.json").read_text())
    contacts = {c["reference"]: c for c in document["contacts"]}
    assert set(contacts) == {references[first], references[second]}
    about = contacts[references[first]]
    assert about["this_child"]["last_name"] == "Khan" + HOSTILE
    assert about["recommendation"]["reasons"] and about["recommendation"]["outcome"]
    assert about["decisions"][0]["rationale"] == f"Housing can help the family {HOSTILE}."
    assert {s["direction"] for s in about["information_shared"]} >= {"requested", "disclosed"}
    assert about["flags"][0]["note"] == "Consult" and about["flags"][0]["history"]
    assert about["feedback"][0]["outcome"] == "signpost"
    assert about["referrer"]["name"] == "PC Jane Smith"
    looks = {(look["who"].split(" (")[0], look["action"]) for look in about["access_history"]}
    assert {("Manager", "contact.read"), ("Manager", "contact.decide"), ("Thea Therapist", "flag.raise")} <= looks

    page = (tmp_path / "subject-access.html").read_text()
    assert HOSTILE not in page
    assert "Khan&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert references[first] in page and references[other] not in page
    for path in tmp_path.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600

    with app.extensions["mash.engine"].connect() as conn:
        exported = conn.execute(select(AuditEvent.contact_id).where(AuditEvent.action == "sar.export")).scalars()
        assert set(exported) == {first, second}


def test_a_child_is_found_by_name_and_date_of_birth_and_a_near_miss_is_only_named(
    app: Flask, client: FlaskClient, settings: Settings, partner, manager, make_token, tmp_path: Path
) -> None:
    by = staff_account(app)
    _about_the_child(client, partner, manager, make_token)
    near = post_contact(
        client, partner, contact("SAR-4", categories=["neglect"], children=[child("Amina", "Khan", "2019-04-02")])
    )
    args = ["--first-name", "Amira", "--last-name", "Khan", "--date-of-birth", "2019-04-02", "--by", by]
    done = mash(settings, "sar", "export", *args, "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    document = json.loads((tmp_path / "subject-access.json").read_text())
    assert [c["this_child"]["first_name"] for c in document["contacts"]] == ["Amira", "Amira"]
    assert "left out, may be the same child" in done.stdout and "Amina" not in done.stdout
    near_child = client.get(f"/api/v1/contacts/{near}", headers=manager).get_json()["children"][0]["id"]
    assert near_child in done.stdout
    added = mash(settings, "sar", "export", "--child-id", near_child, "--by", by, "--out", str(tmp_path / "near"))
    assert added.returncode == 0, added.stderr
    document = json.loads((tmp_path / "near" / "subject-access.json").read_text())
    assert [c["this_child"]["first_name"] for c in document["contacts"]] == ["Amina"]
    refused = mash(settings, "sar", "export", "--last-name", "Khan", "--by", by, "--out", str(tmp_path))
    assert refused.returncode != 0 and "name the child by NHS number" in refused.stderr


def test_a_record_confirmed_to_be_the_same_child_is_exported_with_the_others(
    app: Flask, client: FlaskClient, settings: Settings, partner, manager, make_token, tmp_path: Path
) -> None:
    by = staff_account(app)
    _about_the_child(client, partner, manager, make_token)
    unnumbered = post_contact(
        client, partner, contact("SAR-5", categories=["neglect"], children=[child("Amira", "Khan", "2019-04-02")])
    )
    record = client.get(f"/api/v1/contacts/{unnumbered}", headers=manager).get_json()
    match = next(m for m in record["children"][0]["matches"] if m["band"] == "likely")
    assert post_json(client, f"/api/v1/matches/{match['id']}/confirm", manager).status_code == 200
    done = mash(settings, "sar", "export", "--nhs-number", NHS, "--by", by, "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    document = json.loads((tmp_path / "subject-access.json").read_text())
    assert record["reference"] in {c["reference"] for c in document["contacts"]}
    assert record["children"][0]["id"] in document["child_records"]
