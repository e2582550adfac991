"""Migration 0014 (retention: legal holds and reviews) goes down and up again on both databases."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect

from mash import migrations
from mash.migrations import alembic_config

RETENTION_TABLES = {"legal_holds", "retention_reviews", "retention_review_items"}


def test_the_retention_migration_goes_down_to_0013_and_up_again(scratch_database: str) -> None:
    engine = create_engine(scratch_database)
    try:
        migrations.upgrade(scratch_database, "0014")
        assert set(inspect(engine).get_table_names()) >= RETENTION_TABLES
        assert {fk["referred_table"] for fk in inspect(engine).get_foreign_keys("legal_holds")} == {"contacts", "users"}
        command.downgrade(alembic_config(scratch_database), "0013")
        tables = set(inspect(engine).get_table_names())
        assert RETENTION_TABLES.isdisjoint(tables) and "contacts" in tables
        migrations.upgrade(scratch_database, "0014")
        assert set(inspect(engine).get_table_names()) >= RETENTION_TABLES
    finally:
        engine.dispose()
