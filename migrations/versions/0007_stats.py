"""stats: reply publications (上网公开)

Revision ID: 0007_stats
Revises: 0006_deadlines
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_stats"
down_revision = "0006_deadlines"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reply_publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("location", sa.String(length=500), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_reply_publications_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_reply_publications_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_publications")),
        sa.UniqueConstraint("assignment_id", name=op.f("uq_reply_publications_assignment_id")),
    )


def downgrade() -> None:
    op.drop_table("reply_publications")
