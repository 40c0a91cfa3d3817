"""The authorization helper: department users see only their own department's items."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.db.models import Assignment, CongressSession, Department, Item
from app.domain.enums import Role
from app.services import access
from app.services.actor import Actor
from app.services.errors import NotFound


@pytest.fixture
def items(db_session):
    depts = {d.code: d for d in db_session.scalars(select(Department))}
    congress = CongressSession(body="npc", label="s", year=2026)
    made = {}
    for number, code in (("0001", "jtw"), ("0002", "jw"), ("0003", None)):
        item = Item(kind="npc_suggestion", session=congress, number=number, title=number, lead_submitter="x")
        db_session.add(item)
        db_session.flush()
        if code:
            db_session.add(
                Assignment(
                    item_id=item.id,
                    department_id=depts[code].id,
                    role="lead",
                    state="pending_signature",
                    assigned_on=date(2026, 3, 1),
                )
            )
        made[number] = item
    db_session.flush()
    return made, depts


def test_department_sees_only_its_own(db_session, items):
    made, depts = items
    jtw = Actor(1, "jtw", Role.DEPT_HANDLER, depts["jtw"].id)
    visible = db_session.scalars(access.scope_items(select(Item.number), jtw)).all()
    assert visible == ["0001"]
    with pytest.raises(NotFound):
        access.get_item_for(db_session, jtw, made["0002"].id)
    assert access.get_item_for(db_session, jtw, made["0001"].id) is made["0001"]
    own = db_session.scalars(access.scope_assignments(select(Assignment), jtw)).all()
    assert {a.department_id for a in own} == {depts["jtw"].id}


@pytest.mark.parametrize("role", [Role.OFFICE_ADMIN, Role.OFFICE_STAFF, Role.LEADER_READONLY])
def test_office_and_leaders_see_everything(db_session, items, role):
    actor = Actor(1, "o", role)
    assert len(db_session.scalars(access.scope_items(select(Item.id), actor)).all()) == 3


def test_scoping_an_alias_filters_it_and_a_wrong_statement_is_refused(db_session, items):
    from sqlalchemy import func
    from sqlalchemy.orm import aliased

    made, depts = items
    jtw = Actor(1, "jtw", Role.DEPT_HANDLER, depts["jtw"].id)
    other = aliased(Item)
    assert db_session.scalars(access.scope_items(select(other.number), jtw, item=other)).all() == ["0001"]
    with pytest.raises(ValueError):
        access.scope_items(select(other.number), jtw)  # the alias was not named: refuse, never leak
    with pytest.raises(ValueError):
        access.scope_items(select(func.count(Assignment.id)), jtw)
    # the entity only in a join is found too (by the full FROM list); an alias of it never stands for it
    joined = select(Item.number).join(Assignment, Assignment.item_id == Item.id)
    assert db_session.scalars(access.scope_assignments(joined, jtw)).all() == ["0001"]
    with pytest.raises(ValueError):
        access.scope_assignments(select(aliased(Assignment).id), jtw)
