"""restricted records: a contact's restriction, and the privacy officer's list of break-glass openings

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mash.db

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("restriction", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("restriction_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("restricted_at", mash.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("restricted_by_id", sa.String(length=36), nullable=True))
    op.create_table(
        "privacy_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("at", mash.db.UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("contact_id", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("expires_at", mash.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_privacy_events_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_events")),
    )
    with op.batch_alter_table("privacy_events", schema=None) as batch_op:
        batch_op.create_index("ix_privacy_events_at_id", ["at", "id"], unique=False)
        batch_op.create_index("ix_privacy_events_contact_id_user_id", ["contact_id", "user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("privacy_events", schema=None) as batch_op:
        batch_op.drop_index("ix_privacy_events_contact_id_user_id")
        batch_op.drop_index("ix_privacy_events_at_id")
    op.drop_table("privacy_events")
    # Not in a batch: on SQLite a batch copies the contacts table and drops the old one, and with foreign keys on
    # dropping it deletes every child, adult and referrer; SQLite (3.35 and later) drops a column in place.
    for column in ("restricted_by_id", "restricted_at", "restriction_reason", "restriction"):
        op.drop_column("contacts", column)
