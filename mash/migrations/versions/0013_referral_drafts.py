"""referral drafts: the web referral form's answers, kept on the server until submitted

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 00:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mash.db

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "referral_drafts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("answers", mash.db.JSONDocument, nullable=False),
        sa.Column("created_at", mash.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", mash.db.UTCDateTime(), nullable=False),
        sa.Column("contact_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_referral_drafts_contact_id_contacts"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_referral_drafts_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_drafts")),
    )
    with op.batch_alter_table("referral_drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_drafts_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("referral_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_drafts_user_id"))
    op.drop_table("referral_drafts")
