"""Property tests: random actions by random roles never leave the table, and the trail replays."""

from __future__ import annotations

import copy
import pickle

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.enums import Role
from app.domain.lifecycle import (
    ASSIGNMENT_LIVE,
    ASSIGNMENT_TERMINAL,
    ITEM_TERMINAL,
    Refused,
    find_transition,
    known_actions,
    offered_actions,
    replay,
    states_of,
)
from tests.workflow.simulation import DEPARTMENTS, FEEDBACK_LEVELS, SimItem

ROLES = list(Role)
ITEM_ACTIONS = sorted(known_actions("item"))
ASSIGNMENT_ACTIONS = sorted(known_actions("assignment"))

assignment_plans = st.lists(
    st.tuples(st.sampled_from(DEPARTMENTS), st.sampled_from(["lead", "co", "split", "reference"])),
    min_size=1,
    max_size=4,
    unique_by=lambda p: p[0],
)

item_moves = st.tuples(
    st.just("item"), st.sampled_from(ITEM_ACTIONS), st.sampled_from(ROLES), st.sampled_from(list(FEEDBACK_LEVELS))
)
assignment_moves = st.tuples(
    st.just("assignment"),
    st.sampled_from(ASSIGNMENT_ACTIONS),
    st.sampled_from(ROLES),
    st.integers(0, 12),  # which assignment
    st.sampled_from(DEPARTMENTS),  # the department of the acting user
)
# Mostly department moves, so that items get far in their life.


def check_invariants(item: SimItem) -> None:
    assert item.state in states_of("item")
    assert replay("item", item.trail) == item.state
    for a in item.assignments:
        assert a.state in states_of("assignment")
        assert replay("assignment", a.trail) == a.state
        if a.round < item.round:
            assert a.state in ASSIGNMENT_TERMINAL, "an earlier round is left open"
    if item.state in ITEM_TERMINAL:
        assert not item.live(), "a finished item still has live assignments"
    if item.state in ("replied", "awaiting_feedback"):
        replying = [a for a in item.current() if a.role in ("lead", "split") and a.state != "reassigned"]
        assert replying and all(a.state == "sent" for a in replying)
    if item.state == "rehandling":
        assert item.round > 1
    if item.state in ("registered",):
        assert not item.assignments
    elif item.state not in ITEM_TERMINAL:
        assert item.live(), "a live item is left without any department"
    for a in item.live():
        assert a.round == item.round
    # every step of every trail is a table transition whose roles include the office or a department
    for step in item.trail[1:]:
        assert find_transition("item", step.action, step.before) is not None


def play(item: SimItem, move, plan) -> None:
    if move[0] == "item":
        _, action, role, level = move
        item.act_on_item(action, role, plan=plan, level=level)
    else:
        _, action, role, index, department = move
        if not item.assignments:
            raise Refused("no assignment")
        a = item.assignments[index % len(item.assignments)]
        item.act_on_assignment(a, action, role, department)


ENDINGS = {"withdraw", "merge"}


def copy_of(item: SimItem) -> SimItem:
    """A deep copy, to compare against after a refusal; a pickle round trip is five times faster than deepcopy."""
    return pickle.loads(pickle.dumps(item, pickle.HIGHEST_PROTOCOL))


