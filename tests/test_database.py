"""The suite runs on the database it was asked to: PostgreSQL when MASH_TEST_DATABASE_URL is set, else SQLite."""

from __future__ import annotations

import os

import pytest
from flask import Flask
from sqlalchemy import text

from tests.conftest import postgres_base_url


def test_the_database_is_the_one_asked_for(app: Flask) -> None:
    expected = "postgresql" if os.environ.get("MASH_TEST_DATABASE_URL") else "sqlite"
    engine = app.extensions["mash.engine"]
    with engine.connect() as conn:
        if expected == "postgresql":
            server = conn.execute(text("SELECT version()")).scalar_one()
        else:
            server = "SQLite " + conn.execute(text("SELECT sqlite_version()")).scalar_one()
    assert engine.dialect.name == expected
    assert server.lower().startswith(expected)


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u:p@db.example:5433/test", "postgresql+psycopg://u:p@db.example:5433/test"),
        ("postgresql://u@db.example/test", "postgresql+psycopg://u@db.example/test"),
        ("postgresql+psycopg://u@db.example/test", "postgresql+psycopg://u@db.example/test"),
    ],
)
def test_postgres_urls_are_normalised(monkeypatch: pytest.MonkeyPatch, given: str, used: str) -> None:
    monkeypatch.setenv("MASH_TEST_DATABASE_URL", given)
    assert postgres_base_url() == used


def test_a_test_database_url_that_is_not_postgresql_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASH_TEST_DATABASE_URL", "sqlite:///elsewhere.sqlite3")
    with pytest.raises(pytest.UsageError, match="must be a PostgreSQL URL"):
        postgres_base_url()
