"""retention: legal holds on contacts, and reviews of what is due for destruction (the destruction register)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 06:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mash.db

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("contact_id", sa.String(length=36), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_by", sa.String(length=36), nullable=False),
        sa.Column("placed_at", mash.db.UTCDateTime(), nullable=False),
        sa.Column("lifted_by", sa.String(length=36), nullable=True),
        sa.Column("lifted_at", mash.db.UTCDateTime(), nullable=True),
        sa.Column("lift_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_legal_holds_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["lifted_by"], ["users.id"], name=op.f("fk_legal_holds_lifted_by_users")),
        sa.ForeignKeyConstraint(["placed_by"], ["users.id"], name=op.f("fk_legal_holds_placed_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
    )
    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_holds_contact_id"), ["contact_id"], unique=False)
    op.create_table(
        "retention_reviews",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", mash.db.UTCDateTime(), nullable=False),
        sa.Column("policy_version", sa.String(length=40), nullable=False),
        sa.Column("destroyed_at", mash.db.UTCDateTime(), nullable=True),
        sa.Column("destroyed_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(["destroyed_by"], ["users.id"], name=op.f("fk_retention_reviews_destroyed_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_reviews")),
    )
    op.create_table(
        "retention_review_items",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("review_id", sa.String(length=36), nullable=False),
        sa.Column("record_type", sa.String(length=30), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=True),
        sa.Column("class_id", sa.String(length=60), nullable=False),
        sa.Column("trigger_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("destroyed_at", mash.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["retention_reviews.id"],
            name=op.f("fk_retention_review_items_review_id_retention_reviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_review_items")),
        sa.UniqueConstraint(
            "review_id",
            "record_type",
            "record_id",
            name=op.f("uq_retention_review_items_review_id_record_type_record_id"),
        ),
    )


def downgrade() -> None:
    op.drop_table("retention_review_items")
    op.drop_table("retention_reviews")
    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_holds_contact_id"))
    op.drop_table("legal_holds")