def enabled_moves(item: SimItem) -> list[tuple]:
    """Moves the table allows now (without taking them), so random walks get far into the life."""
    found = []
    item_facts = item.item_facts()
    offered = {role: {t.action for t in offered_actions("item", item.state, role, item_facts)} for role in ROLES}
    for action in ITEM_ACTIONS:
        for role in ROLES:
            if action in offered[role]:
                for level in FEEDBACK_LEVELS if action == "record_feedback" else ["satisfied"]:
                    found.append(("item", action, role, level))
    for index, a in enumerate(item.assignments):
        facts = item.assignment_facts(a)
        offered = {
            role: {t.action for t in offered_actions("assignment", a.state, role, facts, a.role)} for role in ROLES
        }
        for action in ASSIGNMENT_ACTIONS:
            for role in ROLES:
                if action in offered[role]:
                    found.append(("assignment", action, role, index, a.department))
    return found


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    plan=assignment_plans,
    data=st.data(),
    overdue=st.booleans(),
    communication_required=st.booleans(),
    window=st.booleans(),
)
def test_random_actions_stay_inside_the_table(plan, data, overdue, communication_required, window):
    item = SimItem(communication_required=communication_required, feedback_overdue=overdue)
    for step in range(data.draw(st.integers(10, 150), label="steps")):
        for a in item.assignments:
            a.within_window = window
            a.opinion_overdue = overdue
        enabled = [m for m in enabled_moves(item) if m[1] not in ENDINGS or step % 23 == 22]
        if enabled and data.draw(st.integers(0, 9), label="pick") < 8:
            # pick an action first, then who takes it: repeatable actions do not crowd out progress
            kinds = sorted(
                {m[:2] + m[3:4] for m in enabled if m[0] == "assignment"} | {m[:2] for m in enabled if m[0] == "item"}
            )
            kind = data.draw(st.sampled_from(kinds), label="action")
            move = data.draw(
                st.sampled_from([m for m in enabled if (m[:2] + m[3:4] if m[0] == "assignment" else m[:2]) == kind]),
                label="enabled move",
            )
        else:
            move = data.draw(st.one_of(item_moves, assignment_moves), label="any move")
        before = copy_of(item)
        try:
            play(item, move, plan)
        except Refused:
            # a refused action changes nothing at all
            assert item == before
        check_invariants(item)
        if item.state in ITEM_TERMINAL and not enabled_moves(item):
            break


def test_readonly_leaders_and_wrong_departments_never_move_anything():
    item = SimItem()
    item.act_on_item("assign", Role.OFFICE_STAFF, plan=[("d1", "lead")])
    lead = item.assignments[0]
    for action in ASSIGNMENT_ACTIONS:
        for role, department in ((Role.LEADER_READONLY, "d1"), (Role.DEPT_HANDLER, "d2"), (Role.DEPT_LEADER, "d3")):
            snapshot = copy.deepcopy(item)
            try:
                item.act_on_assignment(lead, action, role, department)
            except Refused:
                pass
            assert item == snapshot, (action, role)


def test_a_full_life_with_rehandling():
    item = SimItem()
    item.act_on_item("assign", Role.OFFICE_STAFF, plan=[("d1", "lead"), ("d2", "co")])
    lead, co = item.assignments
    item.act_on_assignment(lead, "sign_for", Role.DEPT_HANDLER, "d1")
    assert item.state == "in_progress"
    item.act_on_assignment(lead, "record_communication", Role.DEPT_HANDLER, "d1")
    item.act_on_assignment(lead, "draft_reply", Role.DEPT_HANDLER, "d1")
    try:
        item.act_on_assignment(lead, "sign_off", Role.DEPT_LEADER, "d1")
        raise AssertionError("signed off before the co-handler's opinion")
    except Refused as refused:
        assert "co-handler" in refused.reason
    item.act_on_assignment(co, "sign_for", Role.DEPT_HANDLER, "d2")
    item.act_on_assignment(co, "draft_opinion", Role.DEPT_HANDLER, "d2")
    item.act_on_assignment(co, "send_opinion", Role.DEPT_LEADER, "d2")
    for action, role in (
        ("sign_off", Role.DEPT_LEADER),
        ("submit_for_review", Role.DEPT_HANDLER),
        ("accept_reply", Role.OFFICE_STAFF),
    ):
        item.act_on_assignment(lead, action, role, "d1")
    assert item.state == "replied"
    item.act_on_item("request_feedback", Role.OFFICE_STAFF)
    item.act_on_item("record_feedback", Role.OFFICE_STAFF, level="dissatisfied")
    assert (item.state, item.round) == ("rehandling", 2)
    assert lead.state == co.state == "closed"
    lead2 = item.assignments[-1]
    assert (lead2.department, lead2.role, lead2.state) == ("d1", "lead", "pending_signature")
    for action, role in (
        ("sign_for", Role.DEPT_HANDLER),
        ("record_communication", Role.DEPT_HANDLER),
        ("draft_reply", Role.DEPT_HANDLER),
        ("sign_off", Role.DEPT_LEADER),
        ("submit_for_review", Role.DEPT_LEADER),
        ("accept_reply", Role.OFFICE_ADMIN),
    ):
        item.act_on_assignment(lead2, action, role, "d1")
    assert item.state == "replied"
    item.act_on_item("record_feedback", Role.OFFICE_STAFF, level="satisfied")
    assert item.state == "closed" and not item.live()
    assert item.feedback == {1: "dissatisfied", 2: "satisfied"}
    check_invariants(item)
    assert all(a.state not in ASSIGNMENT_LIVE for a in item.assignments)
