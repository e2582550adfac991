"""intake: contacts, people, users, idempotency, audit, outbox

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 02:51:22.659269
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mash.db

revision: str = '0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('at', mash.db.UTCDateTime(), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('contact_id', sa.String(length=36), nullable=True),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('detail', mash.db.JSONDocument, nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_contact_id_at', ['contact_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_user_id'), ['user_id'], unique=False)

    op.create_table('idempotency_records',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('locked_until', mash.db.UTCDateTime(), nullable=False),
    sa.Column('response_status', sa.Integer(), nullable=True),
    sa.Column('response_body', mash.db.JSONDocument, nullable=True),
    sa.Column('contact_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', mash.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_records')),
    sa.UniqueConstraint('organisation', 'key', name=op.f('uq_idempotency_records_organisation_key'))
    )
    op.create_table('outbox',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('job', sa.String(length=60), nullable=False),
    sa.Column('entity_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', mash.db.UTCDateTime(), nullable=False),
    sa.Column('available_at', mash.db.UTCDateTime(), nullable=False),
    sa.Column('enqueued_at', mash.db.UTCDateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('completed_at', mash.db.UTCDateTime(), nullable=True),
    sa.Column('failed_at', mash.db.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index('ix_outbox_pending', ['completed_at', 'failed_at', 'available_at'], unique=False)

    op.create_table('reference_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_reference_counters'))
    )
    op.create_table('users',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('agency_type', sa.String(length=40), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', mash.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_organisation'), ['organisation'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', mash.db.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', mash.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('contacts',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('submitted_by_id', sa.String(length=36), nullable=False),
    sa.Column('agency_type', sa.String(length=40), nullable=False),
    sa.Column('source_code', sa.String(length=4), nullable=False),
    sa.Column('external_reference', sa.String(length=200), nullable=True),
    sa.Column('duplicate_key', sa.String(length=64), nullable=True),
    sa.Column('immediate_danger', sa.Boolean(), nullable=False),
    sa.Column('consent_status', sa.String(length=20), nullable=False),
    sa.Column('consent_reason', sa.Text(), nullable=True),
    sa.Column('categories', mash.db.JSONDocument, nullable=False),
    sa.Column('indicators', mash.db.JSONDocument, nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('worries', sa.Text(), nullable=True),
    sa.Column('strengths', sa.Text(), nullable=True),
    sa.Column('needs', sa.Text(), nullable=True),
    sa.Column('received_at', mash.db.UTCDateTime(), nullable=False),
    sa.Column('acknowledged_at', mash.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_contacts_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts')),
    sa.UniqueConstraint('duplicate_key', name=op.f('uq_contacts_duplicate_key')),
    sa.UniqueConstraint('reference', name=op.f('uq_contacts_reference'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contacts_agency_type'), ['agency_type'], unique=False)
        batch_op.create_index('ix_contacts_organisation_received_at', ['organisation', 'received_at'], unique=False)
        batch_op.create_index('ix_contacts_received_at_id', ['received_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contacts_status'), ['status'], unique=False)

    op.create_table('adults',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('contact_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=200), nullable=True),
    sa.Column('last_name', sa.String(length=200), nullable=True),
    sa.Column('relationship', sa.String(length=100), nullable=True),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('lives_with_child', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_adults_contact_id_contacts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adults')),
    sa.UniqueConstraint('contact_id', 'position', name=op.f('uq_adults_contact_id_position'))
    )
    with op.batch_alter_table('adults', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adults_contact_id'), ['contact_id'], unique=False)

    op.create_table('children',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('contact_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=200), nullable=True),
    sa.Column('last_name', sa.String(length=200), nullable=True),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('expected_date_of_delivery', sa.Date(), nullable=True),
    sa.Column('gender', sa.String(length=10), nullable=False),
    sa.Column('nhs_number', sa.String(length=10), nullable=True),
    sa.Column('address', mash.db.JSONDocument, nullable=True),
    sa.Column('postcode', sa.String(length=10), nullable=True),
    sa.Column('school_or_setting', sa.String(length=200), nullable=True),
    sa.Column('ethnicity', sa.String(length=10), nullable=True),
    sa.Column('first_language', sa.String(length=100), nullable=True),
    sa.Column('disability', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_children_contact_id_contacts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_children')),
    sa.UniqueConstraint('contact_id', 'position', name=op.f('uq_children_contact_id_position'))
    )
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_children_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_children_nhs_number'), ['nhs_number'], unique=False)

    op.create_table('referrers',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('contact_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=True),
    sa.Column('organisation', sa.String(length=200), nullable=True),
    sa.Column('agency_type', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('external_reference', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_referrers_contact_id_contacts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrers')),
    sa.UniqueConstraint('contact_id', name=op.f('uq_referrers_contact_id'))
    )


def downgrade() -> None:
    op.drop_table('referrers')
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_children_nhs_number'))
        batch_op.drop_index(batch_op.f('ix_children_contact_id'))

    op.drop_table('children')
    with op.batch_alter_table('adults', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adults_contact_id'))

    op.drop_table('adults')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_status'))
        batch_op.drop_index('ix_contacts_received_at_id')
        batch_op.drop_index('ix_contacts_organisation_received_at')
        batch_op.drop_index(batch_op.f('ix_contacts_agency_type'))

    op.drop_table('contacts')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_organisation'))

    op.drop_table('users')
    op.drop_table('reference_counters')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_pending')
        batch_op.drop_index(batch_op.f('ix_outbox_entity_id'))

    op.drop_table('outbox')
    op.drop_table('idempotency_records')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_user_id'))
        batch_op.drop_index('ix_audit_events_contact_id_at')

    op.drop_table('audit_events')
