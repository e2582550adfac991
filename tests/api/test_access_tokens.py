"""Partner systems on OAuth2 client credentials: access tokens from an identity provider the tests run on 127.0.0.1,
checked for signature, algorithm, issuer, audience and time, and mapped to the partner account of their client id."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import text

from mash.identity_settings import OAuthSettings
from mash.settings import Settings
from tests.api.helpers import GREEN, URL, contact, post_contact
from tests.conftest import clean_app, new_user, refusals
from tests.identity_provider import AUDIENCE, IdentityProvider

CLIENT = "met-police-case-system"


@contextmanager
def _trusting(settings: Settings, provider: IdentityProvider, **oauth: Any) -> Iterator[Flask]:
    """Build the application trusting the provider's access tokens (keys found through discovery unless `oauth` names
    a JWKS URL), on a clean database."""
    chosen = OAuthSettings(**{"issuer": provider.issuer, "audience": AUDIENCE, **oauth})
    with clean_app(settings.with_overrides(oauth=chosen), testing=True) as application:
        yield application


def _register(app: Flask, provider: IdentityProvider) -> str:
    """Register the police case system at the provider and as a partner account; return its client secret."""
    session = app.extensions["mash.sessionmaker"]()
    try:
        new_user(session, "Met Police case system", "partner", "Metropolitan Police", "police", oauth_client_id=CLIENT)
    finally:
        session.close()
    return provider.add_client(CLIENT, "Metropolitan Police", "police")


@pytest.fixture
def oauth_app(settings: Settings, identity_provider: IdentityProvider) -> Iterator[Flask]:
    with _trusting(settings, identity_provider) as application:
        yield application


@pytest.fixture
def oauth_client(oauth_app: Flask) -> FlaskClient:
    return oauth_app.test_client()


@pytest.fixture
def police_system(oauth_app: Flask, identity_provider: IdentityProvider) -> str:
    return _register(oauth_app, identity_provider)


def _account(app: Flask, role: str, organisation: str | None = None, agency_type: str | None = None) -> dict[str, str]:
    session = app.extensions["mash.sessionmaker"]()
    try:
        _, token = new_user(session, f"Test {role}", role, organisation, agency_type)
    finally:
        session.close()
    return _bearer(token)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": "Bearer " + token}


def _client_credentials(provider: IdentityProvider, client_id: str, secret: str) -> str:
    answer = requests.post(
        provider.issuer + "/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret), timeout=5
    )
    answer.raise_for_status()
    token: str = answer.json()["access_token"]
    return token


def test_a_partner_system_posts_a_contact_and_lists_only_its_organisations(
    oauth_client: FlaskClient,
    oauth_app: Flask,
    identity_provider: IdentityProvider,
    police_system: str,
) -> None:
    headers = _bearer(_client_credentials(identity_provider, CLIENT, police_system))
    school = _account(oauth_app, "partner", "Brixton Hill Primary", "school")
    theirs = contact("SCH 1", **GREEN)
    theirs["referrer"]["agency_type"] = "school"
    post_contact(oauth_client, school, theirs)
    body = contact("CAD 1", **GREEN)
    del body["referrer"]["agency_type"]
    del body["referrer"]["organisation"]
    made = post_contact(oauth_client, headers, body)
    listed = oauth_client.get(URL, headers=headers)
    assert listed.status_code == 200
    assert [item["id"] for item in listed.get_json()["items"]] == [made]
    staff = _account(oauth_app, "screener")
    referrer = oauth_client.get(f"{URL}/{made}", headers=staff).get_json()["referrer"]
    assert (referrer["organisation"], referrer["agency_type"]) == ("Metropolitan Police", "police")
    assert refusals(oauth_app) == []


def _forged_key_token(claims: dict[str, Any]) -> str:
    stranger = RSAKey.generate_key(2048, parameters={"kid": "not-published"}, private=True)
    return jwt.encode({"alg": "RS256", "kid": "not-published"}, claims, stranger)


def _changed_payload(provider: IdentityProvider) -> str:
    """Return a properly signed token whose payload was then swapped for one naming a longer lifetime."""
    header, _, signature = provider.sign(provider.access_claims(CLIENT)).split(".")
    longer = provider.access_claims(CLIENT, exp=int(time.time()) + 86400)
    payload = provider.unsigned({}, longer).split(".")[1]
    return f"{header}.{payload}.{signature}"


REFUSED: dict[str, tuple[str, Callable[[IdentityProvider], str]]] = {
    "wrong issuer": (
        "invalid_claim:iss",
        lambda idp: idp.sign(idp.access_claims(CLIENT, iss="https://login.elsewhere.example")),
    ),
    "wrong audience": ("invalid_claim:aud", lambda idp: idp.sign(idp.access_claims(CLIENT, aud="another-api"))),
    "expired": ("expired_token:exp", lambda idp: idp.sign(idp.access_claims(CLIENT, exp=int(time.time()) - 120))),
    "not yet valid": ("invalid_claim:nbf", lambda idp: idp.sign(idp.access_claims(CLIENT, nbf=int(time.time()) + 600))),
    "no expiry": ("missing_claim:exp", lambda idp: idp.sign(idp.access_claims(CLIENT, exp=None))),
    "alg none": ("algorithm", lambda idp: idp.unsigned({"alg": "none", "typ": "JWT"}, idp.access_claims(CLIENT))),
    "HS256 signed with the public key": (
        "algorithm",
        lambda idp: idp.unsigned({"alg": "HS256", "kid": idp.key.kid}, idp.access_claims(CLIENT), idp.public_pem()),
    ),
    "a key the provider never published": (
        "invalid_key_id",
        lambda idp: _forged_key_token(idp.access_claims(CLIENT)),
    ),
    "a changed payload": ("bad_signature", lambda idp: _changed_payload(idp)),
    "not a JWT at all": ("malformed", lambda idp: "not.a.jwt"),
    "an unknown client": ("unknown_client", lambda idp: idp.sign(idp.access_claims("unknown-system"))),
    "another organisation": (
        "organisation",
        lambda idp: idp.sign(idp.access_claims(CLIENT, organisation="Brixton Hill Primary")),
    ),
    "another agency type": ("organisation", lambda idp: idp.sign(idp.access_claims(CLIENT, agency_type="school"))),
    "no organisation": ("organisation", lambda idp: idp.sign(idp.access_claims(CLIENT, organisation=None))),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_bad_access_token_is_refused_and_recorded(
    settings: Settings, identity_provider: IdentityProvider, case: str, capfd: pytest.CaptureFixture[str]
) -> None:
    reason, make = REFUSED[case]
    with _trusting(settings, identity_provider) as app:
        client = app.test_client()
        good = _client_credentials(identity_provider, CLIENT, _register(app, identity_provider))
        assert client.get(URL, headers=_bearer(good)).status_code == 200
        capfd.readouterr()
        refused = client.get(URL, headers=_bearer(make(identity_provider)))
        assert refused.status_code == 401
        assert refused.mimetype == "application/problem+json"
        assert refused.headers["WWW-Authenticate"] == 'Bearer realm="mash"'
        assert refusals(app) == [("access_token.refused", "127.0.0.1")]
        logged = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    assert [line["reason"] for line in logged if line["event"] == "access_token_refused"] == [reason]


def test_a_deactivated_partner_systems_tokens_are_refused_at_once(
    oauth_client: FlaskClient, oauth_app: Flask, identity_provider: IdentityProvider, police_system: str
) -> None:
    headers = _bearer(_client_credentials(identity_provider, CLIENT, police_system))
    assert oauth_client.get(URL, headers=headers).status_code == 200
    with oauth_app.extensions["mash.engine"].begin() as conn:
        conn.execute(text("UPDATE users SET active = false WHERE oauth_client_id = :c"), {"c": CLIENT})
    assert oauth_client.get(URL, headers=headers).status_code == 401
    assert refusals(oauth_app) == [("access_token.refused", "127.0.0.1")]


def test_the_keys_are_fetched_again_when_the_provider_rotates_its_key(
    oauth_client: FlaskClient, identity_provider: IdentityProvider, police_system: str
) -> None:
    for _ in range(2):
        headers = _bearer(_client_credentials(identity_provider, CLIENT, police_system))
        assert oauth_client.get(URL, headers=headers).status_code == 200
    assert identity_provider.jwks_fetches == 1
    identity_provider.rotate()
    rotated = _bearer(_client_credentials(identity_provider, CLIENT, police_system))
    assert oauth_client.get(URL, headers=rotated).status_code == 200
    assert identity_provider.jwks_fetches == 2


def test_unknown_key_ids_fetch_the_keys_again_at_most_once_a_minute(
    oauth_client: FlaskClient, identity_provider: IdentityProvider, police_system: str
) -> None:
    good = _bearer(_client_credentials(identity_provider, CLIENT, police_system))
    assert oauth_client.get(URL, headers=good).status_code == 200
    forged = _bearer(_forged_key_token(identity_provider.access_claims(CLIENT)))
    for _ in range(3):
        assert oauth_client.get(URL, headers=forged).status_code == 401
    assert identity_provider.jwks_fetches == 2


def test_keys_come_from_a_configured_jwks_url_without_discovery(
    settings: Settings, identity_provider: IdentityProvider
) -> None:
    with _trusting(settings, identity_provider, jwks_url=identity_provider.issuer + "/jwks") as app:
        token = _client_credentials(identity_provider, CLIENT, _register(app, identity_provider))
        assert app.test_client().get(URL, headers=_bearer(token)).status_code == 200
    assert (identity_provider.discovery_fetches, identity_provider.jwks_fetches) == (0, 1)


@pytest.mark.parametrize("where", ["names another issuer", "cannot be reached"])
def test_without_the_providers_keys_every_access_token_is_refused(
    settings: Settings, identity_provider: IdentityProvider, capfd: pytest.CaptureFixture[str], where: str
) -> None:
    issuer = identity_provider.issuer + "/" if where == "names another issuer" else "http://127.0.0.1:9"
    with _trusting(settings, identity_provider, issuer=issuer) as app:
        token = _client_credentials(identity_provider, CLIENT, _register(app, identity_provider))
        capfd.readouterr()
        assert app.test_client().get(URL, headers=_bearer(token)).status_code == 401
        assert refusals(app) == [("access_token.refused", "127.0.0.1")]
        logged = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    assert [line["event"] for line in logged if "error_type" in line] == ["signing_keys_unavailable"]
    assert [line["reason"] for line in logged if line["event"] == "access_token_refused"] == ["keys_unavailable"]


def test_the_services_own_tokens_still_work_beside_access_tokens(oauth_client: FlaskClient, oauth_app: Flask) -> None:
    assert oauth_client.get(URL, headers=_account(oauth_app, "screener")).status_code == 200
    assert oauth_client.get(URL, headers=_bearer("mash_not-a-token")).status_code == 401


def test_without_an_issuer_an_access_token_is_just_an_unknown_token(
    client: FlaskClient, app: Flask, identity_provider: IdentityProvider
) -> None:
    identity_provider.add_client(CLIENT, "Metropolitan Police", "police")
    refused = client.get(URL, headers=_bearer(identity_provider.sign(identity_provider.access_claims(CLIENT))))
    assert refused.status_code == 401
    assert refusals(app) == [("token.refused", "127.0.0.1")]
