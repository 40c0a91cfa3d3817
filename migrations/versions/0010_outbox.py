"""outbox: mail sent after the deciding transaction commits

Revision ID: 0010_outbox
Revises: 0008_forms
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_outbox"
down_revision = "0008_forms"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_mails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("sender", sa.String(length=200), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("reminder_keys", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_mails")),
    )
    op.create_index(op.f("ix_outbox_mails_sent_at"), "outbox_mails", ["sent_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_outbox_mails_sent_at"), table_name="outbox_mails")
    op.drop_table("outbox_mails")
