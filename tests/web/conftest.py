"""Fixtures for the staff pages: people with passwords, a signed-in test client, CSRF tokens read from forms."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, sync_playwright

from mash.services import accounts
from mash.settings import Settings
from tests.conftest import clean_app, new_user
from tests.server import serving
from tests.web.browser import launch_options

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class Person:
    """A member of staff who can sign in, and their API token."""

    name: str
    role: str
    email: str
    password: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        """Return the API headers for this person."""
        return {"Authorization": "Bearer " + self.token}


def make_person(app: Flask) -> Callable[..., Person]:
    """Return a maker of people with an email and password (and an API token) on an app."""

    def make(role: str, name: str | None = None, organisation: str | None = None, agency: str | None = None) -> Person:
        name = name or f"Test {role}"
        email = name.lower().replace(" ", ".") + "@council.example"
        password = f"correct horse battery {role}"
        session = app.extensions["mash.sessionmaker"]()
        try:
            _, token = new_user(session, name, role, organisation, agency, email=email)
            accounts.set_password(session, email, password)
        finally:
            session.close()
        return Person(name, role, email, password, token)

    return make


@pytest.fixture
def person(app: Flask) -> Callable[..., Person]:
    """Create someone with an email and password (and an API token)."""
    return make_person(app)


def csrf_token(client: FlaskClient, path: str = "/sign-in") -> str:
    """Read the CSRF token from a page's form."""
    found = CSRF.search(client.get(path).get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client: FlaskClient, who: Person, password: str | None = None) -> FlaskClient:
    """Sign a test client in through the sign-in form."""
    client.post(
        "/sign-in",
        data={"email": who.email, "password": password or who.password, "csrf_token": csrf_token(client)},
    )
    return client


def post_form(client: FlaskClient, path: str, data: dict[str, object], token_from: str) -> object:
    """Post a form with the CSRF token read from the page it is on."""
    return client.post(path, data={**data, "csrf_token": csrf_token(client, token_from)})


def submit(client: FlaskClient, path: str, data: dict[str, Any], page: str) -> Any:
    """Post a form with the CSRF token read from `page`, and follow where it leads."""
    return client.post(path, data={**data, "csrf_token": csrf_token(client, page)}, follow_redirects=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium under Playwright, for the whole test run."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(**launch_options())  # type: ignore[arg-type]
        yield launched
        launched.close()


@pytest.fixture
def live(settings: Settings) -> Iterator[tuple[Flask, str]]:
    """The app over real HTTP on 127.0.0.1 (plain HTTP, so the session cookie is not marked Secure)."""
    with clean_app(settings.with_overrides(secure_cookies=False)) as application, serving(application) as base:
        yield application, base
