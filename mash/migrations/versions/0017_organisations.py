"""organisations: partner organisations and the council's own as records, which accounts and contacts point at

One organisation is made for each distinct organisation name held by partner accounts and by contacts that partners
sent, names that differ only in case or spacing being one (its agency type the oldest such account's, else the
contact's); staff accounts and the contacts staff entered point at the council's own organisation, `MASH`. A partner
account whose organisation had the council's name gets an organisation of its own, `<name> (partner)`, so that it no
longer shares the council's. The accounts' organisation names and agency types then come from the records.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 07:00:00
"""

import unicodedata
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import mash.db

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNCIL = "MASH"


def _key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


class _Organisations:
    """The organisations made so far, by the key of their name."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        self.ids: dict[str, str] = {}
        self.now = datetime.now(UTC)

    def _add(self, name: str, agency_type: str | None, *, council: bool = False) -> str:
        key = _key(name)
        if key not in self.ids:
            self.ids[key] = str(uuid.uuid4())
            self.conn.execute(
                sa.text(
                    "INSERT INTO organisations (id, name, name_key, agency_type, council, active, created_at) "
                    "VALUES (:id, :name, :key, :agency, :council, true, :now)"
                ),
                {"id": self.ids[key], "name": name, "key": key, "agency": agency_type, "council": council, "now": self.now},
            )
        return self.ids[key]

    def council(self) -> str:
        return self._add(COUNCIL, None, council=True)

    def partner(self, name: str, agency_type: str | None) -> str:
        name = " ".join(unicodedata.normalize("NFC", name).split()) or "Unknown organisation"
        if _key(name) == _key(COUNCIL):
            name = f"{name} (partner)"
        return self._add(name, agency_type)


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("agency_type", sa.String(length=40), nullable=True),
        sa.Column("council", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", mash.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("name_key", name=op.f("uq_organisations_name_key")),
    )
    # In place, not in a batch: on SQLite a batch copies the table, which foreign keys to users and contacts refuse.
    op.add_column("users", sa.Column("organisation_id", sa.String(length=36), nullable=True))
    op.add_column("contacts", sa.Column("organisation_id", sa.String(length=36), nullable=True))
    conn = op.get_bind()
    made = _Organisations(conn)
    accounts = conn.execute(sa.text("SELECT id, role, organisation, agency_type FROM users ORDER BY created_at, id"))
    for user_id, role, name, agency_type in accounts.all():
        organisation_id = made.partner(name, agency_type) if role == "partner" else made.council()
        conn.execute(sa.text("UPDATE users SET organisation_id = :o WHERE id = :u"), {"o": organisation_id, "u": user_id})
    sent = conn.execute(
        sa.text(
            "SELECT c.id, c.organisation, c.agency_type, u.role FROM contacts c "
            "JOIN users u ON u.id = c.submitted_by_id ORDER BY c.received_at, c.id"
        )
    )
    for contact_id, name, agency_type, role in sent.all():
        organisation_id = made.partner(name, agency_type) if role == "partner" else made.council()
        conn.execute(
            sa.text("UPDATE contacts SET organisation_id = :o WHERE id = :c"), {"o": organisation_id, "c": contact_id}
        )
    op.drop_index("ix_contacts_organisation_received_at", table_name="contacts")
    op.create_index("ix_contacts_organisation_id_received_at", "contacts", ["organisation_id", "received_at"])
    op.drop_index(op.f("ix_users_organisation"), table_name="users")
    op.create_index(op.f("ix_users_organisation_id"), "users", ["organisation_id"])
    op.drop_column("users", "agency_type")  # in place: SQLite 3.35 and later drop a column without a copy
    op.drop_column("users", "organisation")


def downgrade() -> None:
    op.add_column("users", sa.Column("organisation", sa.String(length=200), nullable=True))
    op.add_column("users", sa.Column("agency_type", sa.String(length=40), nullable=True))
    conn = op.get_bind()
    conn.execute(
        sa.text(
            "UPDATE users SET organisation = (SELECT name FROM organisations o WHERE o.id = users.organisation_id), "
            "agency_type = (SELECT agency_type FROM organisations o WHERE o.id = users.organisation_id)"
        )
    )
    op.drop_index(op.f("ix_users_organisation_id"), table_name="users")
    op.create_index(op.f("ix_users_organisation"), "users", ["organisation"])
    op.drop_index("ix_contacts_organisation_id_received_at", table_name="contacts")
    op.create_index("ix_contacts_organisation_received_at", "contacts", ["organisation", "received_at"])
    op.drop_column("contacts", "organisation_id")
    op.drop_column("users", "organisation_id")
    op.drop_table("organisations")
