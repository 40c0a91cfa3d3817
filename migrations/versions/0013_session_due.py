"""items (session_id, due_on): a session's list by deadline reads one index range

Without it PostgreSQL walks the whole deadline index for "this session, by deadline" (filtering
every other session's items out) whenever it misjudges how many rows a search keeps.

Revision ID: 0013_session_due
Revises: 0012_similarity
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0013_session_due"
down_revision = "0012_similarity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items") as batch_op:
        batch_op.create_index("ix_items_session_id_due_on", ["session_id", "due_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("items") as batch_op:
        batch_op.drop_index("ix_items_session_id_due_on")
