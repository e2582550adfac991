"""Rate limits: a burst gets 429 problem+json with Retry-After; failed authentication is limited more strictly."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from mash.limits import storage_uri
from mash.settings import SettingError, Settings

QUEUE = "/api/v1/queue"


@pytest.fixture
def limited(settings: Settings, make_app: Callable[[Settings], Flask]) -> Callable[..., Flask]:
    return lambda **overrides: make_app(settings.with_overrides(**overrides))


def _token(app: Flask, make_token_on: Callable[[Flask], dict[str, str]]) -> dict[str, str]:
    return make_token_on(app)


def test_a_burst_gets_429_with_retry_after(limited: Callable[..., Flask], screener_factory) -> None:
    app = limited(rate_limit="5 per minute")
    client, screener = app.test_client(), screener_factory(app)
    assert [client.get(QUEUE, headers=screener).status_code for _ in range(5)] == [200] * 5
    refused = client.get(QUEUE, headers=screener)
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["status"] == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert client.get("/healthz").status_code == 200


def test_failed_authentication_is_limited_more_strictly(limited: Callable[..., Flask], screener_factory) -> None:
    app = limited(failed_auth_limit="3 per minute")
    client, screener = app.test_client(), screener_factory(app)
    wrong = {"Authorization": "Bearer mash_wrong"}
    assert [client.get(QUEUE, headers=wrong).status_code for _ in range(3)] == [401] * 3
    refused = client.get(QUEUE, headers=screener)
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    other = client.get(QUEUE, headers=screener, environ_base={"REMOTE_ADDR": "192.0.2.8"})
    assert other.status_code == 200


def test_successful_requests_do_not_count_as_failed_authentication(
    limited: Callable[..., Flask], screener_factory
) -> None:
    app = limited(failed_auth_limit="3 per minute")
    client, screener = app.test_client(), screener_factory(app)
    assert [client.get(QUEUE, headers=screener).status_code for _ in range(6)] == [200] * 6


def test_limits_are_checked_and_counted_in_redis_when_configured() -> None:
    assert storage_uri(None) == "memory://"
    assert storage_uri("redis://127.0.0.1:6392/3") == "redis://127.0.0.1:6392/3"
    assert storage_uri("unix:///run/redis.sock") == "redis+unix:///run/redis.sock"


@pytest.mark.parametrize(("name", "value"), [("MASH_RATE_LIMIT", "lots"), ("MASH_FAILED_AUTH_LIMIT", "0 per minute")])
def test_a_limit_that_cannot_be_read_is_refused(name: str, value: str) -> None:
    with pytest.raises(SettingError, match=name):
        Settings.from_env({name: value})


def test_one_account_is_limited_across_addresses(limited: Callable[..., Flask], screener_factory) -> None:
    app = limited(account_rate_limit="4 per minute")
    client, screener, other = app.test_client(), screener_factory(app), screener_factory(app)
    addresses = [f"192.0.2.{n}" for n in range(1, 5)]
    assert [
        client.get(QUEUE, headers=screener, environ_base={"REMOTE_ADDR": address}).status_code for address in addresses
    ] == [200] * 4
    refused = client.get(QUEUE, headers=screener, environ_base={"REMOTE_ADDR": "192.0.2.99"})
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert client.get(QUEUE, headers=other, environ_base={"REMOTE_ADDR": "192.0.2.99"}).status_code == 200
