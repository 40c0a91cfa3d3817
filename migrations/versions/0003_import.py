"""import: import batches linked to items

Revision ID: 0003_import
Revises: 0001_foundation
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0003_import"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("new_count", sa.Integer(), nullable=False),
        sa.Column("changed_count", sa.Integer(), nullable=False),
        sa.Column("unchanged_count", sa.Integer(), nullable=False),
        sa.Column("notes_count", sa.Integer(), nullable=False),
        sa.Column("stored_file", sa.String(length=500), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_name", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_import_batches_created_by_id_users")),
        sa.ForeignKeyConstraint(
            ["session_id"], ["congress_sessions.id"], name=op.f("fk_import_batches_session_id_congress_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
    )
    op.create_index("ix_import_batches_session_sha", "import_batches", ["session_id", "sha256"], unique=False)
    op.create_table(
        "import_batch_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("sheet", sa.String(length=100), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name=op.f("fk_import_batch_items_batch_id_import_batches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_import_batch_items_item_id_items"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch_items")),
    )
    op.create_index(op.f("ix_import_batch_items_batch_id"), "import_batch_items", ["batch_id"], unique=False)
    op.create_index("ix_import_batch_items_item", "import_batch_items", ["item_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_import_batch_items_item", table_name="import_batch_items")
    op.drop_index(op.f("ix_import_batch_items_batch_id"), table_name="import_batch_items")
    op.drop_table("import_batch_items")
    op.drop_index("ix_import_batches_session_sha", table_name="import_batches")
    op.drop_table("import_batches")
