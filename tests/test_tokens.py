"""API tokens over their life: expiry, last use, revoking one; refused tokens and sign-ins recorded with the
client's address, behind a configured number of proxies."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from mash.settings import Settings
from tests.cli import mash_on
from tests.conftest import clean_app, refusals

QUEUE = "/api/v1/queue"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": "Bearer " + token}


def _one(app: Flask, sql: str, **params: str) -> object:
    with app.extensions["mash.engine"].connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def test_an_expired_token_is_refused_at_once_and_recorded(
    client: FlaskClient, app: Flask, make_token: Callable[..., str]
) -> None:
    token = make_token("screener")
    assert client.get(QUEUE, headers=_bearer(token)).status_code == 200
    with app.extensions["mash.engine"].begin() as conn:
        conn.execute(text("UPDATE api_tokens SET expires_at = :past"), {"past": "2020-01-01 00:00:00"})
    refused = client.get(QUEUE, headers=_bearer(token))
    assert refused.status_code == 401
    assert refused.mimetype == "application/problem+json"
    assert refusals(app) == [("token.refused", "127.0.0.1")]


def test_bad_tokens_are_each_recorded_with_the_client_address(client: FlaskClient, app: Flask) -> None:
    for n in range(3):
        assert client.get(QUEUE, headers=_bearer(f"mash_not-a-token-{n}")).status_code == 401
    assert refusals(app) == [("token.refused", "127.0.0.1")] * 3
    assert "not-a-token" not in str(_one(app, "SELECT COUNT(*) FROM security_events WHERE request_id IS NOT NULL"))


def test_the_client_address_comes_from_the_configured_number_of_proxies(settings: Settings) -> None:
    forwarded = {"X-Forwarded-For": "198.51.100.7, 203.0.113.9", **_bearer("mash_wrong")}
    for proxies, expected in ((0, "127.0.0.1"), (1, "203.0.113.9"), (2, "198.51.100.7")):
        with clean_app(settings.with_overrides(proxy_count=proxies)) as app:
            assert app.test_client().get(QUEUE, headers=forwarded).status_code == 401
            assert refusals(app) == [("token.refused", expected)], proxies


def test_a_tokens_last_use_is_recorded(client: FlaskClient, app: Flask, make_token: Callable[..., str]) -> None:
    token = make_token("screener")
    assert _one(app, "SELECT last_used_at FROM api_tokens") is None
    assert client.get(QUEUE, headers=_bearer(token)).status_code == 200
    assert _one(app, "SELECT last_used_at FROM api_tokens") is not None


def test_one_token_is_revoked_from_the_command_line_and_refused_at_once(
    client: FlaskClient, app: Flask, settings: Settings, make_token: Callable[..., str]
) -> None:
    kept, revoked = make_token("screener", name="Keeps"), make_token("screener", name="Loses")
    token_id = str(_one(app, "SELECT t.id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.name = 'Loses'"))
    listed = mash_on(settings, "tokens", "list")
    assert listed.returncode == 0, listed.stderr
    assert f"{token_id} live" in listed.stdout
    done = mash_on(settings, "tokens", "revoke", token_id)
    assert done.returncode == 0, done.stderr
    assert client.get(QUEUE, headers=_bearer(revoked)).status_code == 401
    assert client.get(QUEUE, headers=_bearer(kept)).status_code == 200
    assert f"{token_id} revoked" in mash_on(settings, "tokens", "list").stdout
    assert mash_on(settings, "tokens", "revoke", "no-such-token").returncode == 1


def test_a_token_issued_from_the_command_line_expires(app: Flask, settings: Settings) -> None:
    done = mash_on(settings, "users", "create", "Expiring", "--role", "screener", "--expires-in-days", "30")
    assert done.returncode == 0, done.stderr
    days = mash_on(settings, "tokens", "list").stdout
    assert "expires 20" in days and "live" in days
    never = mash_on(settings, "users", "rotate-token", "Expiring", "--expires-in-days", "0")
    assert never.returncode == 0, never.stderr
    assert "expires -" in mash_on(settings, "tokens", "list").stdout
