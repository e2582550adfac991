"""Migrations: one head, and a migrated database matches the models."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from mash import migrations
from mash.db import Base
from mash.migrations import alembic_config
from tests.conftest import postgres_base_url, worker_suffix


def test_single_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


def test_migrated_schema_matches_the_models(app: Flask) -> None:
    engine = app.extensions["mash.engine"]
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], diff


@pytest.fixture
def scratch_database(tmp_path: Path) -> Iterator[str]:
    """An empty database of the kind this run uses, apart from the one the other tests share."""
    base = postgres_base_url()
    if base is None:
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    name = f"mash_test_{worker_suffix()}_migrations"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migrations_go_down_to_base_and_up_again(scratch_database: str) -> None:
    config = alembic_config(scratch_database)
    engine = create_engine(scratch_database)
    try:
        migrations.upgrade(scratch_database)
        assert set(inspect(engine).get_table_names()) == {*Base.metadata.tables, "alembic_version"}
        command.downgrade(config, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrations.upgrade(scratch_database)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert context.get_current_revision() == ScriptDirectory.from_config(config).get_current_head()
            diff = compare_metadata(context, Base.metadata)
        assert diff == [], diff
    finally:
        engine.dispose()


def test_restricted_records_go_down_and_up_keeping_the_contacts(scratch_database: str) -> None:
    config = alembic_config(scratch_database)
    engine = create_engine(scratch_database)
    now = "2026-11-30 09:00:00+00:00"
    try:
        migrations.upgrade(scratch_database)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (id, name, role, organisation, active, created_at, failed_sign_ins) "
                    "VALUES ('u1', 'Mo Manager', 'manager', 'MASH', true, :now, 0)"
                ),
                {"now": now},
            )
            conn.execute(
                text(
                    "INSERT INTO contacts (id, reference, status, organisation, submitted_by_id, agency_type, "
                    "source_code, immediate_danger, consent_status, categories, indicators, summary, received_at, "
                    "acknowledged_at, restriction, restriction_reason, restricted_at, restricted_by_id) VALUES "
                    "('c1', 'MASH-2026-000001', 'received', 'MASH', 'u1', 'police', '6', false, 'given', '[]', '[]', "
                    "'A summary', :now, :now, 'high_profile', 'In the news', :now, 'u1')"
                ),
                {"now": now},
            )
            conn.execute(
                text("INSERT INTO children (id, contact_id, position, gender) VALUES ('k1', 'c1', 0, 'unknown')")
            )
            conn.execute(
                text(
                    "INSERT INTO privacy_events (id, at, kind, contact_id, reference, user_id, role, category, reason) "
                    "VALUES ('p1', :now, 'restricted', 'c1', 'MASH-2026-000001', 'u1', 'manager', 'high_profile', 'x')"
                ),
                {"now": now},
            )
        command.downgrade(config, "0013")
        assert "privacy_events" not in inspect(engine).get_table_names()
        assert "restriction" not in {column["name"] for column in inspect(engine).get_columns("contacts")}
        with engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM children WHERE contact_id = 'c1'")).scalar_one() == 1
        migrations.upgrade(scratch_database)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT restriction FROM contacts WHERE id = 'c1'")).scalar_one() is None
            assert conn.execute(text("SELECT COUNT(*) FROM privacy_events")).scalar_one() == 0
            assert conn.execute(text("SELECT COUNT(*) FROM children WHERE contact_id = 'c1'")).scalar_one() == 1
    finally:
        engine.dispose()
