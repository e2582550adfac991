"""Staff single sign-on through an OpenID Connect provider the tests run on 127.0.0.1: the authorization code flow with
PKCE, state and nonce; the provider says who someone is, their account here what they may do."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, expect
from sqlalchemy import text

from mash.identity_settings import OidcSettings
from mash.services import accounts
from mash.settings import Settings
from tests.conftest import clean_app, new_user
from tests.identity_provider import STAFF_CLIENT_ID, STAFF_CLIENT_SECRET, IdentityProvider
from tests.server import serving
from tests.web.browser import Visitor
from tests.web.conftest import csrf_token

EMAIL = "screener@council.example"
PASSWORD = "correct horse battery staple"


@contextmanager
def _signing_on(settings: Settings, provider: IdentityProvider, *, local_sign_in: bool = True) -> Iterator[Flask]:
    """Build the staff pages signing people on through the provider, on a clean database."""
    oidc = OidcSettings(
        issuer=provider.issuer,
        client_id=STAFF_CLIENT_ID,
        client_secret=STAFF_CLIENT_SECRET,
        name="your Lambeth account",
        local_sign_in=local_sign_in,
    )
    with clean_app(settings.with_overrides(oidc=oidc), testing=True) as application:
        yield application


@pytest.fixture
def sso_app(settings: Settings, identity_provider: IdentityProvider) -> Iterator[Flask]:
    """The staff pages signing people on through the test provider, passwords still allowed."""
    with _signing_on(settings, identity_provider) as application:
        yield application


def _account(app: Flask, role: str = "screener", email: str = EMAIL) -> None:
    session = app.extensions["mash.sessionmaker"]()
    try:
        organisation, agency = ("Metropolitan Police", "police") if role == "partner" else (None, None)
        new_user(session, f"Test {role}", role, organisation, agency, email=email)
    finally:
        session.close()


def _to_provider(client: FlaskClient) -> str:
    """Start signing on; return where the browser is sent, at the provider."""
    started = client.get("/sign-in/council")
    assert started.status_code == 302
    return str(started.headers["Location"])


def _back_from_provider(authorize_url: str) -> str:
    """Let the provider approve its person; return the path and query it sends the browser back to."""
    approved = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert approved.status_code == 302, approved.text
    back = urlsplit(approved.headers["Location"])
    return f"{back.path}?{back.query}"


def _events(app: Flask) -> list[tuple[str, str | None]]:
    with app.extensions["mash.engine"].connect() as conn:
        rows = conn.execute(text("SELECT kind, client_address FROM security_events ORDER BY at")).all()
    return [(row[0], row[1]) for row in rows]


def _attempts(app: Flask) -> list[tuple[bool, str]]:
    with app.extensions["mash.engine"].connect() as conn:
        rows = conn.execute(text("SELECT succeeded, reason FROM sign_in_attempts ORDER BY at")).all()
    return [(bool(row[0]), row[1]) for row in rows]


def _signed_in(client: FlaskClient) -> bool:
    return client.get("/queue").status_code == 200


def test_a_screener_signs_on_through_the_council_provider_with_pkce_and_a_nonce(
    sso_app: Flask, identity_provider: IdentityProvider
) -> None:
    _account(sso_app)
    client = sso_app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    assert "Sign in with your Lambeth account" in page
    assert 'for="password"' in page
    authorize = _to_provider(client)
    assert authorize.startswith(identity_provider.issuer + "/authorize?")
    query = dict(part.split("=", 1) for part in urlsplit(authorize).query.split("&"))
    assert query["code_challenge_method"] == "S256" and query["nonce"] and query["state"]
    landed = client.get(_back_from_provider(authorize))
    assert landed.status_code == 302 and landed.headers["Location"] == "/"
    assert client.get("/").headers["Location"] == "/queue"
    assert _signed_in(client)
    assert _attempts(sso_app) == [(True, "sso")]
    assert _events(sso_app) == []


def _tampered_state(client: FlaskClient, provider: IdentityProvider) -> FlaskClient:
    client.get(_back_from_provider(_to_provider(client)).replace("state=", "state=x"))
    return client


def _another_browser(client: FlaskClient, provider: IdentityProvider) -> FlaskClient:
    back = _back_from_provider(_to_provider(client))
    stranger = client.application.test_client()
    stranger.get(back)
    return stranger


def _another_nonce(client: FlaskClient, provider: IdentityProvider) -> FlaskClient:
    provider.nonce_instead = "replayed-from-another-sign-in"
    client.get(_back_from_provider(_to_provider(client)))
    return client


def _another_issuer(client: FlaskClient, provider: IdentityProvider) -> FlaskClient:
    provider.issuer_instead = "https://login.elsewhere.example"
    client.get(_back_from_provider(_to_provider(client)))
    return client


def _no_email(client: FlaskClient, provider: IdentityProvider) -> FlaskClient:
    provider.person = {"sub": "person-without-an-address"}
    client.get(_back_from_provider(_to_provider(client)))
    return client


@pytest.mark.parametrize(
    ("attack", "reason"),
    [
        (_tampered_state, "mismatching_state"),
        (_another_browser, "mismatching_state"),
        (_another_nonce, "invalid_claim:nonce"),
        (_another_issuer, "invalid_claim:iss"),
        (_no_email, "missing_claim:email"),
    ],
)
def test_a_provider_answer_failing_a_check_is_refused_and_recorded(
    settings: Settings,
    identity_provider: IdentityProvider,
    capfd: pytest.CaptureFixture[str],
    attack: Callable[[FlaskClient, IdentityProvider], FlaskClient],
    reason: str,
) -> None:
    with _signing_on(settings, identity_provider) as app:
        _account(app)
        capfd.readouterr()
        browser = attack(app.test_client(), identity_provider)
        assert not _signed_in(browser)
        assert _events(app) == [("sign_on.refused", "127.0.0.1")]
        logged = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
        assert [line["reason"] for line in logged if line["event"] == "sign_on_refused"] == [reason]


def test_the_refusal_page_says_what_to_do(sso_app: Flask, identity_provider: IdentityProvider) -> None:
    client = sso_app.test_client()
    refused = client.get(_back_from_provider(_to_provider(client)))
    assert refused.status_code == 403
    page = refused.get_data(as_text=True)
    assert "could not sign you in here" in page and 'href="#sign-on"' in page


@pytest.mark.parametrize(
    ("setup", "reason"),
    [("no account", "sso_unknown"), ("deactivated", "sso_inactive"), ("partner", "sso_not_staff")],
)
def test_someone_without_an_active_staff_account_is_refused_and_recorded(
    sso_app: Flask, identity_provider: IdentityProvider, setup: str, reason: str
) -> None:
    if setup == "no account":
        _account(sso_app, email="someone.else@council.example")
    else:
        _account(sso_app, "partner" if setup == "partner" else "screener")
    if setup == "deactivated":
        with sso_app.extensions["mash.engine"].begin() as conn:
            conn.execute(text("UPDATE users SET active = false"))
    client = sso_app.test_client()
    refused = client.get(_back_from_provider(_to_provider(client)))
    assert refused.status_code == 403
    assert not _signed_in(client) and client.get("/referrals").status_code == 302
    assert _attempts(sso_app) == [(False, reason)]
    assert _events(sso_app) == [("sign_on.refused", "127.0.0.1")]
    with sso_app.extensions["mash.engine"].connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM users")).scalar_one() == 1


def test_with_local_sign_in_off_only_the_provider_signs_people_in(
    settings: Settings, identity_provider: IdentityProvider
) -> None:
    with _signing_on(settings, identity_provider, local_sign_in=False) as app:
        _account(app)
        accounts.set_password(app.extensions["mash.sessionmaker"](), EMAIL, PASSWORD)
        client = app.test_client()
        page = client.get("/sign-in").get_data(as_text=True)
        assert "Sign in with your Lambeth account" in page and 'for="password"' not in page
        client.get(_back_from_provider(_to_provider(client)))
        assert _signed_in(client)
        token = csrf_token(client, "/queue")
        with client.session_transaction() as browser:
            browser.pop("uid")
        refused = client.post("/sign-in", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token})
        assert refused.status_code == 404
        assert not _signed_in(client)


def test_without_a_provider_there_is_no_single_sign_on(client: FlaskClient) -> None:
    assert "Sign in with" not in client.get("/sign-in").get_data(as_text=True)
    assert client.get("/sign-in/council").status_code == 404
    assert client.get("/sign-in/council/callback?code=x&state=y").status_code == 404


def test_a_screener_signs_on_in_a_real_browser(
    settings: Settings, identity_provider: IdentityProvider, browser: Browser
) -> None:
    oidc = OidcSettings(
        issuer=identity_provider.issuer,
        client_id=STAFF_CLIENT_ID,
        client_secret=STAFF_CLIENT_SECRET,
        name="your Lambeth account",
    )
    with clean_app(settings.with_overrides(secure_cookies=False, oidc=oidc)) as application:
        _account(application)
        with serving(application) as base:
            visitor = Visitor(browser, base, "single-sign-on")
            visitor.go("/sign-in", "sign-in-with-the-council")
            expect(visitor.page.get_by_label("Password", exact=True)).to_be_visible()
            visitor.page.get_by_role("button", name="Sign in with your Lambeth account").click()
            visitor.check("home")
            expect(visitor.page).to_have_url(re.compile(r"/queue$"))
            visitor.close()
