"""quality audits: decided contacts drawn each month and graded by managers

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mash.db

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quality_audits",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("contact_id", sa.String(length=36), nullable=False),
        sa.Column("decision_id", sa.String(length=36), nullable=False),
        sa.Column("stratum", sa.String(length=60), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("drawn_at", mash.db.UTCDateTime(), nullable=False),
        sa.Column("grade", sa.String(length=30), nullable=True),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.Column("graded_by", sa.String(length=36), nullable=True),
        sa.Column("graded_at", mash.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_quality_audits_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_quality_audits_decision_id_decisions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["graded_by"], ["users.id"], name=op.f("fk_quality_audits_graded_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_audits")),
        sa.UniqueConstraint("month", "contact_id", name=op.f("uq_quality_audits_month_contact_id")),
    )
    with op.batch_alter_table("quality_audits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quality_audits_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quality_audits_month"), ["month"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("quality_audits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quality_audits_month"))
        batch_op.drop_index(batch_op.f("ix_quality_audits_contact_id"))
    op.drop_table("quality_audits")
