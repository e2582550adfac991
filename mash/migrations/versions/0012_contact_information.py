"""contact information: what referrers and staff add to a contact after it arrived

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mash.db

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contact_information",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("contact_id", sa.String(length=36), nullable=False),
        sa.Column("added_by_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("indicators", mash.db.JSONDocument, nullable=False),
        sa.Column("added_at", mash.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_contact_information_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["added_by_id"], ["users.id"], name=op.f("fk_contact_information_added_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_information")),
    )
    with op.batch_alter_table("contact_information", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_information_contact_id"), ["contact_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("contact_information", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_information_contact_id"))
    op.drop_table("contact_information")
