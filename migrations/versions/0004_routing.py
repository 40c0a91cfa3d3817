"""routing: rule-set versions and routing records

Revision ID: 0004_routing
Revises: 0003_import
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_routing"
down_revision = "0003_import"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "routing_rule_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile", sa.String(length=32), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("rule_count", sa.Integer(), nullable=False),
        sa.Column("loaded_by_id", sa.Integer(), nullable=True),
        sa.Column("loaded_by_name", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["loaded_by_id"], ["users.id"], name=op.f("fk_routing_rule_sets_loaded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_rule_sets")),
        sa.UniqueConstraint("profile", "content_hash", name=op.f("uq_routing_rule_sets_profile_content_hash")),
    )
    op.create_table(
        "routing_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("rule_set_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposal", sa.JSON(), nullable=False),
        sa.Column("mode", sa.String(length=12), nullable=True),
        sa.Column("lead_code", sa.String(length=32), nullable=True),
        sa.Column("co_codes", sa.JSON(), nullable=False),
        sa.Column("split_codes", sa.JSON(), nullable=False),
        sa.Column("reference_codes", sa.JSON(), nullable=False),
        sa.Column("key_supervision", sa.Boolean(), nullable=False),
        sa.Column("has_conflicts", sa.Boolean(), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("reply_due_on", sa.Date(), nullable=True),
        sa.Column("reply_due_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_name", sa.String(length=64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_name", sa.String(length=64), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_routing_records_item_id_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["rule_set_id"], ["routing_rule_sets.id"], name=op.f("fk_routing_records_rule_set_id_routing_rule_sets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_records")),
    )
    op.create_index("ix_routing_records_item_current", "routing_records", ["item_id", "current"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_routing_records_item_current", table_name="routing_records")
    op.drop_table("routing_records")
    op.drop_table("routing_rule_sets")
