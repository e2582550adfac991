"""Migrations: one head, and a migrated database matches the models."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import create_engine, inspect

from mash import migrations
from mash.db import Base
from mash.migrations import alembic_config


def test_single_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


def test_migrated_schema_matches_the_models(app: Flask) -> None:
    engine = app.extensions["mash.engine"]
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], diff


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
