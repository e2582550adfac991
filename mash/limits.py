"""Rate limits (flask-limiter): per client and per account on every request, more strictly on failed authentication.

The counters live in Redis when `REDIS_URL` is set (shared by every web process) and in memory otherwise. The
client is its address as `MASH_PROXY_COUNT` proxies report it; the account is the credential a request carries (a
bearer token, or a signed-in person's session), so one account spread over many addresses is still counted once.
A client or account over a limit gets `429` as problem+json with `Retry-After`. Health checks, metrics and static
assets are not limited. While Redis does not answer, each process counts in its own memory rather than refuse
requests.
"""

from __future__ import annotations

import hashlib
import time

from flask import Flask, Response, request, session
from flask_limiter import ApplicationLimit, Limiter
from flask_limiter.util import get_remote_address

from mash.settings import Settings

UNLIMITED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
STATIC_PREFIXES = ("/assets/", "/api/v1/docs/assets/")


def storage_uri(redis_url: str | None) -> str:
    """Return where the counters are kept: the service's Redis when configured, else this process's memory."""
    if not redis_url:
        return "memory://"
    return "redis+unix://" + redis_url.removeprefix("unix://") if redis_url.startswith("unix://") else redis_url


def _unlimited() -> bool:
    return request.path in UNLIMITED_PATHS or request.path.startswith(STATIC_PREFIXES)


def _authentication_failed(response: Response) -> bool:
    return response.status_code == 401


def account_key() -> str:
    """Return the account a request is made as, without a database read: its bearer token's digest, or the
    signed-in person of its session; a request with neither is counted by its address alone."""
    scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credential.strip():
        return "token:" + hashlib.sha256(credential.strip().encode()).hexdigest()[:32]
    user_id = session.get("uid")
    return f"session:{user_id}" if user_id else "address:" + get_remote_address()


def init_app(app: Flask, settings: Settings) -> None:
    """Limit every client's requests, and its failed authentications more strictly."""
    limiter = Limiter(
        key_func=get_remote_address,
        storage_uri=storage_uri(settings.redis_url),
        key_prefix="mash-limits",
        headers_enabled=False,  # the counters' state is read back only for a refusal's Retry-After (_retry_after)
        swallow_errors=True,  # Redis down must not stop the front door: the limits fall back to memory meanwhile
        in_memory_fallback_enabled=True,
        application_limits=[
            ApplicationLimit(settings.rate_limit, scope="requests", exempt_when=_unlimited),
            ApplicationLimit(
                settings.account_rate_limit, key_function=account_key, scope="account", exempt_when=_unlimited
            ),
            ApplicationLimit(
                settings.failed_auth_limit,
                scope="failed-authentication",
                exempt_when=_unlimited,
                deduct_when=_authentication_failed,
            ),
        ],
    )
    limiter.init_app(app)
    app.extensions["mash.limiter"] = limiter

    def _retry_after(response: Response) -> Response:
        # flask-limiter's own headers read each counter back from Redis on every answer (two round trips more
        # a request); a refusal is the only answer that needs to say when the window resets.
        limit = limiter.current_limit if response.status_code == 429 else None
        if limit is not None:
            response.headers["Retry-After"] = str(max(1, int(limit.reset_at - time.time())))
        return response

    app.after_request(_retry_after)
