"""Who looked: the audit trail per person and per child, from the command line."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from mash.settings import Settings
from tests.api.helpers import GREEN, child, contact, post_contact
from tests.cli import mash_on


def test_who_looked_per_person_and_per_child(
    client: FlaskClient, app: Flask, settings: Settings, partner: dict[str, str], make_token: Callable[..., str]
) -> None:
    screener = {"Authorization": "Bearer " + make_token("screener", name="Sam Screener")}
    manager = {"Authorization": "Bearer " + make_token("manager", name="Mo Manager")}
    first = post_contact(client, partner, contact("WHO-1", **GREEN, children=[child("Alfred", "Hendry", "2015-03-07")]))
    second = post_contact(client, partner, contact("WHO-2", **GREEN, children=[child("Alfie", "Hendry", "2015-03-07")]))
    unrelated = post_contact(client, partner, contact("WHO-3", **GREEN, children=[child("Zara", "Ng", "2012-01-01")]))
    read = {cid: client.get(f"/api/v1/contacts/{cid}", headers=manager).get_json() for cid in (first, unrelated)}
    staff = client.get(f"/api/v1/contacts/{second}", headers=screener).get_json()
    match_id = staff["children"][0]["matches"][0]["id"]
    assert client.post(f"/api/v1/matches/{match_id}/confirm", headers=screener).status_code == 200

    mine = mash_on(settings, "audit", "by-user", "Sam Screener")
    assert mine.returncode == 0, mine.stderr
    lines = mine.stdout.splitlines()
    assert any("Sam Screener (screener) contact.read " + staff["reference"] in line for line in lines)
    assert any("match.confirm " + staff["reference"] in line for line in lines)
    assert not any(read[unrelated]["reference"] in line for line in lines)

    about = mash_on(settings, "audit", "child", staff["children"][0]["id"])
    assert about.returncode == 0, about.stderr
    assert "Mo Manager (manager) contact.read " + read[first]["reference"] in about.stdout
    assert "Sam Screener (screener) contact.read " + staff["reference"] in about.stdout
    assert read[unrelated]["reference"] not in about.stdout

    assert mash_on(settings, "audit", "by-user", "Nobody").returncode == 1
    assert mash_on(settings, "audit", "child", "no-such-child").returncode == 1
