"""Random actions by random users through the services, on the database.

After every step: each state the table reached has its audit row, replaying the audit log gives
the current state of the item and of every assignment, and a refused action left nothing behind.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import and_, func, or_, select

from app.db import list_columns
from app.db.models import Assignment, AuditEntry, Department, Item
from app.db.models.workflow import Reply
from app.domain.lifecycle import ASSIGNMENT_LIVE, ITEM_TERMINAL, Refused, Step, decide, known_actions, replay
from app.rules.profiles import load_profile
from app.services.errors import UserError
from app.services.workflow import actions, facts
from tests.workflow.factory import TODAY, good_draft, new_item, yesterday

PLANS = [
    [("jtw", "lead")],
    [("jtw", "lead"), ("cgw", "co")],
    [("jtw", "split"), ("cgw", "split")],
    [("jtw", "reference")],
    [("jtw", "lead"), ("cgw", "reference")],
]
SYSTEM_ONLY = {"close_round", "cancel", "begin_handling", "mark_replied", "open_new_round"}
# deadline actions belong to the deadlines feature (tested there); they never change a state
SYSTEM_ONLY |= {"request_extension", "approve_extension", "reject_extension", "edit_deadline"}
USERS = ["office", "admin", "jtw", "jtw_head", "cg", "cg_head", "jw", "leader"]


def call(session, actor, entity, action, record_id, today, extra):
    """The service for a table action, with acceptable input."""
    a = actions
    reason = "办理需要"
    if entity == "assignment":
        return {
            "sign_for": lambda: a.sign_for(session, actor, record_id, today=today),
            "request_reassignment": lambda: a.request_reassignment(
                session, actor, record_id, reason=reason, today=today
            ),
            "approve_reassignment": lambda: a.approve_reassignment(
                session, actor, record_id, new_department_code=extra["free_department"], today=today
            ),
            "reject_reassignment": lambda: a.reject_reassignment(session, actor, record_id, reason=reason, today=today),
            "record_communication": lambda: a.record_communication(
                session, actor, record_id, method="phone", happened_at=yesterday(), participants="张建华", today=today
            ),
            "draft_opinion": lambda: a.save_opinion(session, actor, record_id, body="同意", today=today),
            "send_opinion": lambda: a.send_opinion(session, actor, record_id, today=today),
            "draft_reply": lambda: a.save_reply(session, actor, record_id, good_draft(), today=today),
            "sign_off": lambda: a.sign_off(session, actor, record_id, today=today),
            "return_draft": lambda: a.return_draft(session, actor, record_id, reason=reason, today=today),
            "submit_for_review": lambda: a.submit_for_review(session, actor, record_id, today=today),
            "acknowledge": lambda: a.acknowledge(session, actor, record_id, today=today),
            "waive_co_opinions": lambda: a.waive_co_opinions(session, actor, record_id, reason=reason, today=today),
            "return_reply": lambda: a.return_reply(session, actor, record_id, reason=reason, today=today),
            "accept_reply": lambda: a.accept_reply(
                session, actor, record_id, result_class=extra["result_class"], reason=reason, today=today
            ),
        }[action]()
    return {
        "assign": lambda: a.assign(session, actor, record_id, extra["plan"], today=today),
        "request_feedback": lambda: a.request_feedback(session, actor, record_id, today=today),
        "record_feedback": lambda: a.record_feedback(
            session, actor, record_id, level=extra["level"], given_by="submitter", today=today
        ),
        "close": lambda: a.close_item(session, actor, record_id, today=today),
        "close_without_reply": lambda: a.close_without_reply(session, actor, record_id, today=today),
        "change_result_class": lambda: a.change_result_class(
            session, actor, extra["reply_id"] or 0, result_class="A", reason=reason, today=today
        ),
        "merge": lambda: a.merge(
            session, actor, record_id, into_item_id=extra["merge_into"], reason=reason, today=today
        ),
        "withdraw": lambda: a.withdraw(session, actor, record_id, reason=reason, today=today),
    }[action]()


def trails(session, item_id: int, assignment_ids: list[int]) -> dict[tuple[str, int], list[Step]]:
    """The audit trail of the item and of each of its assignments, in order, read in one query."""
    mine = or_(
        and_(AuditEntry.entity == "item", AuditEntry.entity_id == item_id),
        and_(AuditEntry.entity == "assignment", AuditEntry.entity_id.in_(assignment_ids)),
    )
    rows = session.execute(
        select(AuditEntry.entity, AuditEntry.entity_id, AuditEntry.action, AuditEntry.before, AuditEntry.after)
        .where(mine)
        .order_by(AuditEntry.id)
    )
    found: dict[tuple[str, int], list[Step]] = defaultdict(list)
    for entity, entity_id, action, before, after in rows:
        found[(entity, entity_id)].append(Step(action, (before or {}).get("state"), (after or {}).get("state")))
    return found


def audit_count(session) -> int:
    return session.scalar(select(func.count(AuditEntry.id)))


def check(session, item_id):
    session.expire_all()
    item = session.get(Item, item_id)
    assignments = session.scalars(select(Assignment).where(Assignment.item_id == item.id)).all()
    steps = trails(session, item.id, [a.id for a in assignments])
    assert replay("item", steps[("item", item.id)]) == item.state
    for a in assignments:
        assert replay("assignment", steps[("assignment", a.id)]) == a.state
        if a.round < item.round:
            assert a.state not in ASSIGNMENT_LIVE
    if item.state in ITEM_TERMINAL:
        assert not [a for a in assignments if a.state in ASSIGNMENT_LIVE]
    elif item.state != "registered":
        assert [a for a in assignments if a.state in ASSIGNMENT_LIVE], "a live item without any department"
    # the list's stored 主办单位 / 期限 follow every transition (app.db.list_columns)
    assert list_columns.mismatches(session) == []


def enabled(session, item, actors, today):
    """Moves the table allows now for some user (department membership aside), from the database's facts."""
    profile = load_profile("beijing")
    found = []
    item_context = facts.item_facts(session, item, profile, today)
    for action in sorted(known_actions("item") - SYSTEM_ONLY):
        for name in USERS:
            try:
                decide("item", action, item.state, actors[name].role, item_context)
                found.append(("item", action, item.id, name))
            except Refused:
                pass
    for a in session.scalars(select(Assignment).where(Assignment.item_id == item.id)):
        context = facts.assignment_facts(session, a, profile, today)
        for action in sorted(known_actions("assignment") - SYSTEM_ONLY):
            for name in USERS:
                actor = actors[name]
                if actor.is_department and actor.department_id != a.department_id:
                    continue
                try:
                    decide("assignment", action, a.state, actor.role, context, a.role)
                    found.append(("assignment", action, a.id, name))
                except Refused:
                    pass
    return found


