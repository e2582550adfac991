"""Signing in and out: passwords, lockout, time-outs, cookies, CSRF and the security headers of every page."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

import mash.web
from mash.services import accounts, passwords
from mash.services.users import UserInvalid, create_user
from mash.settings import Settings
from tests.conftest import count_rows
from tests.web.conftest import Person, csrf_token, sign_in


def test_a_signed_out_browser_is_sent_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in")
    page = client.get("/sign-in").get_data(as_text=True)
    assert re.search(r'<label[^>]*for="email"[^>]*>\s*Email address\s*</label>', page)
    assert re.search(r'<label[^>]*for="password"[^>]*>\s*Password\s*</label>', page)
    assert re.search(r"<button[^>]*>\s*Sign in\s*</button>", page)


@pytest.mark.parametrize(
    ("role", "home"),
    [("screener", "/queue"), ("manager", "/oversight"), ("therapist", "/flags"), ("admin", "/admin/users")],
)
def test_each_role_lands_on_its_home_page(client: FlaskClient, person: Callable[..., Person], role, home) -> None:
    sign_in(client, person(role))
    response = client.get("/")
    assert response.headers["Location"].endswith(home)
    assert client.get(home).status_code == 200


def test_a_wrong_password_is_refused_and_recorded(app: Flask, client: FlaskClient, person) -> None:
    someone = person("screener")
    response = client.post(
        "/sign-in", data={"email": someone.email, "password": "not the password", "csrf_token": csrf_token(client)}
    )
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and "Enter a correct email address and password" in page
    assert 'href="#email"' in page
    assert client.get("/queue").status_code == 302
    assert count_rows(app, "sign_in_attempts") == {"sign_in_attempts": 1}


def test_an_account_locks_after_repeated_failures(app: Flask, client: FlaskClient, person) -> None:
    someone = person("screener")
    failures = app.config["MASH_SETTINGS"].sign_in_failures
    for _ in range(failures):
        sign_in(client, someone, password="wrong password again")
    response = client.post(
        "/sign-in", data={"email": someone.email, "password": someone.password, "csrf_token": csrf_token(client)}
    )
    assert "This account is locked" in response.get_data(as_text=True)
    assert client.get("/queue").status_code == 302
    session = app.extensions["mash.sessionmaker"]()
    accounts.set_password(session, someone.email, "a fresh password for monday")
    session.close()
    assert sign_in(client, someone, password="a fresh password for monday").get("/queue").status_code == 200


def test_the_session_cookie_is_secure_httponly_and_lax(client: FlaskClient, person) -> None:
    someone = person("screener")
    response = client.post(
        "/sign-in", data={"email": someone.email, "password": someone.password, "csrf_token": csrf_token(client)}
    )
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-mash_session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/;" in cookie
    assert "Domain=" not in cookie


def test_sign_out_ends_the_session(client: FlaskClient, person) -> None:
    sign_in(client, person("screener"))
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/queue")})
    assert client.get("/queue").status_code == 302


def test_an_idle_session_times_out(settings: Settings, make_app: Callable[[Settings], Flask]) -> None:
    app = make_app(settings.with_overrides(session_idle_minutes=0))
    client = app.test_client()
    someone = _person_on(app)
    sign_in(client, someone)
    response = client.get("/queue")
    assert response.status_code == 302 and "timed_out=1" in response.headers["Location"]
    assert "You were signed out" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_busy_session_still_ends_at_its_absolute_time_out(app: Flask, client: FlaskClient, person) -> None:
    sign_in(client, person("screener"))
    assert client.get("/queue").status_code == 200
    hours = app.config["MASH_SETTINGS"].session_max_hours
    with client.session_transaction() as session:
        session["t0"] = time.time() - hours * 3600 - 5  # signed in longer ago than the limit, seen a moment ago
    response = client.get("/queue")
    assert response.status_code == 302 and "timed_out=1" in response.headers["Location"]
    assert client.get("/queue").headers["Location"].endswith("/sign-in")


def _person_on(app: Flask) -> Person:
    session = app.extensions["mash.sessionmaker"]()
    _, token = create_user(session, "Idle", "screener", email="idle@council.example")
    accounts.set_password(session, "idle@council.example", "an idle screener password")
    session.close()
    return Person("Idle", "screener", "idle@council.example", "an idle screener password", token)


def test_a_password_reset_ends_other_sessions(app: Flask, client: FlaskClient, person) -> None:
    someone = person("screener")
    sign_in(client, someone)
    session = app.extensions["mash.sessionmaker"]()
    accounts.set_password(session, someone.email, "another long password here")
    session.close()
    assert client.get("/queue").status_code == 302


def test_passwords_follow_ncsc_guidance() -> None:
    assert passwords.problem("short") is not None
    assert passwords.problem("Password123") is not None
    assert passwords.problem("aaaaaaaaaaaaaaa") is not None
    assert passwords.problem("qwertyuiop") is not None
    assert passwords.problem("purple tractor umbrella") is None


def test_set_password_refuses_a_common_one(app: Flask, person) -> None:
    someone = person("screener")
    session = app.extensions["mash.sessionmaker"]()
    with pytest.raises(UserInvalid, match="too common"):
        accounts.set_password(session, someone.email, "password123")
    session.close()


def test_pages_carry_a_strict_content_security_policy_and_no_inline_script(client: FlaskClient, person) -> None:
    sign_in(client, person("screener"))
    response = client.get("/queue")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    scripts = re.findall(r"<script([^>]*)>", response.get_data(as_text=True))
    assert scripts and all("src=" in attributes for attributes in scripts)


def test_a_post_without_its_csrf_token_changes_nothing(app: Flask, client: FlaskClient, person) -> None:
    someone = person("screener")
    response = client.post("/sign-in", data={"email": someone.email, "password": someone.password})
    assert response.status_code == 400
    assert "Your form could not be sent" in response.get_data(as_text=True)
    assert count_rows(app, "sign_in_attempts") == {"sign_in_attempts": 0}
    assert client.get("/queue").status_code == 302


def test_the_govuk_frontend_assets_match_the_jinja_macros_pin() -> None:
    served = (Path(mash.web.__file__).parent / "static" / "govuk" / "VERSION").read_text().strip()
    supported = {"4.1": "6.3.0"}
    assert supported[".".join(version("govuk-frontend-jinja").split(".")[:2])] == served
    css = (Path(mash.web.__file__).parent / "static" / "govuk" / "govuk-frontend.min.css").read_text()
    assert "GDS Transport" not in css


def test_a_failed_sign_in_keeps_the_client_address(app: Flask, client: FlaskClient, person) -> None:
    someone = person("screener")
    client.post(
        "/sign-in",
        data={"email": someone.email, "password": "not the password", "csrf_token": csrf_token(client)},
        environ_base={"REMOTE_ADDR": "192.0.2.44"},
    )
    with app.extensions["mash.engine"].connect() as conn:
        found = conn.execute(text("SELECT client_address, succeeded FROM sign_in_attempts")).one()
    assert tuple(found) == ("192.0.2.44", False)
