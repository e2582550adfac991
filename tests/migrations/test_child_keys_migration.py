"""Migration 0018 (child keys) gives the children already held their blocking keys, on both databases, and leaves
the surname-and-year column for the version before it; going down works that column out again for every child."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import create_engine, inspect, text

from mash import migrations
from mash.matching import stored_keys
from mash.migrations import alembic_config

NOW = "2026-11-30 09:00:00+00:00"
CHILDREN = [  # id, first name, last name, date of birth, postcode, surname and year as 0005 to 0017 stored it
    ("k1", "Alfie", "Hendry", "2015-03-07", "E8 1AA", "H536:2015"),
    ("k2", "Lexi", "Smith-Jones", "2012-11-30", None, "S530:2012"),
    ("k3", None, None, None, None, None),
]


def _keys(conn: object) -> dict[str, set[str]]:
    rows = conn.execute(text("SELECT child_id, key FROM child_keys")).all()  # type: ignore[attr-defined]
    found: dict[str, set[str]] = {}
    for child_id, key in rows:
        found.setdefault(child_id, set()).add(key)
    return found


def _expected() -> dict[str, set[str]]:
    return {
        child_id: set(stored_keys(first, last, date.fromisoformat(born), postcode))
        for child_id, first, last, born, postcode, _ in CHILDREN
        if born is not None
    }


def test_children_held_get_their_keys_and_the_column_comes_back_going_down(scratch_database: str) -> None:
    engine = create_engine(scratch_database)
    try:
        migrations.upgrade(scratch_database, "0017")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (id, name, role, active, created_at, failed_sign_ins) "
                    "VALUES ('u1', 'u1', 'partner', true, :now, 0)"
                ),
                {"now": NOW},
            )
            conn.execute(
                text(
                    "INSERT INTO contacts (id, reference, status, organisation, submitted_by_id, agency_type, "
                    "source_code, immediate_danger, consent_status, categories, indicators, summary, "
                    "received_at, acknowledged_at) VALUES ('c1', 'c1', 'received', 'School', 'u1', 'school', '2A', "
                    "false, 'given', '[]', '[]', 'A summary', :now, :now)"
                ),
                {"now": NOW},
            )
            for position, (child_id, first, last, born, postcode, surname_year) in enumerate(CHILDREN):
                conn.execute(
                    text(
                        "INSERT INTO children (id, contact_id, position, first_name, last_name, date_of_birth, "
                        "postcode, surname_year, gender) VALUES (:id, 'c1', :position, :first, :last, :born, "
                        ":postcode, :surname_year, 'unknown')"
                    ),
                    {
                        "id": child_id,
                        "position": position,
                        "first": first,
                        "last": last,
                        "born": born,
                        "postcode": postcode,
                        "surname_year": surname_year,
                    },
                )
        migrations.upgrade(scratch_database, "0018")
        with engine.begin() as conn:
            assert _keys(conn) == _expected()
            conn.execute(text("UPDATE children SET surname_year = NULL WHERE id = 'k1'"))  # as this version writes it

        command.downgrade(alembic_config(scratch_database), "0017")
        assert "child_keys" not in inspect(engine).get_table_names()
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, surname_year FROM children ORDER BY id")).all()
        assert [tuple(row) for row in rows] == [(child_id, held) for child_id, *_, held in CHILDREN]

        migrations.upgrade(scratch_database, "0018")
        with engine.connect() as conn:
            assert _keys(conn) == _expected()
    finally:
        engine.dispose()
