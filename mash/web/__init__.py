"""The staff and referrer pages: GOV.UK Frontend templates on the services the API uses, signed in with a password."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, abort, current_app, g, render_template
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from mash.api.body import malformed_path_id
from mash.settings import Settings
from mash.web import (  # noqa: F401 - importing a page module registers its pages on the blueprint
    admin,
    auth,
    children,
    contact,
    decision,
    facts,
    flags,
    oversight,
    privacy,
    queue,
    referral_form,
    reports,
    single_sign_on,
    teams,
    your_referrals,
)
from mash.web.blueprint import bp
from mash.web.forms import field_error, flashed_errors

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
csrf = CSRFProtect()


def session_cookie_name(*, secure: bool) -> str:
    """The staff session cookie's name: with the `__Host-` prefix wherever the cookie is sent over HTTPS only."""
    return "__Host-mash_session" if secure else "mash_session"


@bp.before_request
def _check_csrf() -> None:
    csrf.protect()


@bp.before_request
def _refuse_malformed_path_id() -> None:
    if malformed_path_id():
        abort(404)


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.app_context_processor
def _context() -> dict[str, Any]:
    caller = g.get("caller")
    return {
        "caller": caller,
        "navigation": auth.navigation(caller),
        "council_name": current_app.config["MASH_SETTINGS"].council_name,
        "sign_on": current_app.config["MASH_SETTINGS"].oidc,
        "field_error": field_error,
        "flashed_errors": flashed_errors,
    }


def _page_error(heading: str, *paragraphs: str, status: int) -> tuple[str, int]:
    return render_template("error.html", heading=heading, paragraphs=paragraphs), status


@bp.errorhandler(CSRFError)
def _csrf_error(_error: CSRFError) -> tuple[str, int]:
    return _page_error(
        "Your form could not be sent",
        "The page you sent it from had expired or was not sent by this service, so nothing was changed.",
        "Go back, reload the page and try again.",
        status=400,
    )


@bp.errorhandler(403)
def _forbidden(_error: HTTPException) -> tuple[str, int]:
    return _page_error("You cannot see this page", "Your role does not give you access to it.", status=403)


@bp.errorhandler(404)
def _not_found(_error: HTTPException) -> tuple[str, int]:
    return _page_error("Page not found", "Check the address, or go back to your home page.", status=404)


def init_app(app: Flask, settings: Settings) -> None:
    """Register the staff pages, their templates, CSRF protection and the session cookie's rules."""
    app.jinja_loader = ChoiceLoader(
        [app.jinja_loader, PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})]  # type: ignore[list-item]
    )
    app.config.update(
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,
        # "__Host-": the browser keeps the cookie only from this host over HTTPS, for every path (ASVS 3.3.3)
        SESSION_COOKIE_NAME=session_cookie_name(secure=settings.secure_cookies),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_max_hours),
    )
    csrf.init_app(app)
    single_sign_on.init_app(app, settings.oidc)
    app.register_blueprint(bp)
