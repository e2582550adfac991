"""sharing: room for the not_configured status; checks to agencies with no system configured are not failures

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 21:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("information_sharing", schema=None) as batch_op:
        batch_op.alter_column("status", existing_type=sa.String(length=10), type_=sa.String(length=20))
    op.execute(
        "UPDATE information_sharing SET status = 'not_configured' "
        "WHERE status = 'failed' AND last_error = 'not_configured'"
    )


def downgrade() -> None:
    op.execute("UPDATE information_sharing SET status = 'failed' WHERE status = 'not_configured'")
    with op.batch_alter_table("information_sharing", schema=None) as batch_op:
        batch_op.alter_column("status", existing_type=sa.String(length=20), type_=sa.String(length=10))
