"""sharing: information-sharing ledger, partner circuit breakers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 03:08:00.065111
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mash.db

revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('partner_circuits',
    sa.Column('agency', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('opened_at', mash.db.UTCDateTime(), nullable=True),
    sa.Column('trial_started_at', mash.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('agency', name=op.f('pk_partner_circuits'))
    )
    op.create_table('information_sharing',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('contact_id', sa.String(length=36), nullable=False),
    sa.Column('child_id', sa.String(length=36), nullable=True),
    sa.Column('agency', sa.String(length=40), nullable=False),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('consent_status', sa.String(length=20), nullable=False),
    sa.Column('without_consent_reason', sa.Text(), nullable=True),
    sa.Column('requested_by', sa.String(length=36), nullable=True),
    sa.Column('requested_at', mash.db.UTCDateTime(), nullable=False),
    sa.Column('due_by', mash.db.UTCDateTime(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('answered_at', mash.db.UTCDateTime(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=60), nullable=True),
    sa.Column('request_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_information_sharing_child_id_children'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_information_sharing_contact_id_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['information_sharing.id'], name=op.f('fk_information_sharing_request_id_information_sharing'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by'], ['users.id'], name=op.f('fk_information_sharing_requested_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_information_sharing')),
    sa.UniqueConstraint('request_id', name=op.f('uq_information_sharing_request_id'))
    )
    with op.batch_alter_table('information_sharing', schema=None) as batch_op:
        batch_op.create_index('ix_information_sharing_contact_id_requested_at', ['contact_id', 'requested_at'], unique=False)
        batch_op.create_index('ix_information_sharing_status_due_by', ['status', 'due_by'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('information_sharing', schema=None) as batch_op:
        batch_op.drop_index('ix_information_sharing_status_due_by')
        batch_op.drop_index('ix_information_sharing_contact_id_requested_at')

    op.drop_table('information_sharing')
    op.drop_table('partner_circuits')
