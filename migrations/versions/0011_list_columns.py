"""list columns: items keep their lead department and deadlines (app.db.list_columns); indexes for the lists

Revision ID: 0011_list_columns
Revises: 0010_outbox
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_list_columns"
down_revision = "0010_outbox"
branch_labels = None
depends_on = None


def _backfill() -> None:
    """The same values app.db.list_columns keeps, computed here in SQL so the migration does not
    depend on the application's code as it will be later."""
    op.execute(
        """
        UPDATE items SET
          lead_department_id = (
            SELECT a.department_id FROM assignments a
            WHERE a.item_id = items.id AND a.round = items.round AND a.role = 'lead'
              AND a.state NOT IN ('reassigned', 'cancelled')
            ORDER BY a.id DESC LIMIT 1),
          due_on = (
            SELECT min(a.due_on) FROM assignments a
            WHERE a.item_id = items.id AND a.round = items.round AND a.role IN ('lead', 'split')
              AND a.state NOT IN ('reassigned', 'cancelled')),
          open_due_on = (
            SELECT min(a.due_on) FROM assignments a
            WHERE a.item_id = items.id AND a.role IN ('lead', 'split')
              AND a.state NOT IN ('reassigned', 'cancelled', 'sent', 'closed'))
        """
    )


def upgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lead_department_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("open_due_on", sa.Date(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_items_lead_department_id_departments"), "departments", ["lead_department_id"], ["id"]
        )
        batch_op.create_index("ix_items_lead_department", ["lead_department_id"], unique=False)
        batch_op.create_index("ix_items_due_on", ["due_on"], unique=False)
        batch_op.create_index("ix_items_open_due_on", ["open_due_on"], unique=False)
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index("ix_assignments_department_item", ["department_id", "item_id"], unique=False)
    _backfill()


def downgrade() -> None:
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_assignments_department_item")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index("ix_items_open_due_on")
        batch_op.drop_index("ix_items_due_on")
        batch_op.drop_index("ix_items_lead_department")
        batch_op.drop_constraint(batch_op.f("fk_items_lead_department_id_departments"), type_="foreignkey")
        batch_op.drop_column("open_due_on")
        batch_op.drop_column("due_on")
        batch_op.drop_column("lead_department_id")
