"""audit chain: every audit event numbered and chained to the one before by a SHA-256 hash; append-only on PostgreSQL

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 00:30:00
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64
APPEND_ONLY = """
CREATE FUNCTION mash_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def _hash(prev_hash: str, fields: list) -> str:
    # The same canonical form as mash.services.audit_chain.event_hash, frozen here as this revision wrote it.
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def _aware(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _chain_existing_events() -> None:
    conn = op.get_bind()
    events = sa.table(
        "audit_events",
        sa.column("id", sa.String),
        sa.column("at", sa.DateTime),
        sa.column("user_id", sa.String),
        sa.column("role", sa.String),
        sa.column("action", sa.String),
        sa.column("contact_id", sa.String),
        sa.column("request_id", sa.String),
        sa.column("detail", sa.JSON),
        sa.column("seq", sa.BigInteger),
        sa.column("prev_hash", sa.String),
        sa.column("hash", sa.String),
    )
    rows = conn.execute(
        sa.select(
            events.c.id,
            events.c.at,
            events.c.user_id,
            events.c.role,
            events.c.action,
            events.c.contact_id,
            events.c.request_id,
            events.c.detail,
        ).order_by(events.c.at, events.c.id)
    ).all()
    prev_hash = GENESIS
    for seq, (event_id, at, user_id, role, action, contact_id, request_id, detail) in enumerate(rows, start=1):
        fields = [seq, event_id, _aware(at).isoformat(), user_id, role, action, contact_id, request_id, detail]
        digest = _hash(prev_hash, fields)
        conn.execute(
            events.update().where(events.c.id == event_id).values(seq=seq, prev_hash=prev_hash, hash=digest)
        )
        prev_hash = digest


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    _chain_existing_events()
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_events_seq"), ["seq"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY)
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION mash_audit_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION mash_audit_append_only()")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_events_seq"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
