"""oauth clients: the OAuth2 client id a partner system's access tokens name its account by

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 06:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("oauth_client_id", sa.String(length=200), nullable=True))
        batch.create_unique_constraint("uq_users_oauth_client_id", ["oauth_client_id"])


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("uq_users_oauth_client_id", type_="unique")
        batch.drop_column("oauth_client_id")
