"""portal: roster, submitter links, portal accounts, public replies, non-publications, feedback source

Revision ID: 0008_portal
Revises: 0007_stats
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0008_portal'
down_revision = '0007_stats'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('roster_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('term', sa.String(length=64), nullable=False),
    sa.Column('body', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('delegation', sa.String(length=100), nullable=False),
    sa.Column('sector', sa.String(length=100), nullable=False),
    sa.Column('party', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('email', sa.String(length=120), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_entries')),
    sa.UniqueConstraint('term', 'body', 'name', 'delegation', 'sector', name=op.f('uq_roster_entries_term_body_name_delegation_sector'))
    )
    with op.batch_alter_table('roster_entries', schema=None) as batch_op:
        batch_op.create_index('ix_roster_entries_body_name', ['body', 'name'], unique=False)

    op.create_table('portal_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('roster_entry_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=True),
    sa.Column('code_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('activated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_portal_accounts_issued_by_id_users')),
    sa.ForeignKeyConstraint(['roster_entry_id'], ['roster_entries.id'], name=op.f('fk_portal_accounts_roster_entry_id_roster_entries')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_portal_accounts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_accounts')),
    sa.UniqueConstraint('roster_entry_id', name=op.f('uq_portal_accounts_roster_entry_id')),
    sa.UniqueConstraint('user_id', name=op.f('uq_portal_accounts_user_id'))
    )
    op.create_table('submitter_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('roster_entry_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('candidates', sa.String(length=200), nullable=False),
    sa.Column('by', sa.String(length=8), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_submitter_links_item_id_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['roster_entry_id'], ['roster_entries.id'], name=op.f('fk_submitter_links_roster_entry_id_roster_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submitter_links')),
    sa.UniqueConstraint('item_id', 'position', name=op.f('uq_submitter_links_item_id_position'))
    )
    with op.batch_alter_table('submitter_links', schema=None) as batch_op:
        batch_op.create_index('ix_submitter_links_entry', ['roster_entry_id'], unique=False)
        batch_op.create_index('ix_submitter_links_status', ['status'], unique=False)

    op.create_table('public_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reply_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=8), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('session_label', sa.String(length=64), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('department', sa.String(length=128), nullable=False),
    sa.Column('result_class', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_public_replies_published_by_id_users')),
    sa.ForeignKeyConstraint(['reply_id'], ['replies.id'], name=op.f('fk_public_replies_reply_id_replies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_replies')),
    sa.UniqueConstraint('reply_id', name=op.f('uq_public_replies_reply_id'))
    )
    with op.batch_alter_table('public_replies', schema=None) as batch_op:
        batch_op.create_index('ix_public_replies_year', ['year'], unique=False)

    op.create_table('reply_non_publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reply_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_reply_non_publications_decided_by_id_users')),
    sa.ForeignKeyConstraint(['reply_id'], ['replies.id'], name=op.f('fk_reply_non_publications_reply_id_replies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_non_publications')),
    sa.UniqueConstraint('reply_id', name=op.f('uq_reply_non_publications_reply_id'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=8), server_default='paper', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_column('source')

    op.drop_table('reply_non_publications')
    with op.batch_alter_table('public_replies', schema=None) as batch_op:
        batch_op.drop_index('ix_public_replies_year')

    op.drop_table('public_replies')
    with op.batch_alter_table('submitter_links', schema=None) as batch_op:
        batch_op.drop_index('ix_submitter_links_status')
        batch_op.drop_index('ix_submitter_links_entry')

    op.drop_table('submitter_links')
    op.drop_table('portal_accounts')
    with op.batch_alter_table('roster_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_roster_entries_body_name')

    op.drop_table('roster_entries')
