"""triage: matching keys and links, claims, decisions, oversight, feedback and partner webhooks

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 04:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mash.db

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.add_column(sa.Column("surname_year", sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f("ix_children_surname_year"), ["surname_year"], unique=False)
        batch_op.create_index(batch_op.f("ix_children_date_of_birth"), ["date_of_birth"], unique=False)

    op.create_table(
        "child_matches",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("known_child_id", sa.String(length=36), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("band", sa.String(length=10), nullable=False),
        sa.Column("evidence", mash.db.JSONDocument, nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", mash.db.UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.String(length=36), nullable=True),
        sa.Column("decided_at", mash.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_child_matches_child_id_children"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name=op.f("fk_child_matches_decided_by_users")),
        sa.ForeignKeyConstraint(
            ["known_child_id"],
            ["children.id"],
            name=op.f("fk_child_matches_known_child_id_children"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_matches")),
        sa.UniqueConstraint("child_id", "known_child_id", name=op.f("uq_child_matches_child_id_known_child_id")),
    )
    with op.batch_alter_table("child_matches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_child_matches_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_child_matches_known_child_id"), ["known_child_id"], unique=False)

    op.create_table(
        "match_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("match_id", sa.String(length=36), nullable=False),
        sa.Column("at", mash.db.UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("detail", mash.db.JSONDocument, nullable=True),
        sa.ForeignKeyConstraint(
            ["match_id"], ["child_matches.id"], name=op.f("fk_match_events_match_id_child_matches"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_match_events_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_events")),
    )
    with op.batch_alter_table("match_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_match_events_match_id"), ["match_id"], unique=False)

    op.create_table(
        "claims",
        sa.Column("contact_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("claimed_at", mash.db.UTCDateTime(), nullable=False),
        sa.Column("expires_at", mash.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_claims_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_claims_user_id_users")),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_claims")),
    )

    op.create_table(
        "decisions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("contact_id", sa.String(length=36), nullable=False),
        sa.Column("decided_by", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("decided_at", mash.db.UTCDateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("rag", sa.String(length=10), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=True),
        sa.Column("children", mash.db.JSONDocument, nullable=False),
        sa.Column("override", sa.Boolean(), nullable=False),
        sa.Column("recommended_outcome", sa.String(length=30), nullable=True),
        sa.Column("recommended_rag", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_decisions_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name=op.f("fk_decisions_decided_by_users")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_decisions_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index("ix_decisions_contact_id_decided_at", ["contact_id", "decided_at"], unique=False)

    op.create_table(
        "oversights",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("contact_id", sa.String(length=36), nullable=False),
        sa.Column("decision_id", sa.String(length=36), nullable=False),
        sa.Column("manager_id", sa.String(length=36), nullable=False),
        sa.Column("at", mash.db.UTCDateTime(), nullable=False),
        sa.Column("agree", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_oversights_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"], name=op.f("fk_oversights_decision_id_decisions")),
        sa.ForeignKeyConstraint(["manager_id"], ["users.id"], name=op.f("fk_oversights_manager_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversights")),
    )
    with op.batch_alter_table("oversights", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_oversights_contact_id"), ["contact_id"], unique=False)

    op.create_table(
        "feedback",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("contact_id", sa.String(length=36), nullable=False),
        sa.Column("decision_id", sa.String(length=36), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("decided_at", mash.db.UTCDateTime(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("due_by", mash.db.UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("delivered_at", mash.db.UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_feedback_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"], name=op.f("fk_feedback_decision_id_decisions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("decision_id", name=op.f("uq_feedback_decision_id")),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_status"), ["status"], unique=False)

    op.create_table(
        "notification_endpoints",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("created_at", mash.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_endpoints")),
        sa.UniqueConstraint("organisation", name=op.f("uq_notification_endpoints_organisation")),
    )


def downgrade() -> None:
    op.drop_table("notification_endpoints")
    op.drop_table("feedback")
    op.drop_table("oversights")
    op.drop_table("decisions")
    op.drop_table("claims")
    op.drop_table("match_events")
    op.drop_table("child_matches")
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_children_date_of_birth"))
        batch_op.drop_index(batch_op.f("ix_children_surname_year"))
        batch_op.drop_column("surname_year")
