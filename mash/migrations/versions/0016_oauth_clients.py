"""oauth clients: the OAuth2 client id a partner system's access tokens name its account by

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 06:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Not in a batch: on SQLite a batch copies the users table and drops the old one, which foreign keys to users
    # refuse; a unique index does the work of a unique constraint and is added in place.
    op.add_column("users", sa.Column("oauth_client_id", sa.String(length=200), nullable=True))
    op.create_index(op.f("ix_users_oauth_client_id"), "users", ["oauth_client_id"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_users_oauth_client_id"), table_name="users")
    op.drop_column("users", "oauth_client_id")  # in place: SQLite 3.35 and later drop a column without a copy
