"""Shared fixtures: a real database (SQLite by default, PostgreSQL with MASH_TEST_DATABASE_URL), clean per test."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from mash import migrations
from mash.app import create_app
from mash.db import Base
from mash.models import User
from mash.services import organisations
from mash.services.users import create_user
from mash.settings import Settings
from tests.identity_provider import IdentityProvider
from tests.partners import Simulator


class ServerLikeClient(FlaskClient):
    """A test client that reads each answer whole and then closes it, as a WSGI server does.

    Closing the answer runs what the app left for after it (the request's jobs, dispatched once the caller has its
    answer), so a test sees the same order of events as a partner talking to gunicorn.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


Flask.test_client_class = ServerLikeClient

EXAMPLE_BODY: dict[str, Any] = json.loads((Path(__file__).parent / "data" / "contract_example.json").read_text())


def worker_suffix() -> str:
    """Name this test process's database after the checkout and the xdist worker, so two checkouts never collide."""
    checkout = hashlib.sha1(str(Path(__file__).resolve().parent).encode(), usedforsecurity=False).hexdigest()[:8]
    return f"{checkout}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


def postgres_base_url() -> str | None:
    """Return MASH_TEST_DATABASE_URL with the psycopg driver (`postgres://` too), or None; refuse other URLs."""
    raw = os.environ.get("MASH_TEST_DATABASE_URL")
    if not raw:
        return None
    url = make_url(raw)
    if url.get_backend_name() not in ("postgresql", "postgres"):
        raise pytest.UsageError(f"MASH_TEST_DATABASE_URL must be a PostgreSQL URL, not {url.drivername}://")
    return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def database_in_use() -> str:
    """Name the database this run uses, for the report."""
    base = postgres_base_url()
    if base is None:
        return "database: sqlite (a temporary file per test process)"
    return f"database: postgresql ({make_url(base).render_as_string(hide_password=True)})"


def pytest_report_header(config: pytest.Config) -> str:
    """Say which database this run uses, before the tests."""
    return database_in_use()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say which database this run used, after the tests (shown with -q too)."""
    terminalreporter.write_line(database_in_use())


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrate a database for this test process once: PostgreSQL if configured, else an SQLite file."""
    base = postgres_base_url()
    if base:
        name = f"mash_test_{worker_suffix()}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(base).set(database=name).render_as_string(hide_password=False)
        migrations.upgrade(url)
        yield url
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("db") / "mash.sqlite3"
        url = f"sqlite:///{path}"
        migrated = os.environ.get("MASH_TEST_MIGRATED_SQLITE")
        if migrated:
            # Mutation runs start a test session per mutant: they migrate one file once and copy it (docs/testing.md).
            shutil.copyfile(migrated, path)
        else:
            migrations.upgrade(url)
        yield url


def truncate_all(app: Flask) -> None:
    """Empty every table, children first."""
    engine = app.extensions["mash.engine"]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings for the embedded default: the test database, no Redis."""
    return Settings(database_url=database_url, redis_url=None, secret_key="test", log_level="WARNING")


@contextmanager
def clean_app(settings: Settings, *, testing: bool = False) -> Iterator[Flask]:
    """Build the application from these settings on a clean database; empty it again and close it afterwards."""
    application = create_app(settings)
    application.config["TESTING"] = testing
    truncate_all(application)
    try:
        yield application
    finally:
        truncate_all(application)
        application.extensions["mash.engine"].dispose()


@pytest.fixture
def make_app() -> Iterator[Callable[[Settings], Flask]]:
    """Build applications from settings, each on a clean database, emptied again and closed after the test."""
    with ExitStack() as stack:
        yield lambda settings: stack.enter_context(clean_app(settings))


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    """The application on a clean database."""
    with clean_app(settings, testing=True) as application:
        yield application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def make_token(app: Flask) -> Callable[..., str]:
    """Create a user and return its bearer token."""

    def make(role: str, organisation: str | None = None, agency_type: str | None = None, name: str = "Test") -> str:
        factory = app.extensions["mash.sessionmaker"]
        session = factory()
        try:
            _, token = new_user(session, name, role, organisation, agency_type)
        finally:
            session.close()
        return token

    return make


@pytest.fixture
def partner(make_token: Callable[..., str]) -> dict[str, str]:
    """Headers for a police partner."""
    return {"Authorization": "Bearer " + make_token("partner", "Metropolitan Police", "police", "PC Jane Smith")}


@pytest.fixture
def other_partner(make_token: Callable[..., str]) -> dict[str, str]:
    """Headers for a partner in another organisation."""
    return {"Authorization": "Bearer " + make_token("partner", "Brixton Hill Primary", "school", "DSL")}


@pytest.fixture
def screener(make_token: Callable[..., str]) -> dict[str, str]:
    """Headers for a MASH screener."""
    return {"Authorization": "Bearer " + make_token("screener", name="Screener")}


@pytest.fixture
def manager(make_token: Callable[..., str]) -> dict[str, str]:
    """Headers for a MASH manager."""
    return {"Authorization": "Bearer " + make_token("manager", name="Manager")}


@pytest.fixture
def therapist(make_token: Callable[..., str]) -> dict[str, str]:
    """Headers for the systemic family therapist."""
    return {"Authorization": "Bearer " + make_token("therapist", name="Therapist")}


@pytest.fixture
def body() -> dict[str, Any]:
    """A fresh copy of the contract's example contact."""
    return copy.deepcopy(EXAMPLE_BODY)


