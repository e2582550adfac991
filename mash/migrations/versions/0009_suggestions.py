"""suggestions: indicators and categories the narrative reader found in a contact's words

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mash.db

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "suggestions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("contact_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.Column("reader_version", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("found_at", mash.db.UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.String(length=36), nullable=True),
        sa.Column("decided_at", mash.db.UTCDateTime(), nullable=True),
        sa.Column("dismiss_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_suggestions_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name=op.f("fk_suggestions_decided_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestions")),
        sa.UniqueConstraint("contact_id", "kind", "name", name=op.f("uq_suggestions_contact_id_kind_name")),
    )
    with op.batch_alter_table("suggestions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suggestions_contact_id"), ["contact_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("suggestions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_suggestions_contact_id"))
    op.drop_table("suggestions")
