"""The transition service: state, role, department, reason, version and audit checks."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Assignment, AuditEntry, CongressSession, Department, Item
from app.domain.enums import Role
from app.services import transitions
from app.services.actor import Actor
from app.services.errors import Conflict, Forbidden, UserError, ValidationFailed


@pytest.fixture
def office(make_user):
    return make_user("office_staff", username="office").actor


@pytest.fixture
def item(db_session, office):  # users first: on SQLite another connection cannot write after our flush
    congress = CongressSession(body="npc", label="市十六届人大四次会议", year=2026, number_width=4)
    item = Item(
        kind="npc_suggestion",
        session=congress,
        number="0259",
        title="关于解决停车难问题的建议",
        lead_submitter="王代表",
    )
    db_session.add(item)
    db_session.flush()
    return item


def _assignment(db_session, item, code):
    dept = db_session.scalar(select(Department).where(Department.code == code))
    assignment = Assignment(
        item=item, department_id=dept.id, role="lead", state="pending_signature", assigned_on=date(2026, 3, 2)
    )
    db_session.add(assignment)
    db_session.flush()
    return assignment


def test_assign_moves_the_item_and_writes_the_audit_row(db_session, item, office):
    version = item.version
    transitions.apply(db_session, office, item, "assign", expected_version=version)
    assert item.state == "assigned" and item.version == version + 1
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.entity == "item", AuditEntry.action == "assign"))
    assert entry.before == {"state": "registered", "version": version}
    assert entry.after == {"state": "assigned", "version": version + 1}
    assert entry.actor_name == "office"


def test_wrong_state_is_a_conflict(db_session, item, office):
    transitions.apply(db_session, office, item, "assign")
    with pytest.raises(Conflict):
        transitions.apply(db_session, office, item, "assign")


def test_unknown_action(db_session, item, office):
    with pytest.raises(UserError, match="fly"):
        transitions.apply(db_session, office, item, "fly")


def test_role_is_checked(db_session, item, office):
    handler = Actor(2, "h", Role.DEPT_HANDLER, department_id=1)
    with pytest.raises(Forbidden):
        transitions.apply(db_session, handler, item, "assign")
    assert item.state == "registered"


@pytest.fixture
def handlers(make_user):
    return make_user("dept_handler", "jw").actor, make_user("dept_handler", "jtw").actor


def test_only_the_assigned_department_acts(db_session, handlers, item):
    other, own = handlers
    assignment = _assignment(db_session, item, "jtw")
    with pytest.raises(Forbidden):
        transitions.apply(db_session, other, assignment, "sign_for")
    transitions.apply(db_session, own, assignment, "sign_for")
    assert assignment.state == "signed"


def test_reason_required(db_session, item, office):
    with pytest.raises(ValidationFailed):
        transitions.apply(db_session, office, item, "withdraw", reason="  ")
    transitions.apply(db_session, office, item, "withdraw", reason="代表撤回")
    assert item.state == "withdrawn"


def test_stale_version_from_the_form_is_a_conflict(db_session, item, office):
    with pytest.raises(Conflict):
        transitions.apply(db_session, office, item, "assign", expected_version=item.version - 1)
    assert item.state == "registered"


def test_concurrent_change_is_a_conflict(clean_db, db_session, item, office):
    db_session.commit()
    other = Session(bind=clean_db, expire_on_commit=False)
    try:
        theirs = other.get(Item, item.id)
        transitions.apply(db_session, office, item, "assign")
        db_session.commit()
        with pytest.raises(Conflict):
            transitions.apply(other, office, theirs, "withdraw", reason="x")
        other.rollback()
    finally:
        other.close()
    assert db_session.get(Item, item.id).state == "assigned"


def test_available_lists_only_what_the_actor_may_do(db_session, item, office):
    assert [t.action for t in transitions.available(office, item)] == ["assign", "withdraw"]
    handler = Actor(2, "h", Role.DEPT_HANDLER, department_id=1)
    assert transitions.available(handler, item) == []