def new_user(
    session: Session, name: str, role: str, organisation: str | None = None, agency: str | None = None, **extra: Any
) -> tuple[User, str]:
    """Create a user as `create_user` does, adding a partner's organisation (of that agency type) first if it is new."""
    if role == "partner" and organisation and agency:
        with session.begin():
            held = organisations.find(session, organisation)
        if held is None:
            organisations.add(session, organisation, agency)
    return create_user(session, name, role, organisation, agency, **extra)


def sweep(app: Flask) -> int:
    """Run the outbox sweep once, as the sweeper thread does; return how many items it sent."""
    with app.app_context():
        return int(app.extensions["mash.relay"].sweep())


def refusals(app: Flask) -> list[tuple[str, str | None]]:
    """Return the kind and client address of each security event, oldest first."""
    with app.extensions["mash.engine"].connect() as conn:
        rows = conn.execute(text("SELECT kind, client_address FROM security_events ORDER BY at")).all()
    return [(row[0], row[1]) for row in rows]


def count_rows(app: Flask, *tables: str) -> dict[str, int]:
    """Count the rows in some tables."""
    engine = app.extensions["mash.engine"]
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in tables}


def _headers_factory(role: str, organisation: str | None = None, agency: str | None = None) -> Any:
    def make(app: Flask) -> dict[str, str]:
        session = app.extensions["mash.sessionmaker"]()
        try:
            _, token = new_user(session, f"Test {role}", role, organisation, agency)
        finally:
            session.close()
        return {"Authorization": "Bearer " + token}

    return make


@pytest.fixture
def partner_factory() -> Any:
    """Make a police partner's headers on a given app."""
    return _headers_factory("partner", "Metropolitan Police", "police")


@pytest.fixture
def screener_factory() -> Any:
    """Make a screener's headers on a given app."""
    return _headers_factory("screener")


@pytest.fixture
def manager_factory() -> Any:
    """Make a manager's headers on a given app."""
    return _headers_factory("manager")


@pytest.fixture
def start_simulator() -> Iterator[Callable[..., Simulator]]:
    """Start partner simulators on 127.0.0.1 (arguments as for create_simulator_app); stop them after the test."""
    started: list[Simulator] = []

    def start(**options: Any) -> Simulator:
        started.append(Simulator(**options))
        return started[-1]

    yield start
    for simulator in started:
        simulator.stop()


@pytest.fixture
def simulator(start_simulator: Callable[..., Simulator]) -> Simulator:
    """A partner simulator on 127.0.0.1, stopped after the test."""
    return start_simulator()


@pytest.fixture(scope="session")
def identity_provider_server() -> Iterator[IdentityProvider]:
    """An OpenID Connect provider on 127.0.0.1 for the whole test session, started when first needed."""
    provider = IdentityProvider()
    yield provider
    provider.stop()


@pytest.fixture
def identity_provider(identity_provider_server: IdentityProvider) -> IdentityProvider:
    """The test identity provider, with no partner clients and the default person approved."""
    identity_provider_server.reset()
    return identity_provider_server
