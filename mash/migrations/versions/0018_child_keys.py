"""child keys: each child's blocking keys in an indexed table of their own, beside its surname-and-year column

Every child already held gets the keys of `mash.matching.keys.stored_keys` (listed there), worked out here from its
row, a thousand children at a time. The column `children.surname_year` stays, no longer written, so that the
version before this one can go on writing children while it is upgraded; a later migration drops it and keys any
child that version wrote meanwhile, which has none. Going down works the column out again for every child (those
written since hold none) and drops the table.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 09:30:00
"""

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import op

from mash.matching.keys import stored_keys
from mash.matching.normalise import phonetic_code, surname_parts

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
CHILDREN = sa.table(
    "children",
    sa.column("id", sa.String),
    sa.column("first_name", sa.String),
    sa.column("last_name", sa.String),
    sa.column("date_of_birth", sa.Date),
    sa.column("postcode", sa.String),
    sa.column("surname_year", sa.String),
)
CHILD_KEYS = sa.table("child_keys", sa.column("key", sa.String), sa.column("child_id", sa.String))


def upgrade() -> None:
    op.create_table(
        "child_keys",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_child_keys_child_id_children"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("key", "child_id", name=op.f("pk_child_keys")),
    )
    conn = op.get_bind()
    for rows in _in_batches(
        conn, CHILDREN.c.first_name, CHILDREN.c.last_name, CHILDREN.c.date_of_birth, CHILDREN.c.postcode
    ):
        keys = [
            {"key": key, "child_id": child_id}
            for child_id, first_name, last_name, born, postcode in rows
            for key in stored_keys(first_name, last_name, born, postcode)
        ]
        if keys:
            conn.execute(CHILD_KEYS.insert(), keys)
    op.create_index(op.f("ix_child_keys_child_id"), "child_keys", ["child_id"], unique=False)


def _in_batches(conn: sa.Connection, *columns: sa.ColumnClause[Any]) -> Iterator[Sequence[Any]]:
    """Yield the children's ids and some of their columns, a thousand rows at a time, in order of id."""
    last = ""
    while True:
        rows = conn.execute(
            sa.select(CHILDREN.c.id, *columns).where(CHILDREN.c.id > last).order_by(CHILDREN.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _surname_year(last_name: str | None, born: date | None) -> str | None:
    parts = surname_parts(last_name)
    if not parts or born is None:
        return None
    return f"{phonetic_code(parts[0])}:{born.year:04d}"


def downgrade() -> None:
    conn = op.get_bind()
    update = CHILDREN.update().where(CHILDREN.c.id == sa.bindparam("child_id"))
    for rows in _in_batches(conn, CHILDREN.c.last_name, CHILDREN.c.date_of_birth):
        values = [{"child_id": row[0], "surname_year": _surname_year(row[1], row[2])} for row in rows]
        conn.execute(update, values)
    op.drop_index(op.f("ix_child_keys_child_id"), table_name="child_keys")
    op.drop_table("child_keys")
