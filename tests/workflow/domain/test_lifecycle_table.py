"""The transition table itself: well formed, complete for the domain's life of an item, guards."""

from __future__ import annotations

import pytest

from app.domain.enums import AssignmentState as A
from app.domain.enums import ItemState as I
from app.domain.enums import Role
from app.domain.lifecycle import (
    FACTS,
    INITIAL_STATES,
    TRANSITIONS,
    GuardContext,
    Refused,
    actions_for,
    decide,
    find_transition,
    initial_assignment_state,
    offered_actions,
    states_of,
)


def test_every_source_and_target_is_a_known_state():
    for t in TRANSITIONS:
        states = states_of(t.entity)
        assert t.sources and t.sources <= states, t.action
        assert t.target is None or t.target in states, t.action


def test_one_transition_per_entity_action_and_state():
    seen = set()
    for t in TRANSITIONS:
        for source in t.sources:
            key = (t.entity, t.action, source)
            assert key not in seen, key
            seen.add(key)


def test_terminal_states_have_no_way_out():
    for t in TRANSITIONS:
        if t.entity == "item":
            assert not t.sources & {I.MERGED, I.WITHDRAWN}, t.action
            assert I.CLOSED not in t.sources or t.target is None, t.action
        else:
            assert not t.sources & {A.REASSIGNED, A.CANCELLED, A.CLOSED}, t.action


def test_every_state_is_reachable_from_the_initial_state():
    for entity in ("item", "assignment"):
        reached = {INITIAL_STATES[entity]}
        frontier = list(reached)
        while frontier:
            state = frontier.pop()
            for t in TRANSITIONS:
                if t.entity == entity and state in t.sources and t.target and t.target not in reached:
                    reached.add(t.target)
                    frontier.append(t.target)
        assert reached == states_of(entity)


def test_guards_read_only_documented_facts():
    class Spy(dict):
        def get(self, key, default=None):
            assert key in FACTS, f"undocumented fact {key}"
            return super().get(key, default)

    for t in TRANSITIONS:
        t.refusal(GuardContext(Spy()))


def test_all_new_assignments_wait_for_signature():
    for role in ("lead", "co", "split", "reference"):
        assert initial_assignment_state(role) == A.PENDING_SIGNATURE
    with pytest.raises(ValueError):
        initial_assignment_state("boss")


def test_leaders_readonly_can_do_nothing():
    for t in TRANSITIONS:
        assert Role.LEADER_READONLY not in t.roles


def test_system_moves_are_never_offered():
    context = GuardContext(
        {
            "any_assignment_signed": True,
            "all_replies_sent": True,
            "feedback_recorded": True,
            "feedback_opens_new_round": True,
        }
    )
    for state in states_of("item"):
        assert all(not t.system for t in offered_actions("item", state, Role.OFFICE_ADMIN, context))
    assert find_transition("item", "begin_handling", I.ASSIGNED).system


def test_department_roles_and_assignment_roles():
    ctx = GuardContext({})
    assert [t.action for t in actions_for("assignment", A.PENDING_SIGNATURE, Role.DEPT_HANDLER, "lead")] == [
        "sign_for",
        "request_reassignment",
        "request_extension",
    ]
    # a co-handler writes opinions, never replies; a reference department only notes the item
    co = {t.action for t in actions_for("assignment", A.SIGNED, Role.DEPT_HANDLER, "co")}
    assert "draft_opinion" in co and "draft_reply" not in co
    ref = {t.action for t in actions_for("assignment", A.SIGNED, Role.DEPT_HANDLER, "reference")}
    assert ref == {"acknowledge", "request_extension"}
    with pytest.raises(Refused, match="does not apply"):
        decide("assignment", "draft_reply", A.SIGNED, Role.DEPT_HANDLER, ctx, "co")
    with pytest.raises(Refused, match="role"):
        decide("assignment", "sign_off", A.DRAFTING, Role.DEPT_HANDLER, ctx, "lead")
    with pytest.raises(Refused, match="role"):
        decide("assignment", "accept_reply", A.UNDER_REVIEW, Role.DEPT_LEADER, ctx, "lead")
    with pytest.raises(Refused, match="current state"):
        decide("assignment", "accept_reply", A.DRAFTING, Role.OFFICE_STAFF, ctx, "lead")
    with pytest.raises(Refused, match="Unknown"):
        decide("assignment", "teleport", A.DRAFTING, Role.OFFICE_STAFF, ctx, "lead")


SIGN_OFF_OK = {
    "assignment_role": "lead",
    "has_reply_draft": True,
    "communication_required": True,
    "communication_count": 1,
    "co_opinions_pending": 0,
}


def test_sign_off_needs_draft_communication_and_co_opinions():
    def refusal(**changes):
        facts = {**SIGN_OFF_OK, **changes}
        try:
            decide(
                "assignment", "sign_off", A.DRAFTING, Role.DEPT_LEADER, GuardContext(facts), facts["assignment_role"]
            )
        except Refused as refused:
            return refused.reason
        return None

    assert refusal() is None
    assert "no reply draft" in refusal(has_reply_draft=False)
    assert "communication" in refusal(communication_count=0)
    assert refusal(communication_count=0, communication_required=False) is None
    assert "co-handler" in refusal(co_opinions_pending=2)
    assert refusal(co_opinions_pending=2, co_opinions_waived=True) is None
    # split departments have no co-handlers to wait for
    assert refusal(assignment_role="split", co_opinions_pending=2) is None


