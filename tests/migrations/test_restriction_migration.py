"""Migration 0015 (restricted records: a contact's restriction, the privacy officer's list) goes down and up again
on both databases without losing a contact or its children."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, text

from mash import migrations
from mash.migrations import alembic_config


def test_restricted_records_go_down_to_0014_and_up_keeping_the_contacts(scratch_database: str) -> None:
    config = alembic_config(scratch_database)
    engine = create_engine(scratch_database)
    now = "2026-11-30 09:00:00+00:00"
    try:
        migrations.upgrade(scratch_database, "0016")
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
        command.downgrade(config, "0014")
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
