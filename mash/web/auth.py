"""Signing in and out of the staff pages, the time-outs of a browser session, and who may see which page."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from mash.db import get_session
from mash.services import accounts
from mash.services.callers import Caller, Permission
from mash.web.blueprint import bp
from mash.web.forms import SignInForm, summary

F = TypeVar("F", bound=Callable[..., Any])

HOMES = {
    "partner": "web.referrals",
    "screener": "web.queue",
    "manager": "web.oversight",
    "therapist": "web.flags",
    "admin": "web.admin_users",
    "privacy_officer": "web.privacy",
}
NAVIGATION: dict[str, list[tuple[str, str]]] = {
    "partner": [("Your referrals", "web.referrals"), ("Make a referral", "web.referral_new")],
    "screener": [("Queue", "web.queue"), ("Find a child", "web.child_search"), ("Take a referral", "web.referral_new")],
    "manager": [
        ("Oversight", "web.oversight"),
        ("Queue", "web.queue"),
        ("Teams", "web.teams"),
        ("Find a child", "web.child_search"),
        ("Performance", "web.reports"),
        ("Take a referral", "web.referral_new"),
    ],
    "therapist": [("Flags", "web.flags"), ("Queue", "web.queue"), ("Find a child", "web.child_search")],
    "admin": [("Accounts", "web.admin_users"), ("Teams", "web.admin_teams")],
    "privacy_officer": [("Privacy log", "web.privacy")],
}


def current_caller() -> Caller:
    """Return the person signed in for this request."""
    caller: Caller = g.caller
    return caller


def _settings() -> Any:
    return current_app.config["MASH_SETTINGS"]


def _signed_in_caller() -> Caller | None:
    """Return the signed-in person, ending the session when it idled or lived too long."""
    user_id = session.get("uid")
    if not user_id:
        return None
    now = time.time()
    settings = _settings()
    idle = now - float(session.get("seen", 0)) > settings.session_idle_minutes * 60
    too_old = now - float(session.get("t0", 0)) > settings.session_max_hours * 3600
    caller = (
        None
        if idle or too_old
        else accounts.session_caller(get_session(), user_id, session.get("pwc"), request_id=g.request_id)
    )
    if caller is None:
        session.clear()
        g.timed_out = idle or too_old
        return None
    session["seen"] = now
    return caller


def navigation(caller: Caller | None) -> list[dict[str, Any]]:
    """Return the service navigation's links for a role, marking the current page's."""
    if caller is None:
        return []
    return [
        {"href": url_for(endpoint), "text": text, "active": request.endpoint == endpoint}
        for text, endpoint in NAVIGATION.get(caller.role, [])
    ]


def page(permission: Permission) -> Callable[[F], F]:
    """Let a page open only for a signed-in person whose role holds this permission (the roles are in one table)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            caller = _signed_in_caller()
            if caller is None:
                return redirect(url_for("web.sign_in", timed_out=1) if g.get("timed_out") else url_for("web.sign_in"))
            g.caller = caller
            if not caller.may(permission):
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorate


@bp.get("/")
def home() -> Response:
    """Send a signed-out browser to sign in and a signed-in one to its role's home page."""
    caller = _signed_in_caller()
    if caller is None:
        return redirect(url_for("web.sign_in"))
    return redirect(url_for(HOMES[caller.role]))


def start_session(signed_in: accounts.SignedIn) -> Response:
    """Begin a fresh browser session for someone who just signed in, and send them to their home page."""
    session.clear()
    now = time.time()
    changed = signed_in.password_changed_at
    session.update(uid=signed_in.caller.user_id, t0=now, seen=now, pwc=changed.isoformat() if changed else None)
    session.permanent = True
    return redirect(url_for("web.home"))


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    """Sign in with an email address and password (unless MASH_LOCAL_SIGN_IN=false), or through the council's
    identity provider when one is configured."""
    form = SignInForm()
    if request.method == "POST" and not _settings().oidc.local_sign_in:
        abort(404)
    if form.validate_on_submit():
        settings = _settings()
        try:
            signed_in = accounts.sign_in(
                get_session(),
                form.email.data or "",
                form.password.data or "",
                max_failures=settings.sign_in_failures,
                lockout_minutes=settings.lockout_minutes,
                request_id=g.request_id,
                client_address=request.remote_addr,
            )
        except accounts.SignInRefused as refused:
            message = (
                f"This account is locked after too many failed attempts: try again in {settings.lockout_minutes} "
                "minutes, or ask an administrator to reset your password"
                if refused.locked
                else "Enter a correct email address and password"
            )
            form.email.errors = [message]
            return render_template("sign_in.html", form=form, errors=summary(form)), 200
        return start_session(signed_in)
    return render_template(
        "sign_in.html", form=form, errors=summary(form), timed_out=request.args.get("timed_out") == "1"
    )


@bp.post("/sign-out")
def sign_out() -> Response:
    """End the browser session."""
    session.clear()
    return redirect(url_for("web.sign_in"))
