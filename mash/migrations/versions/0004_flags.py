"""flags: flags for systemic consultation and their history

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 09:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mash.db

revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('flags',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('contact_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('raised_by', sa.String(length=36), nullable=False),
    sa.Column('raised_at', mash.db.UTCDateTime(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('resolved_by', sa.String(length=36), nullable=True),
    sa.Column('resolved_at', mash.db.UTCDateTime(), nullable=True),
    sa.Column('resolution_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_flags_contact_id_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['raised_by'], ['users.id'], name=op.f('fk_flags_raised_by_users')),
    sa.ForeignKeyConstraint(['resolved_by'], ['users.id'], name=op.f('fk_flags_resolved_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flags'))
    )
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flags_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index('ix_flags_raised_at_id', ['raised_at', 'id'], unique=False)
        batch_op.create_index('ix_flags_status_raised_at', ['status', 'raised_at'], unique=False)
        batch_op.create_index('uq_flags_open_contact_id_kind', ['contact_id', 'kind'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    op.create_table('flag_events',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('flag_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('at', mash.db.UTCDateTime(), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('consultation_date', sa.Date(), nullable=True),
    sa.Column('participants', mash.db.JSONDocument, nullable=True),
    sa.Column('agreed', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['flag_id'], ['flags.id'], name=op.f('fk_flag_events_flag_id_flags'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_flag_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flag_events')),
    sa.UniqueConstraint('flag_id', 'position', name=op.f('uq_flag_events_flag_id_position'))
    )


def downgrade() -> None:
    op.drop_table('flag_events')
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.drop_index('uq_flags_open_contact_id_kind', sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.drop_index('ix_flags_status_raised_at')
        batch_op.drop_index('ix_flags_raised_at_id')
        batch_op.drop_index(batch_op.f('ix_flags_contact_id'))

    op.drop_table('flags')
