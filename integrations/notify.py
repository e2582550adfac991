"""Feedback to referrers through a partner's own webhook, signed so that the partner can trust it."""

import hashlib
import hmac
import json
import time
from typing import Any

import requests

from integrations.base import PartnerRejected, PartnerUnavailable, Timeout
from integrations.urls import safe_for_personal_data

AGENCY = "notification"
SIGNATURE_HEADER = "X-MASH-Signature"
REPLAY_WINDOW_SECONDS = 300


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """Return the signature header's value: `t=<Unix seconds>,sha256=<hex>`, the HMAC-SHA256 of the time stamp, a
    full stop and the exact body, so that a captured message cannot be sent again later as a fresh one."""
    return f"t={timestamp},sha256={_digest(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, *, now: float, tolerance: int = REPLAY_WINDOW_SECONDS) -> bool:
    """Check a signature header as a partner should: the HMAC matches, and the time stamp is within `tolerance`
    seconds of `now` (a message replayed later, or signed for another body or time, is refused)."""
    fields = dict(part.partition("=")[::2] for part in header.split(","))
    try:
        timestamp = int(fields.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(fields.get("sha256", ""), _digest(secret, timestamp, body))


class WebhookNotifier:
    """Posts a JSON message to one partner webhook; a failure raises a typed error for the caller to retry."""

    def __init__(self, url: str, secret: str, *, timeout: Timeout = (3.05, 10.0)) -> None:
        if not safe_for_personal_data(url):
            raise ValueError("a webhook URL must be https:// (plain http:// only to 127.0.0.1 or localhost)")
        self.url = url
        self.secret = secret
        self.timeout = timeout

    def send(self, message: dict[str, Any], *, idempotency_key: str) -> None:
        """Deliver the message once; the key lets the partner drop a repeat delivery."""
        body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(self.secret, body, int(time.time())),
            "Idempotency-Key": idempotency_key,
        }
        try:
            response = requests.post(self.url, data=body, headers=headers, timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as exc:
            raise PartnerUnavailable(AGENCY, f"webhook unreachable ({type(exc).__name__})") from None
        if response.status_code == 429 or response.status_code >= 500:
            raise PartnerUnavailable(AGENCY, f"webhook answered {response.status_code}", status=response.status_code)
        if not 200 <= response.status_code < 300:
            raise PartnerRejected(
                AGENCY, f"webhook refused the message ({response.status_code})", status=response.status_code
            )
