"""`mash retention` as the council's administrator runs it: the schedule, holds, review and destruction."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from mash.services.retention_policy import DEFAULT_SCHEDULE
from mash.settings import Settings
from tests.cli import Ran, mash_on
from tests.retention_support import decided, decided_years_ago, staff_account, tables_naming


def mash(settings: Settings, *args: str, **env: str) -> Ran:
    """Run `mash` on the test database with logging at INFO, so that a test sees whatever would be logged."""
    return mash_on(settings, *args, log_level="INFO", **env)


def test_the_schedule_in_force_is_printed_and_a_broken_one_stops_the_service(
    settings: Settings, tmp_path: Path
) -> None:
    shown = mash(settings, "retention", "schedule")
    assert shown.returncode == 0, shown.stderr
    assert "contact-closed-at-front-door" in shown.stdout and "6 years from decided" in shown.stdout
    broken = tmp_path / "retention.yaml"
    broken.write_text(DEFAULT_SCHEDULE.read_text().replace("keep: {years: 6}", "keep: {years: six}"))
    refused = mash(settings, "retention", "schedule", MASH_RETENTION=str(broken))
    assert refused.returncode == 1
    assert "refusing to start with this retention schedule" in refused.stderr
    assert "class 'contact-closed-at-front-door': keep must be" in refused.stderr


def _review_id(output: str) -> str:
    first = output.splitlines()[0]
    assert first.startswith("review "), output
    return first.split()[1]


def test_review_then_destroy_with_holds_from_the_command_line(
    app: Flask, client: FlaskClient, settings: Settings, partner, manager
) -> None:
    by = staff_account(app)
    old = decided(client, partner, manager, "OLD", "Ottilie", "Marchbanks")
    recent = decided(client, partner, manager, "NEW", "Nell", "Recent")
    held = decided(client, partner, manager, "HELD", "Hattie", "Heldane")
    for contact in (old, held):
        decided_years_ago(app, contact["id"], 7)
    placed = mash(settings, "retention", "hold", held["reference"], "--reason", "Claim 2026/7 is open", "--by", by)
    assert placed.returncode == 0, placed.stderr
    hold_id = placed.stdout.split()[2]

    listed = mash(settings, "retention", "review")
    assert listed.returncode == 0, listed.stderr
    review_id = _review_id(listed.stdout)
    assert "1 records due" in listed.stdout
    assert old["reference"] in listed.stdout and "contact-closed-at-front-door" in listed.stdout
    assert recent["reference"] not in listed.stdout and held["reference"] not in listed.stdout
    assert "Ottilie" not in listed.stdout + listed.stderr
    named = mash(settings, "retention", "review", "--names")
    assert "Ottilie Marchbanks" in named.stdout

    unconfirmed = mash(settings, "retention", "destroy", review_id, "--by", by)
    assert unconfirmed.returncode == 1 and "add --confirm" in unconfirmed.stderr
    assert tables_naming(app, old["id"])["contacts"] == 1
    done = mash(settings, "retention", "destroy", review_id, "--by", by, "--confirm")
    assert done.returncode == 0, done.stderr
    assert f"destroyed contact {old['reference']} (contact-closed-at-front-door)" in done.stdout
    assert tables_naming(app, old["id"], old["children"][0]["id"]) == {}
    assert "Ottilie" not in done.stdout + done.stderr
    again = mash(settings, "retention", "destroy", review_id, "--by", by, "--confirm")
    assert again.returncode != 0 and "was carried out" in again.stderr

    assert held["reference"] in mash(settings, "retention", "holds").stdout
    lifted = mash(settings, "retention", "lift", hold_id, "--reason", "Claim settled", "--by", by)
    assert lifted.returncode == 0, lifted.stderr
    assert mash(settings, "retention", "holds").stdout == ""
    assert f"{held['reference']} lifted" in mash(settings, "retention", "holds", "--all").stdout
    second = mash(settings, "retention", "review")
    assert held["reference"] in second.stdout
    destroyed = mash(settings, "retention", "destroy", _review_id(second.stdout), "--by", by, "--confirm")
    assert destroyed.returncode == 0, destroyed.stderr
    assert tables_naming(app, held["id"]) == {}
    assert tables_naming(app, recent["id"])["contacts"] == 1

    verified = mash(settings, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "audit chain intact" in verified.stdout


def test_a_hold_needs_a_reason_a_known_contact_and_a_member_of_staff(
    app: Flask, client: FlaskClient, settings: Settings, partner, manager
) -> None:
    by = staff_account(app)
    contact = decided(client, partner, manager, "H", "Hal", "Hold")
    blank = mash(settings, "retention", "hold", contact["reference"], "--reason", " ", "--by", by)
    assert blank.returncode != 0 and "needs a reason" in blank.stderr
    unknown = mash(settings, "retention", "hold", "MASH-1999-000001", "--reason", "x", "--by", by)
    assert unknown.returncode != 0 and "no contact" in unknown.stderr
    nobody = mash(settings, "retention", "hold", contact["reference"], "--reason", "x", "--by", "nobody@x.example")
    assert nobody.returncode != 0 and "no user" in nobody.stderr
