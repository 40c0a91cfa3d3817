"""similarity: bigram index of items' titles and contents, and 并案 (merge) suggestions found at import

Items already in the database are indexed by `jianti similarity reindex` (the index is the
application's computation; a migration must not depend on the application's code as it will be
later). `jianti db check` reports items missing from the index.

Revision ID: 0012_similarity
Revises: 0011_list_columns
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_similarity"
down_revision = "0011_list_columns"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "similarity_documents",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("term_count", sa.Integer(), nullable=False),
        sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_similarity_documents_item_id_items"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_similarity_documents")),
    )
    op.create_table(
        "similarity_terms",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=8), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_similarity_terms_item_id_items"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("item_id", "term", name=op.f("pk_similarity_terms")),
    )
    op.create_index("ix_similarity_terms_term", "similarity_terms", ["term", "item_id", "weight"], unique=False)
    op.create_table(
        "similarity_term_frequencies",
        sa.Column("term", sa.String(length=8), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_similarity_term_frequencies")),
    )
    op.create_table(
        "merge_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("other_item_id", sa.Integer(), nullable=False),
        sa.Column("score_permille", sa.Integer(), nullable=False),
        sa.Column("shared_terms", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_name", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_merge_suggestions_batch_id_import_batches"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_merge_suggestions_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_merge_suggestions_item_id_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["other_item_id"],
            ["items.id"],
            name=op.f("fk_merge_suggestions_other_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merge_suggestions")),
        sa.UniqueConstraint("item_id", "other_item_id", name=op.f("uq_merge_suggestions_item_id_other_item_id")),
    )
    op.create_index("ix_merge_suggestions_status_item", "merge_suggestions", ["status", "item_id"], unique=False)
    op.create_index("ix_merge_suggestions_other_item", "merge_suggestions", ["other_item_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_merge_suggestions_other_item", table_name="merge_suggestions")
    op.drop_index("ix_merge_suggestions_status_item", table_name="merge_suggestions")
    op.drop_table("merge_suggestions")
    op.drop_table("similarity_term_frequencies")
    op.drop_index("ix_similarity_terms_term", table_name="similarity_terms")
    op.drop_table("similarity_terms")
    op.drop_table("similarity_documents")
