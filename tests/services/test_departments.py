"""`departments sync`: adds, renames, deactivates; never deletes a department."""

from __future__ import annotations

import dataclasses
from datetime import date

from sqlalchemy import func, select

from app.db.models import Assignment, Category, CongressSession, Department, Item
from app.services.actor import Actor
from app.services.departments import sync_departments


def test_sync_is_idempotent(db_session, profile):
    report = sync_departments(db_session, Actor.system(), profile)  # clean_db synced already
    assert not report.changed
    assert db_session.scalar(select(func.count(Department.id))) == len(profile.departments)
    assert db_session.scalar(select(func.count(Category.id))) == len(profile.categories)


def test_sync_renames_adds_and_deactivates_but_never_deletes(db_session, profile):
    jtw = db_session.scalar(select(Department).where(Department.code == "jtw"))
    session_row = CongressSession(body="npc", label="test", year=2026)
    item = Item(kind="npc_suggestion", session=session_row, number="0001", title="t", lead_submitter="x")
    db_session.add_all([session_row, item])
    db_session.flush()
    db_session.add(
        Assignment(
            item_id=item.id, department_id=jtw.id, role="lead", state="pending_signature", assigned_on=date(2026, 3, 1)
        )
    )
    renamed = dataclasses.replace(profile.department("jw"), short_name="市教育委员会")
    new = dataclasses.replace(profile.department("jw"), code="new", name="北京市新设局", short_name="市新设局")
    departments = tuple(renamed if d.code == "jw" else d for d in profile.departments if d.code != "jtw") + (new,)
    report = sync_departments(db_session, Actor.system(), dataclasses.replace(profile, departments=departments))
    assert report.added == ["new"] and report.renamed == ["jw"] and report.deactivated == ["jtw"]
    db_session.refresh(jtw)
    assert jtw.active is False  # kept: it has items
    assert db_session.scalar(select(func.count(Department.id))) == len(profile.departments) + 1

    report = sync_departments(db_session, Actor.system(), profile)
    assert "jtw" in report.reactivated and "new" in report.deactivated