# 20 examples in all, as two runs of 10 that pytest-xdist can take side by side
@pytest.mark.parametrize("run", [1, 2])
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_random_life_keeps_audit_and_replay_in_step(db_session, make_user, run, data):
    actors = _actors(make_user)
    s = db_session
    item = new_item(s)
    merge_into = new_item(s)
    s.commit()
    plan = data.draw(st.sampled_from(PLANS), label="plan")
    for step in range(data.draw(st.integers(30, 70), label="steps")):
        today = TODAY + timedelta(days=data.draw(st.sampled_from([0, 0, 0, 45]), label="days later"))
        s.expire_all()
        item = s.get(Item, item.id)
        # merging and withdrawing end the item: only now and then, so that lives get long
        options = [o for o in enabled(s, item, actors, today) if o[1] not in ("merge", "withdraw") or step % 25 == 24]
        if options and data.draw(st.integers(0, 9), label="pick") < 8:
            # the action first, then who takes it: repeatable actions do not crowd out progress
            kind = data.draw(st.sampled_from(sorted({o[:3] for o in options})), label="move")
            who = data.draw(st.sampled_from([o[3] for o in options if o[:3] == kind]), label="by")
            entity, action, record_id = kind
        else:
            entity = data.draw(st.sampled_from(["item", "assignment"]), label="entity")
            action = data.draw(st.sampled_from(sorted(known_actions(entity) - SYSTEM_ONLY)), label="action")
            ids = [item.id] if entity == "item" else [a.id for a in item.assignments] or [0]
            record_id = data.draw(st.sampled_from(ids), label="record")
            who = data.draw(st.sampled_from(USERS), label="who")
        departments = select(Department.code).join(Assignment, Assignment.department_id == Department.id)
        used = set(s.scalars(departments.where(Assignment.item_id == item.id)))
        extra = {
            "plan": plan,
            "free_department": next(c for c in ("jw", "fgw", "zjw", "swj") if c not in used),
            "result_class": data.draw(st.sampled_from([None, "A", "C"]), label="class"),
            "level": data.draw(st.sampled_from(["satisfied", "basically_satisfied", "dissatisfied"]), label="level"),
            "reply_id": s.scalar(select(Reply.id).where(Reply.item_id == item.id, Reply.sent_at.is_not(None))),
            "merge_into": merge_into.id,
        }
        before = audit_count(s)
        try:
            call(s, actors[who], entity, action, record_id, today, extra)
            s.commit()
            TAKEN.append(action)
            assert audit_count(s) > before, f"{action} left no audit row"
        except UserError:
            s.rollback()
            assert audit_count(s) == before
        check(s, item.id)


_made: dict = {}
TAKEN: list[str] = []  # actions that went through, for a look at what the examples reach


def _actors(make_user):
    # one set of accounts per test (argon2 hashing is slow), shared by the examples
    if _made.get("make_user") is not make_user:
        _made.clear()
        _made["make_user"] = make_user  # held, so that a later test's fixture cannot get the same id()
        _made["actors"] = {
            "office": make_user("office_staff").actor,
            "admin": make_user("office_admin").actor,
            "jtw": make_user("dept_handler", "jtw").actor,
            "jtw_head": make_user("dept_leader", "jtw").actor,
            "cg": make_user("dept_handler", "cgw").actor,
            "cg_head": make_user("dept_leader", "cgw").actor,
            "jw": make_user("dept_handler", "jw").actor,
            "leader": make_user("leader_readonly").actor,
        }
    return _made["actors"]
