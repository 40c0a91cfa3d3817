"""Items' stored list columns (lead department, deadline, open deadline) follow their assignments."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from app.db import list_columns
from app.db.models import Assignment, Department, Item
from app.services.workflow import actions
from tests.workflow.factory import OFFICE, TODAY, assigned_item, new_item


def _dept(session, code: str) -> int:
    return session.scalar(select(Department.id).where(Department.code == code))


def test_assign_sets_lead_and_deadlines_and_a_registered_item_has_none(db_session):
    s = db_session
    bare = new_item(s)
    item = assigned_item(s, OFFICE, [("jtw", "lead"), ("cgw", "co")])
    s.expire_all()
    lead = s.scalar(select(Assignment).where(Assignment.item_id == item.id, Assignment.role == "lead"))
    stored = s.get(Item, item.id)
    assert stored.lead_department_id == _dept(s, "jtw")
    assert stored.due_on == lead.due_on and stored.open_due_on == lead.due_on
    assert (s.get(Item, bare.id).lead_department_id, s.get(Item, bare.id).due_on) == (None, None)
    assert list_columns.mismatches(s) == []


def test_a_loaded_item_shows_the_new_values_after_the_flush(db_session):
    s = db_session
    item = new_item(s)
    assert item.lead_department_id is None
    actions.assign(s, OFFICE, item.id, [("jw", "lead")], today=TODAY)
    s.flush()
    assert item.lead_department_id == _dept(s, "jw")  # expired by the listener, re-read


def test_bulk_writes_are_found_by_db_check_and_repaired(db_session):
    s = db_session
    item = assigned_item(s, OFFICE, [("jtw", "lead")])
    s.execute(update(Assignment).where(Assignment.item_id == item.id).values(due_on=date(2030, 1, 1)))
    assert list_columns.mismatches(s) == [item.id]  # a Core update bypasses the listener
    assert list_columns.refresh(s, [item.id]) == 1
    assert list_columns.mismatches(s) == []
    assert list_columns.refresh(s) == 0  # nothing left to change: no row written


def test_db_check_names_the_items_and_repair_fixes_them(clean_db):
    from click.testing import CliRunner

    from app.cli.main import jianti
    from app.db.engine import session_scope

    with session_scope(clean_db) as s:
        item = assigned_item(s, OFFICE, [("jtw", "lead")])
        s.execute(update(Item).where(Item.id == item.id).values(lead_department_id=None))
        item_id = item.id
    runner = CliRunner()
    refused = runner.invoke(jianti, ["db", "check"])
    assert refused.exit_code == 1
    assert str(item_id) in refused.output and "--repair" in refused.output
    assert "recomputed for 1 items" in runner.invoke(jianti, ["db", "check", "--repair"]).output
    assert "matches the models" in runner.invoke(jianti, ["db", "check"]).output
