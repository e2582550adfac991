"""Partner systems on OAuth2 client credentials: access tokens (JWTs) from the council's authorisation server,
checked against its published keys and mapped to the partner account whose client id they name."""

from __future__ import annotations

import base64
import json
import threading
import time
from typing import Any

import requests
import structlog
from joserfc import jwt
from joserfc.errors import ClaimError, JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select
from sqlalchemy.orm import Session

from mash.db import read_only, utcnow
from mash.identity_settings import OAuthSettings
from mash.models import SecurityEvent, User
from mash.services.callers import PARTNER, Caller
from mash.services.users import TOKEN_PREFIX

ACCESS_TOKEN_REFUSED = "access_token.refused"  # noqa: S105 (an event name, not a secret)
LEEWAY_SECONDS = 30  # clock difference allowed between the authorisation server and this service
REFETCH_SECONDS = 60  # an unknown key id fetches the keys again at most this often
FETCH_TIMEOUT_SECONDS = 5

log = structlog.get_logger(__name__)


class AccessTokenRefused(Exception):
    """An access token that does not prove who is calling; the reason names the check it failed (never the token)."""


def looks_like_jwt(token: str) -> bool:
    """Say whether a bearer token is a JWT rather than one of the service's own opaque tokens."""
    return token.count(".") == 2 and not token.startswith(TOKEN_PREFIX)


def _header(token: str) -> dict[str, Any]:
    encoded = token.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    except ValueError:
        raise AccessTokenRefused("malformed") from None
    if not isinstance(header, dict):
        raise AccessTokenRefused("malformed")
    return header


def _get_json(url: str) -> dict[str, Any]:
    response = requests.get(url, timeout=FETCH_TIMEOUT_SECONDS, headers={"Accept": "application/json"})
    response.raise_for_status()
    found = response.json()
    if not isinstance(found, dict):
        raise ValueError("not a JSON object")
    return found


class SigningKeys:
    """The authorisation server's signing keys (its JWKS): fetched when first needed, kept, and fetched again when a
    token names a key id they do not hold (a rotated key), at most once every REFETCH_SECONDS."""

    def __init__(self, settings: OAuthSettings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._keys: KeySet | None = None
        self._refetched_at: float | None = None

    def _jwks_url(self) -> str:
        if self._settings.jwks_url:
            return self._settings.jwks_url
        issuer = self._settings.issuer or ""
        discovered = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
        if discovered.get("issuer") != issuer or not isinstance(discovered.get("jwks_uri"), str):
            raise ValueError("the discovery document names another issuer or no jwks_uri")
        return str(discovered["jwks_uri"])

    def _fetch(self) -> KeySet:
        try:
            return KeySet.import_key_set(_get_json(self._jwks_url()))  # type: ignore[arg-type]
        except (requests.RequestException, ValueError, JoseError) as exc:
            log.warning("signing_keys_unavailable", error_type=type(exc).__name__)
            raise AccessTokenRefused("keys_unavailable") from exc

    def for_key_id(self, kid: object) -> KeySet:
        """Return the key set, fetched again first if it lacks this key id and was not just fetched again."""
        with self._lock:
            if self._keys is None:
                self._keys = self._fetch()
            elif kid not in {key.kid for key in self._keys.keys}:
                now = time.monotonic()
                if self._refetched_at is None or now - self._refetched_at >= REFETCH_SECONDS:
                    self._refetched_at = now
                    self._keys = self._fetch()
            return self._keys


class AccessTokens:
    """Checks access tokens: signature by one of the issuer's keys with an allowed algorithm, issuer, audience, expiry
    and not-before (with LEEWAY_SECONDS)."""

    def __init__(self, settings: OAuthSettings) -> None:
        if not (settings.issuer and settings.audience):
            raise ValueError("access tokens need an issuer and an audience")
        self.settings = settings
        self._keys = SigningKeys(settings)
        self._registry = jwt.JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": settings.issuer},
            aud={"essential": True, "value": settings.audience},
            exp={"essential": True},
        )

    def claims(self, token: str) -> dict[str, Any]:
        """Return a token's claims once every check passes; raise AccessTokenRefused naming the first that fails."""
        header = _header(token)
        if header.get("alg") not in self.settings.algorithms:
            raise AccessTokenRefused("algorithm")
        keys = self._keys.for_key_id(header.get("kid"))
        try:
            claims = jwt.decode(token, keys, algorithms=self.settings.algorithms).claims
            self._registry.validate(claims)
        except ClaimError as exc:
            raise AccessTokenRefused(f"{exc.error}:{exc.claim}") from exc
        except JoseError as exc:
            raise AccessTokenRefused(exc.error) from exc
        except ValueError as exc:  # a token whose parts do not decode
            raise AccessTokenRefused("malformed") from exc
        return dict(claims)


def _refuse(session: Session, reason: str, *, user_id: str | None, request_id: str | None, address: str | None) -> None:
    log.warning("access_token_refused", reason=reason)
    with session.begin():
        session.add(
            SecurityEvent(
                at=utcnow(), kind=ACCESS_TOKEN_REFUSED, user_id=user_id, client_address=address, request_id=request_id
            )
        )


def authenticate(
    session: Session,
    tokens: AccessTokens,
    token: str,
    *,
    request_id: str | None = None,
    client_address: str | None = None,
) -> Caller | None:
    """Return the partner caller an access token proves, or None, recorded as a security event with the client's
    address: a token that fails a check, names a client id no active partner account has, or names an organisation or
    agency type other than that account's."""
    try:
        claims = tokens.claims(token)
    except AccessTokenRefused as refused:
        _refuse(session, str(refused), user_id=None, request_id=request_id, address=client_address)
        return None
    settings = tokens.settings
    client_id = claims.get(settings.client_claim)
    with session.begin():
        read_only(session)
        user = (
            session.execute(
                select(User).where(User.oauth_client_id == client_id, User.role == PARTNER, User.active.is_(True))
            ).scalar_one_or_none()
            if isinstance(client_id, str)
            else None
        )
    if user is None:
        _refuse(session, "unknown_client", user_id=None, request_id=request_id, address=client_address)
        return None
    organisation, agency_type = claims.get(settings.organisation_claim), claims.get(settings.agency_claim)
    if organisation != user.organisation or agency_type != user.agency_type:
        _refuse(session, "organisation", user_id=user.id, request_id=request_id, address=client_address)
        return None
    return Caller.of(user, request_id=request_id)
