"""Migration 0017 (organisations as records) turns the organisation names held by accounts and contacts into
organisations and points them at them, on both databases; it goes down again keeping the names."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, text

from mash import migrations
from mash.migrations import alembic_config

NOW = "2026-11-30 09:00:00+00:00"
ACCOUNTS = [  # id, role, organisation, agency type
    ("u1", "manager", "MASH", None),
    ("u2", "partner", "Metropolitan Police", "police"),
    ("u3", "partner", "metropolitan  police", "police"),
    ("u4", "partner", "MASH", "school"),
    ("u5", "screener", "MASH", None),
]
CONTACTS = [("c1", "u5", "MASH", "anonymous"), ("c2", "u2", "Metropolitan Police", "police")]


def _organisation_of(conn: object, table: str, row_id: str) -> tuple[str, str | None, bool]:
    return conn.execute(  # type: ignore[attr-defined, no-any-return]
        text(
            f"SELECT o.name, o.agency_type, o.council FROM {table} t "
            "JOIN organisations o ON o.id = t.organisation_id WHERE t.id = :id"
        ),
        {"id": row_id},
    ).one()


def test_organisations_are_made_from_the_names_held_and_go_down_again(scratch_database: str) -> None:
    config = alembic_config(scratch_database)
    engine = create_engine(scratch_database)
    try:
        migrations.upgrade(scratch_database, "0016")
        with engine.begin() as conn:
            for user_id, role, organisation, agency in ACCOUNTS:
                conn.execute(
                    text(
                        "INSERT INTO users (id, name, role, organisation, agency_type, active, created_at, "
                        "failed_sign_ins) VALUES (:id, :id, :role, :org, :agency, true, :now, 0)"
                    ),
                    {"id": user_id, "role": role, "org": organisation, "agency": agency, "now": NOW},
                )
            for contact_id, user_id, organisation, agency in CONTACTS:
                conn.execute(
                    text(
                        "INSERT INTO contacts (id, reference, status, organisation, submitted_by_id, agency_type, "
                        "source_code, immediate_danger, consent_status, categories, indicators, summary, "
                        "received_at, acknowledged_at) VALUES (:id, :id, 'received', :org, :user, :agency, '6', "
                        "false, 'given', '[]', '[]', 'A summary', :now, :now)"
                    ),
                    {"id": contact_id, "user": user_id, "org": organisation, "agency": agency, "now": NOW},
                )
        migrations.upgrade(scratch_database)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM organisations")).scalar_one() == 3
            assert _organisation_of(conn, "users", "u1") == ("MASH", None, True)
            assert _organisation_of(conn, "users", "u2") == ("Metropolitan Police", "police", False)
            assert _organisation_of(conn, "users", "u3") == ("Metropolitan Police", "police", False)
            assert _organisation_of(conn, "users", "u4") == ("MASH (partner)", "school", False)
            assert _organisation_of(conn, "contacts", "c1") == ("MASH", None, True)
            assert _organisation_of(conn, "contacts", "c2") == ("Metropolitan Police", "police", False)
        assert "agency_type" not in {column["name"] for column in inspect(engine).get_columns("users")}
        command.downgrade(config, "0016")
        assert "organisations" not in inspect(engine).get_table_names()
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, organisation, agency_type FROM users ORDER BY id")).all()
            assert [tuple(row) for row in rows] == [
                ("u1", "MASH", None),
                ("u2", "Metropolitan Police", "police"),
                ("u3", "Metropolitan Police", "police"),
                ("u4", "MASH (partner)", "school"),
                ("u5", "MASH", None),
            ]
        migrations.upgrade(scratch_database)
        with engine.connect() as conn:
            assert _organisation_of(conn, "users", "u4") == ("MASH (partner)", "school", False)
            assert _organisation_of(conn, "contacts", "c1") == ("MASH", None, True)
    finally:
        engine.dispose()