def test_missing_facts_refuse():
    with pytest.raises(Refused):
        decide("assignment", "sign_off", A.DRAFTING, Role.DEPT_LEADER, GuardContext({}), "lead")
    with pytest.raises(Refused, match="window"):
        decide("assignment", "request_reassignment", A.SIGNED, Role.DEPT_HANDLER, GuardContext({}), "lead")
    with pytest.raises(Refused):
        decide("item", "close", I.AWAITING_FEEDBACK, Role.OFFICE_STAFF, GuardContext({}))


def test_reassignment_only_inside_the_window():
    inside = GuardContext({"within_reassignment_window": True})
    t = decide("assignment", "request_reassignment", A.SIGNED, Role.DEPT_HANDLER, inside, "co")
    assert t.target == A.REASSIGNMENT_REQUESTED and t.needs_reason
    assert find_transition("assignment", "approve_reassignment", A.REASSIGNMENT_REQUESTED).target == A.REASSIGNED
    assert find_transition("assignment", "reject_reassignment", A.REASSIGNMENT_REQUESTED).target == A.SIGNED


def test_waiving_needs_an_overdue_missing_opinion():
    def refusal(**facts):
        try:
            decide("assignment", "waive_co_opinions", A.DRAFTING, Role.OFFICE_STAFF, GuardContext(facts), "lead")
        except Refused as refused:
            return refused.reason
        return None

    assert "No co-handler opinion is missing" in refusal(co_opinions_pending=0)
    assert "not passed" in refusal(co_opinions_pending=1, co_opinions_overdue=0)
    assert refusal(co_opinions_pending=1, co_opinions_overdue=1) is None
    assert "already" in refusal(co_opinions_pending=1, co_opinions_overdue=1, co_opinions_waived=True)


def test_feedback_closes_or_opens_a_new_round():
    satisfied = GuardContext({"feedback_recorded": True, "feedback_opens_new_round": False})
    dissatisfied = GuardContext({"feedback_recorded": True, "feedback_opens_new_round": True})
    silent_overdue = GuardContext({"feedback_recorded": False, "feedback_overdue": True})
    assert decide("item", "close", I.AWAITING_FEEDBACK, Role.OFFICE_STAFF, satisfied).target == I.CLOSED
    assert decide("item", "close", I.REPLIED, Role.OFFICE_STAFF, silent_overdue).target == I.CLOSED
    with pytest.raises(Refused, match="dissatisfied"):
        decide("item", "close", I.AWAITING_FEEDBACK, Role.OFFICE_STAFF, dissatisfied)
    assert decide(
        "item", "open_new_round", I.AWAITING_FEEDBACK, Role.OFFICE_ADMIN, dissatisfied, by_system=True
    ).target == (I.REHANDLING)
    with pytest.raises(Refused):
        decide("item", "open_new_round", I.AWAITING_FEEDBACK, Role.OFFICE_ADMIN, satisfied, by_system=True)
    with pytest.raises(Refused, match="already"):
        decide("item", "record_feedback", I.AWAITING_FEEDBACK, Role.OFFICE_STAFF, satisfied)
    # round n+1 is replied again through the same derived move
    assert find_transition("item", "mark_replied", I.REHANDLING).target == I.REPLIED


def test_reference_only_items_close_without_reply():
    ok = GuardContext({"reference_only": True})
    assert decide("item", "close_without_reply", I.IN_PROGRESS, Role.OFFICE_STAFF, ok).target == I.CLOSED
    with pytest.raises(Refused):
        decide("item", "close_without_reply", I.IN_PROGRESS, Role.OFFICE_STAFF, GuardContext({"reference_only": False}))


def test_merge_and_withdraw_before_any_reply_only():
    ok = GuardContext({"merge_target_ok": True})
    for state in (I.REGISTERED, I.ASSIGNED, I.IN_PROGRESS):
        assert decide("item", "merge", state, Role.OFFICE_STAFF, ok).target == I.MERGED
        assert decide("item", "withdraw", state, Role.OFFICE_STAFF, ok).target == I.WITHDRAWN
    for state in (I.REPLIED, I.CLOSED, I.REHANDLING):
        with pytest.raises(Refused):
            decide("item", "withdraw", state, Role.OFFICE_STAFF, ok)


def test_derived_moves_are_refused_when_asked_by_hand():
    signed = GuardContext({"any_assignment_signed": True})
    with pytest.raises(Refused, match="by hand"):
        decide("item", "begin_handling", I.ASSIGNED, Role.OFFICE_ADMIN, signed)
    assert decide("item", "begin_handling", I.ASSIGNED, Role.OFFICE_ADMIN, signed, by_system=True).target == (
        I.IN_PROGRESS
    )


def test_refusal_alone_applies_system_and_assignment_role_limits():
    """app.services.transitions calls Transition.refusal directly: the limits must hold there too."""
    begin = find_transition("item", "begin_handling", I.ASSIGNED)
    assert "by hand" in begin.refusal(GuardContext({"any_assignment_signed": True}))
    assert begin.refusal(GuardContext({"any_assignment_signed": True, "by_system": True})) is None
    draft = find_transition("assignment", "draft_reply", A.SIGNED)
    assert "kind of assignment" in draft.refusal(GuardContext({"assignment_role": "co"}))
    assert "kind of assignment" in draft.refusal(GuardContext({}))
    assert draft.refusal(GuardContext({"assignment_role": "split"})) is None
