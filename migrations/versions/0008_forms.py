"""forms: flash messages kept with the login session

Revision ID: 0008_forms
Revises: 0009_ops
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_forms"
down_revision = "0009_ops"  # chained after main's head so this branch runs; the coordinator re-chains at merge
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "flash_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_token_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_token_hash"],
            ["web_sessions.token_hash"],
            name=op.f("fk_flash_messages_session_token_hash_web_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flash_messages")),
    )
    op.create_index(
        op.f("ix_flash_messages_session_token_hash"), "flash_messages", ["session_token_hash"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_flash_messages_session_token_hash"), table_name="flash_messages")
    op.drop_table("flash_messages")
