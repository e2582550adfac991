"""Staff single sign-on through the council's OpenID Connect provider: the authorization code flow with PKCE and a
nonce (Authlib's Flask client), the ID token's issuer, audience, nonce and expiry checked before anyone is signed in."""

from __future__ import annotations

from typing import Any

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, abort, current_app, g, render_template, request, url_for
from joserfc.errors import ClaimError, JoseError
from werkzeug.wrappers import Response

from mash.db import get_session
from mash.identity_settings import OidcSettings
from mash.services import staff_sign_on
from mash.services.accounts import SignInRefused
from mash.web.auth import start_session
from mash.web.blueprint import bp
from mash.web.forms import SignInForm

PROVIDER = "council"
REFUSED = "Your council account could not sign you in here. Ask an administrator to check that you have an account"


def init_app(app: Flask, settings: OidcSettings) -> None:
    """Register the council's identity provider as this app's OpenID Connect client, when one is configured."""
    if not settings.issuer:
        return
    oauth = OAuth(app)
    oauth.register(
        PROVIDER,
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        server_metadata_url=settings.issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
    )
    app.extensions["mash.sign_on"] = oauth


def _provider() -> Any:
    oauth = current_app.extensions.get("mash.sign_on")
    if oauth is None:
        abort(404)
    return oauth.create_client(PROVIDER)


def _refused() -> tuple[str, int]:
    return render_template("sign_in.html", form=SignInForm(), errors=[{"text": REFUSED, "href": "#sign-on"}]), 403


def _reason(exc: Exception) -> str:
    if isinstance(exc, ClaimError):
        return f"{exc.error}:{exc.claim}"
    return str(getattr(exc, "error", None) or type(exc).__name__)


@bp.get("/sign-in/council")
def sign_on() -> Response:
    """Send the browser to the council's identity provider, with a fresh state, nonce and PKCE challenge."""
    provider = _provider()
    redirect: Response = provider.authorize_redirect(url_for("web.sign_on_callback", _external=True))
    return redirect


@bp.get("/sign-in/council/callback")
def sign_on_callback() -> Any:
    """Check the identity provider's answer and sign in the staff account it names (nobody else)."""
    provider = _provider()
    settings: OidcSettings = current_app.config["MASH_SETTINGS"].oidc
    options = {"iss": {"essential": True, "value": settings.issuer}, "exp": {"essential": True}}
    where = {"request_id": g.request_id, "client_address": request.remote_addr}
    try:
        token = provider.authorize_access_token(claims_options=options)
    except (OAuthError, JoseError, requests.RequestException, ValueError, KeyError) as exc:
        staff_sign_on.refuse(get_session(), _reason(exc), **where)
        return _refused()
    email = (token.get("userinfo") or {}).get(settings.email_claim)
    if not isinstance(email, str) or not email:
        staff_sign_on.refuse(get_session(), f"missing_claim:{settings.email_claim}", **where)
        return _refused()
    try:
        signed_in = staff_sign_on.sign_on(get_session(), email, **where)
    except SignInRefused:
        return _refused()
    return start_session(signed_in)
