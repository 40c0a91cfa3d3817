"""workflow: replies, opinions, communications, feedback, reassignment requests, waivers, merges, attachments

Revision ID: 0005_workflow
Revises: 0004_routing
Create Date: 2026-11-22 06:30:06.663467
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005_workflow'
down_revision = "0004_routing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=32), nullable=False),
    sa.Column('handling_level', sa.String(length=32), nullable=True),
    sa.Column('result_level', sa.String(length=32), nullable=True),
    sa.Column('given_by', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_feedback_item_id_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_feedback_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback')),
    sa.UniqueConstraint('item_id', 'round', name=op.f('uq_feedback_item_id_round'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_item_id'), ['item_id'], unique=False)

    op.create_table('item_merges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('into_item_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('merged_by_id', sa.Integer(), nullable=True),
    sa.Column('merged_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['into_item_id'], ['items.id'], name=op.f('fk_item_merges_into_item_id_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_item_merges_item_id_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['merged_by_id'], ['users.id'], name=op.f('fk_item_merges_merged_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_merges')),
    sa.UniqueConstraint('item_id', name=op.f('uq_item_merges_item_id'))
    )
    with op.batch_alter_table('item_merges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_merges_into_item_id'), ['into_item_id'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('owner_type', sa.String(length=16), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_attachments_assignment_id_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_attachments_item_id_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_item_id'), ['item_id'], unique=False)
        batch_op.create_index('ix_attachments_owner', ['owner_type', 'owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_sha256'), ['sha256'], unique=False)

    op.create_table('co_opinion_waivers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('waived_by_id', sa.Integer(), nullable=True),
    sa.Column('waived_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_co_opinion_waivers_assignment_id_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['waived_by_id'], ['users.id'], name=op.f('fk_co_opinion_waivers_waived_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_co_opinion_waivers')),
    sa.UniqueConstraint('assignment_id', name=op.f('uq_co_opinion_waivers_assignment_id'))
    )
    op.create_table('co_opinions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('written_by_id', sa.Integer(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_co_opinions_assignment_id_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_co_opinions_item_id_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['written_by_id'], ['users.id'], name=op.f('fk_co_opinions_written_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_co_opinions')),
    sa.UniqueConstraint('assignment_id', name=op.f('uq_co_opinions_assignment_id'))
    )
    with op.batch_alter_table('co_opinions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_co_opinions_item_id'), ['item_id'], unique=False)

    op.create_table('communications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('happened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('participants', sa.String(length=500), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_communications_assignment_id_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_communications_item_id_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_communications_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_communications'))
    )
    with op.batch_alter_table('communications', schema=None) as batch_op:
        batch_op.create_index('ix_communications_assignment', ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_communications_item_id'), ['item_id'], unique=False)

    op.create_table('reassignment_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('suggested_department_id', sa.Integer(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('new_assignment_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_reassignment_requests_assignment_id_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_reassignment_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_reassignment_requests_item_id_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['new_assignment_id'], ['assignments.id'], name=op.f('fk_reassignment_requests_new_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_reassignment_requests_requested_by_id_users')),
    sa.ForeignKeyConstraint(['suggested_department_id'], ['departments.id'], name=op.f('fk_reassignment_requests_suggested_department_id_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reassignment_requests'))
    )
    with op.batch_alter_table('reassignment_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reassignment_requests_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reassignment_requests_item_id'), ['item_id'], unique=False)

    op.create_table('replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('result_class', sa.String(length=16), nullable=False),
    sa.Column('disclosure', sa.String(length=8), nullable=False),
    sa.Column('disclosure_reason', sa.Text(), nullable=False),
    sa.Column('contact_person', sa.String(length=64), nullable=False),
    sa.Column('contact_phone', sa.String(length=32), nullable=False),
    sa.Column('letter_number', sa.String(length=64), nullable=False),
    sa.Column('drafted_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_off_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_off_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_replies_assignment_id_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['drafted_by_id'], ['users.id'], name=op.f('fk_replies_drafted_by_id_users')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_replies_item_id_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_replies_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['signed_off_by_id'], ['users.id'], name=op.f('fk_replies_signed_off_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_replies')),
    sa.UniqueConstraint('assignment_id', name=op.f('uq_replies_assignment_id'))
    )
    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_replies_item_id'), ['item_id'], unique=False)

    op.create_table('result_class_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reply_id', sa.Integer(), nullable=False),
    sa.Column('from_class', sa.String(length=16), nullable=False),
    sa.Column('to_class', sa.String(length=16), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_by_name', sa.String(length=64), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_result_class_changes_changed_by_id_users')),
    sa.ForeignKeyConstraint(['reply_id'], ['replies.id'], name=op.f('fk_result_class_changes_reply_id_replies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_class_changes'))
    )
    with op.batch_alter_table('result_class_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_class_changes_reply_id'), ['reply_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('result_class_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_result_class_changes_reply_id'))

    op.drop_table('result_class_changes')
    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_replies_item_id'))

    op.drop_table('replies')
    with op.batch_alter_table('reassignment_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reassignment_requests_item_id'))
        batch_op.drop_index(batch_op.f('ix_reassignment_requests_assignment_id'))

    op.drop_table('reassignment_requests')
    with op.batch_alter_table('communications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_communications_item_id'))
        batch_op.drop_index('ix_communications_assignment')

    op.drop_table('communications')
    with op.batch_alter_table('co_opinions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_co_opinions_item_id'))

    op.drop_table('co_opinions')
    op.drop_table('co_opinion_waivers')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_sha256'))
        batch_op.drop_index('ix_attachments_owner')
        batch_op.drop_index(batch_op.f('ix_attachments_item_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('item_merges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_merges_into_item_id'))

    op.drop_table('item_merges')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_item_id'))

    op.drop_table('feedback')
