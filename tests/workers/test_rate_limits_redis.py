"""With Redis configured, the rate limits' counters are shared by every web process."""

from __future__ import annotations

from dataclasses import replace

from mash.app import create_app
from mash.settings import Settings
from tests.conftest import truncate_all

QUEUE = "/api/v1/queue"


def test_two_web_processes_share_one_limit_in_redis(settings: Settings, redis_url: str, screener_factory) -> None:
    shared = replace(settings, redis_url=redis_url, rate_limit="5 per minute")
    first, second = create_app(shared), create_app(shared)
    truncate_all(first)
    try:
        screener = screener_factory(first)
        answers = [app.test_client().get(QUEUE, headers=screener).status_code for app in (first, second) * 3]
        assert answers == [200] * 5 + [429]
    finally:
        truncate_all(first)
        for app in (first, second):
            app.extensions["mash.engine"].dispose()
