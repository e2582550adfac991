"""Personal data goes to partners over HTTPS only (plain HTTP only to this machine), and webhooks are signed with a
time stamp so that a captured message cannot be replayed."""

from __future__ import annotations

import pytest

from integrations.notify import WebhookNotifier, sign, verify
from integrations.urls import safe_for_personal_data
from mash.settings import Settings


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://police-mash.example.gov.uk/api", True),
        ("http://127.0.0.1:8099/police", True),
        ("http://localhost:8099/", True),
        ("http://[::1]:8099/", True),
        ("http://police-mash.example.gov.uk/api", False),
        ("http://10.0.0.8/api", False),
        ("http://127.0.0.1.example.org/", False),
        ("ftp://127.0.0.1/", False),
        ("https:///no-host", False),
    ],
)
def test_only_https_or_loopback_http_carries_personal_data(url: str, safe: bool) -> None:
    assert safe_for_personal_data(url) is safe


def test_a_webhook_over_plain_http_is_refused() -> None:
    with pytest.raises(ValueError, match="must be https://"):
        WebhookNotifier("http://partner.example.org/feedback", "secret")
    assert WebhookNotifier("https://partner.example.org/feedback", "secret").url.startswith("https://")


def test_a_partner_on_this_machine_may_use_plain_http() -> None:
    settings = Settings.from_env({"MASH_POLICE_URL": "http://127.0.0.1:8099/police"})
    assert settings.police.url == "http://127.0.0.1:8099/police"


def test_a_webhook_signature_names_its_time_and_refuses_a_replay() -> None:
    body = b'{"outcome":"nfa"}'
    header = sign("secret", body, 1_800_000_000)
    assert header.startswith("t=1800000000,sha256=")
    assert verify("secret", header, body, now=1_800_000_000 + 299)
    assert not verify("secret", header, body, now=1_800_000_000 + 301)
    assert not verify("secret", header, body, now=1_800_000_000 - 301)
    assert not verify("other secret", header, body, now=1_800_000_000)
    assert not verify("secret", header, body + b" ", now=1_800_000_000)
    moved = header.replace("t=1800000000", "t=1800000299")
    assert not verify("secret", moved, body, now=1_800_000_299)
    assert not verify("secret", "sha256=" + header.split("sha256=")[1], body, now=1_800_000_000)
    assert not verify("secret", "t=soon,sha256=00", body, now=1_800_000_000)
