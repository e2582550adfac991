"""The `mash` command, run as partners and operators run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from flask import Flask
from sqlalchemy import text

from mash.screening.rulebook import DEFAULT_RULEBOOK
from mash.settings import Settings
from tests.cli import mash_on
from tests.conftest import count_rows


def test_users_create_prints_a_working_token_alone_on_the_last_line(app: Flask, settings: Settings) -> None:
    assert mash_on(settings, "organisations", "add", "Met", "--agency-type", "police").returncode == 0
    done = mash_on(
        settings,
        "users",
        "create",
        "PC Jane Smith",
        "--role",
        "partner",
        "--organisation",
        "Met",
        "--agency-type",
        "police",
    )
    assert done.returncode == 0, done.stderr
    token = done.stdout.splitlines()[-1]
    assert token.startswith("mash_") and " " not in token
    response = app.test_client().get("/api/v1/contacts/none", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404


def test_users_create_refuses_a_partner_without_an_organisation(app: Flask, settings: Settings) -> None:
    done = mash_on(settings, "users", "create", "Someone", "--role", "partner")
    assert done.returncode != 0
    assert "organisation" in done.stderr


def test_users_create_names_a_partner_systems_oauth_client_once_and_never_a_staff_account(
    app: Flask, settings: Settings
) -> None:
    system = ("--role", "partner", "--organisation", "Met", "--agency-type", "police", "--oauth-client-id", "met-cad")
    assert mash_on(settings, "organisations", "add", "Met", "--agency-type", "police").returncode == 0
    assert mash_on(settings, "users", "create", "Met CAD", *system).returncode == 0
    again = mash_on(settings, "users", "create", "Met CAD 2", *system)
    assert again.returncode != 0 and "another account has that OAuth client id" in again.stderr
    staff = mash_on(settings, "users", "create", "Sam", "--role", "screener", "--oauth-client-id", "sam")
    assert staff.returncode != 0 and "only a partner system" in staff.stderr


def test_organisations_are_added_listed_and_deactivated_and_a_partner_joins_only_an_existing_one(
    app: Flask, settings: Settings
) -> None:
    partner = ("--role", "partner", "--organisation", "brixton hill primary")
    unknown = mash_on(settings, "users", "create", "DSL", *partner)
    assert unknown.returncode != 0 and "add it first" in unknown.stderr
    assert mash_on(settings, "organisations", "add", "Brixton Hill Primary", "--agency-type", "school").returncode == 0
    again = mash_on(settings, "organisations", "add", "BRIXTON  HILL PRIMARY", "--agency-type", "school")
    assert again.returncode != 0 and "already the organisation Brixton Hill Primary" in again.stderr
    council = mash_on(settings, "organisations", "add", "mash", "--agency-type", "police")
    assert council.returncode != 0 and "the council's own organisation" in council.stderr
    wrong_kind = mash_on(settings, "users", "create", "DSL", *partner, "--agency-type", "police")
    assert wrong_kind.returncode != 0 and "is a school organisation" in wrong_kind.stderr
    created = mash_on(settings, "users", "create", "DSL", *partner)
    assert created.returncode == 0, created.stderr
    assert "(Brixton Hill Primary)" in created.stdout
    listed = mash_on(settings, "organisations", "list").stdout.splitlines()
    assert [line.split()[0] for line in listed] == ["active", "council"]
    stopped = mash_on(settings, "organisations", "deactivate", "Brixton Hill Primary")
    assert "deactivated Brixton Hill Primary and 1 of its accounts" in stopped.stdout
    token = created.stdout.splitlines()[-1]
    assert app.test_client().get("/api/v1/contacts", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    later = mash_on(settings, "users", "create", "DSL 2", *partner)
    assert later.returncode != 0 and "no active organisation" in later.stderr


def test_rules_check_accepts_the_default_and_names_the_line_of_an_error(settings: Settings, tmp_path: Path) -> None:
    assert mash_on(settings, "rules", "check", str(DEFAULT_RULEBOOK)).returncode == 0
    broken = tmp_path / "rules.yaml"
    lines = DEFAULT_RULEBOOK.read_text().splitlines()
    index = next(n for n, line in enumerate(lines) if "any_indicator:" in line)
    lines[index] = lines[index].replace("any_indicator: [", "any_indicator: [bruises_galore, ")
    broken.write_text("\n".join(lines) + "\n")
    done = mash_on(settings, "rules", "check", str(broken))
    assert done.returncode == 1
    assert f"line {index + 1}" in done.stderr and "bruises_galore" in done.stderr


def test_rules_explain_prints_the_rules_that_fired(client, partner, settings: Settings) -> None:
    from tests.conftest import EXAMPLE_BODY

    created = client.post(
        "/api/v1/contacts", data=json.dumps(EXAMPLE_BODY), headers=partner, content_type="application/json"
    ).get_json()
    done = mash_on(settings, "rules", "explain", created["id"])
    assert done.returncode == 0, done.stderr
    assert created["reference"] in done.stdout
    assert "da-high-risk" in done.stdout
    assert "Decision due by" in done.stdout


def test_accounts_and_teams_from_the_command_line(app: Flask, settings: Settings) -> None:
    created = mash_on(
        settings, "users", "create", "Sam Screener", "--role", "screener", "--email", "Sam@Council.example"
    )
    assert created.returncode == 0, created.stderr
    first_token = created.stdout.splitlines()[-1]
    weak = mash_on(settings, "users", "set-password", "sam@council.example", input="password123\n")
    assert weak.returncode != 0 and "too common" in weak.stderr
    done = mash_on(settings, "users", "set-password", "sam@council.example", input="orange kettle harbour\n")
    assert done.returncode == 0, done.stderr
    listed = mash_on(settings, "users", "list").stdout
    assert "sam@council.example" in listed and "Sam Screener" in listed
    rotated = mash_on(settings, "users", "rotate-token", "sam@council.example")
    new_token = rotated.stdout.splitlines()[-1]
    client = app.test_client()
    assert client.get("/api/v1/queue", headers={"Authorization": f"Bearer {first_token}"}).status_code == 401
    assert client.get("/api/v1/queue", headers={"Authorization": f"Bearer {new_token}"}).status_code == 200
    assert (
        mash_on(settings, "teams", "create", "Early Help West", "--kind", "early_help", "--cap", "12").returncode == 0
    )
    assert (
        mash_on(
            settings, "teams", "add-member", "Early Help West", "Sam Screener", "--user", "sam@council.example"
        ).returncode
        == 0
    )
    assert mash_on(settings, "teams", "update", "Early Help West", "--inactive").returncode == 0
    assert (
        "Early Help West (early_help, inactive): 0/12 children, 1 workers" in mash_on(settings, "teams", "list").stdout
    )
    assert mash_on(settings, "users", "deactivate", "sam@council.example").returncode == 0
    assert client.get("/api/v1/queue", headers={"Authorization": f"Bearer {new_token}"}).status_code == 401


def test_demo_twice_adds_nobody_twice_and_prints_sign_ins(app: Flask, settings: Settings) -> None:
    first = mash_on(settings, "demo")
    assert first.returncode == 0, first.stderr
    assert "screener@demo.mash.example" in first.stdout
    users = count_rows(app, "users", "contacts")
    assert mash_on(settings, "demo").returncode == 0
    assert count_rows(app, "users", "contacts") == users
    with app.extensions["mash.engine"].connect() as conn:
        live = conn.execute(text("SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL")).scalar_one()
        admins = conn.execute(text("SELECT COUNT(*) FROM users WHERE role = 'admin'")).scalar_one()
    assert (live, admins) == (users["users"], 1)


def test_commands_that_read_no_words_do_not_load_the_language_models() -> None:
    """spaCy costs seconds and 170 MB: only screening and the narrative commands may load it."""
    probe = "import sys, mash.cli; print(sorted(m for m in ('spacy', 'medspacy') if m in sys.modules))"
    quiet = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    assert quiet.stdout.strip() == "[]"
    reading = "import sys; import mash.screening.narrative as n; n.load_reader(); print('spacy' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", reading], capture_output=True, text=True, timeout=240, check=True)
    assert loaded.stdout.strip() == "True"
