"""The whole life of an item through the services: co-handling, sign-off, review, re-handling, closure."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db.models import Assignment, AuditEntry
from app.db.models.workflow import Feedback, Reply, ResultClassChange
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.services.workflow import actions
from tests.workflow.factory import TODAY, assigned_item, good_draft, yesterday


@pytest.fixture
def people(make_user):
    return {
        "office": make_user("office_staff").actor,
        "jtw": make_user("dept_handler", "jtw").actor,
        "jtw_head": make_user("dept_leader", "jtw").actor,
        "cg": make_user("dept_handler", "cgw").actor,
        "cg_head": make_user("dept_leader", "cgw").actor,
        "leader": make_user("leader_readonly").actor,
    }


def refused(session, call, error, match=None):
    """The call fails with `error` and changes nothing: earlier steps stay committed."""
    session.commit()
    with pytest.raises(error, match=match) as caught:
        call()
    session.rollback()
    return caught


def assignments_of(session, item):
    return {
        (a.department.code, a.round): a
        for a in session.scalars(select(Assignment).where(Assignment.item_id == item.id))
    }


def test_full_life_with_co_handler_and_second_round(db_session, people):
    s, p = db_session, people
    item = assigned_item(s, p["office"], [("jtw", "lead"), ("cgw", "co")])
    found = assignments_of(s, item)
    lead, co = found[("jtw", 1)], found[("cgw", 1)]
    assert item.state == "assigned" and lead.state == co.state == "pending_signature"
    assert lead.due_on is not None and co.due_on < lead.due_on

    actions.sign_for(s, p["jtw"], lead.id, expected_version=lead.version, today=TODAY)
    assert item.state == "in_progress" and lead.state == "signed"
    actions.record_communication(
        s,
        p["jtw"],
        lead.id,
        method="meeting",
        happened_at=yesterday(),
        participants="张建华代表、王明",
        notes="现场察看",
    )
    actions.save_reply(s, p["jtw"], lead.id, good_draft(), today=TODAY)
    assert lead.state == "drafting"

    refused(s, lambda: actions.sign_off(s, p["jtw_head"], lead.id, today=TODAY), Conflict, match="co-handler")

    actions.sign_for(s, p["cg"], co.id, today=TODAY)
    actions.save_opinion(s, p["cg"], co.id, body="同意主办单位意见，我委配合做好无障碍改造。", today=TODAY)
    actions.send_opinion(s, p["cg_head"], co.id, today=TODAY)
    assert co.state == "opinion_sent"

    # a handler is not the unit head
    refused(s, lambda: actions.sign_off(s, p["jtw"], lead.id, today=TODAY), Forbidden)
    actions.sign_off(s, p["jtw_head"], lead.id, today=TODAY)
    actions.submit_for_review(s, p["jtw"], lead.id, today=TODAY)
    actions.return_reply(s, p["office"], lead.id, reason="答复未逐条回应", today=TODAY)
    assert lead.state == "returned"
    actions.save_reply(s, p["jtw"], lead.id, good_draft("B"), today=TODAY)
    actions.sign_off(s, p["jtw_head"], lead.id, today=TODAY)
    actions.submit_for_review(s, p["jtw_head"], lead.id, today=TODAY)
    reply = actions.accept_reply(s, p["office"], lead.id, result_class="A", reason="已于年内完成", today=TODAY)
    assert lead.state == "sent" and item.state == "replied"
    assert reply.result_class == "A"
    change = s.scalar(select(ResultClassChange).where(ResultClassChange.reply_id == reply.id))
    assert (change.from_class, change.to_class, change.stage) == ("B", "A", "review")

    actions.request_feedback(s, p["office"], item.id, today=TODAY)
    actions.record_feedback(s, p["office"], item.id, level="dissatisfied", given_by="submitter", today=TODAY)
    assert item.state == "rehandling" and item.round == 2
    s.flush()
    found = assignments_of(s, item)
    assert lead.state == "closed" and co.state == "closed"
    lead2 = found[("jtw", 2)]
    assert lead2.state == "pending_signature" and ("cgw", 2) not in found

    for step in (
        lambda: actions.sign_for(s, p["jtw"], lead2.id, today=TODAY),
        lambda: actions.record_communication(
            s, p["jtw"], lead2.id, method="visit", happened_at=yesterday(), participants="张建华代表"
        ),
        lambda: actions.save_reply(s, p["jtw"], lead2.id, good_draft("A"), today=TODAY),
        lambda: actions.sign_off(s, p["jtw_head"], lead2.id, today=TODAY),
        lambda: actions.submit_for_review(s, p["jtw"], lead2.id, today=TODAY),
        lambda: actions.accept_reply(s, p["office"], lead2.id, today=TODAY),
    ):
        step()
    assert item.state == "replied"
    actions.record_feedback(s, p["office"], item.id, level="satisfied", given_by="staff_on_behalf", today=TODAY)
    assert item.state == "closed" and lead2.state == "closed"

    # round 1 stays intact next to round 2
    replies = s.scalars(select(Reply).where(Reply.item_id == item.id).order_by(Reply.round)).all()
    assert [r.round for r in replies] == [1, 2]
    feedback = s.scalars(select(Feedback).where(Feedback.item_id == item.id).order_by(Feedback.round)).all()
    assert [(f.round, f.level) for f in feedback] == [(1, "dissatisfied"), (2, "satisfied")]
    s.commit()


def test_reply_needs_a_communication_record(db_session, people):
    s, p = db_session, people
    item = assigned_item(s, p["office"], [("jtw", "lead")])
    lead = assignments_of(s, item)[("jtw", 1)]
    actions.sign_for(s, p["jtw"], lead.id, today=TODAY)
    actions.save_reply(s, p["jtw"], lead.id, good_draft(), today=TODAY)
    refused(s, lambda: actions.sign_off(s, p["jtw_head"], lead.id, today=TODAY), Conflict, match="communication")


def test_reply_draft_is_validated(db_session, people):
    s, p = db_session, people
    item = assigned_item(s, p["office"], [("jtw", "lead")])
    lead = assignments_of(s, item)[("jtw", 1)]
    actions.sign_for(s, p["jtw"], lead.id, today=TODAY)
    bad = actions.ReplyDraft(body="", result_class="Z", contact_person="", contact_phone="x", disclosure="none")
    with pytest.raises(ValidationFailed) as failed:
        actions.save_reply(s, p["jtw"], lead.id, bad, today=TODAY)
    places = {problem.place for problem in failed.value.problems}
    assert places == {
        "field body",
        "field result_class",
        "field contact_person",
        "field contact_phone",
        "field disclosure_reason",
    }


def test_only_the_assigned_department_acts(db_session, people):
    s, p = db_session, people
    item = assigned_item(s, p["office"], [("jtw", "lead")])
    lead = assignments_of(s, item)[("jtw", 1)]
    refused(s, lambda: actions.sign_for(s, p["cg"], lead.id, today=TODAY), NotFound)
    refused(s, lambda: actions.sign_for(s, p["leader"], lead.id, today=TODAY), Forbidden)
    refused(s, lambda: actions.sign_for(s, p["office"], lead.id, today=TODAY), Forbidden)


def test_reassignment_inside_the_window_then_approved(db_session, people):
    s, p = db_session, people
    item = assigned_item(s, p["office"], [("jtw", "lead")])
    lead = assignments_of(s, item)[("jtw", 1)]
    actions.sign_for(s, p["jtw"], lead.id, today=TODAY)
    actions.request_reassignment(
        s, p["jtw"], lead.id, reason="该事项属城市管理职责", suggested_department_code="cgw", today=TODAY
    )
    assert lead.state == "reassignment_requested"
    replacement = actions.approve_reassignment(s, p["office"], lead.id, new_department_code="cgw", today=TODAY)
    assert lead.state == "reassigned" and replacement.state == "pending_signature"
    assert replacement.role == "lead" and replacement.department.code == "cgw"
    # the old department can no longer act, the new one can
    refused(s, lambda: actions.sign_for(s, p["jtw"], lead.id, today=TODAY), Conflict)
    actions.sign_for(s, p["cg"], replacement.id, today=TODAY)


def test_reassignment_outside_the_window_and_rejection(db_session, people):
    from datetime import timedelta

    s, p = db_session, people
    item = assigned_item(s, p["office"], [("jtw", "lead")])
    lead = assignments_of(s, item)[("jtw", 1)]
    actions.sign_for(s, p["jtw"], lead.id, today=TODAY)
    late = TODAY + timedelta(days=30)
    refused(
        s,
        lambda: actions.request_reassignment(s, p["jtw"], lead.id, reason="不属本单位职责", today=late),
        Conflict,
        match="window",
    )
    actions.request_reassignment(s, p["jtw"], lead.id, reason="不属本单位职责", today=TODAY)
    refused(s, lambda: actions.reject_reassignment(s, p["office"], lead.id, reason=" ", today=TODAY), ValidationFailed)
    actions.reject_reassignment(s, p["office"], lead.id, reason="属本单位职责范围", today=TODAY)
    assert lead.state == "signed"


def test_office_waives_overdue_co_opinions(db_session, people):
    from datetime import timedelta

    s, p = db_session, people
    item = assigned_item(s, p["office"], [("jtw", "lead"), ("cgw", "co")])
    found = assignments_of(s, item)
    lead, co = found[("jtw", 1)], found[("cgw", 1)]
    actions.sign_for(s, p["jtw"], lead.id, today=TODAY)
    actions.record_communication(s, p["jtw"], lead.id, method="phone", happened_at=yesterday(), participants="张建华")
    actions.save_reply(s, p["jtw"], lead.id, good_draft(), today=TODAY)
    refused(
        s,
        lambda: actions.waive_co_opinions(s, p["office"], lead.id, reason="协办单位逾期", today=TODAY),
        Conflict,
        match="not passed",
    )
    late = co.due_on + timedelta(days=1)
    actions.waive_co_opinions(s, p["office"], lead.id, reason="协办单位逾期未反馈", today=late)
    actions.sign_off(s, p["jtw_head"], lead.id, today=late)
    assert lead.state == "signed_off"


def test_split_departments_each_reply_before_the_item_is_replied(db_session, people):
    s, p = db_session, people
    item = assigned_item(s, p["office"], [("jtw", "split"), ("cgw", "split")])
    found = assignments_of(s, item)
    for code, handler, head in (("jtw", "jtw", "jtw_head"), ("cgw", "cg", "cg_head")):
        a = found[(code, 1)]
        actions.sign_for(s, p[handler], a.id, today=TODAY)
        actions.record_communication(
            s, p[handler], a.id, method="letter", happened_at=yesterday(), participants="张建华"
        )
        actions.save_reply(s, p[handler], a.id, good_draft(), today=TODAY)
        actions.sign_off(s, p[head], a.id, today=TODAY)
        actions.submit_for_review(s, p[handler], a.id, today=TODAY)
        actions.accept_reply(s, p["office"], a.id, today=TODAY)
        if code == "jtw":
            assert item.state == "in_progress"
    assert item.state == "replied"


def test_reference_only_item_closes_when_noted(db_session, people):
    s, p = db_session, people
    item = assigned_item(s, p["office"], [("jtw", "reference")])
    ref = assignments_of(s, item)[("jtw", 1)]
    actions.sign_for(s, p["jtw"], ref.id, today=TODAY)
    actions.acknowledge(s, p["jtw"], ref.id, today=TODAY)
    assert ref.state == "closed" and item.state == "closed"


def test_merge_and_withdraw_cancel_the_assignments(db_session, people):
    s, p = db_session, people
    main = assigned_item(s, p["office"], [("jtw", "lead")])
    other = assigned_item(s, p["office"], [("jtw", "lead"), ("cgw", "co")])
    actions.merge(s, p["office"], other.id, into_item_id=main.id, reason="内容相近，并案办理", today=TODAY)
    assert other.state == "merged" and other.merged_into_id == main.id
    assert all(a.state == "cancelled" for a in assignments_of(s, other).values())
    refused(s, lambda: actions.merge(s, p["office"], main.id, into_item_id=main.id, reason="x", today=TODAY), Conflict)
    third = assigned_item(s, p["office"], [("jtw", "lead")])
    actions.withdraw(s, p["office"], third.id, reason="代表撤回", today=TODAY)
    assert third.state == "withdrawn"


def test_result_class_can_change_later_with_history(db_session, people):
    s, p = db_session, people
    item = assigned_item(s, p["office"], [("jtw", "lead")])
    lead = assignments_of(s, item)[("jtw", 1)]
    actions.sign_for(s, p["jtw"], lead.id, today=TODAY)
    actions.record_communication(s, p["jtw"], lead.id, method="phone", happened_at=yesterday(), participants="张建华")
    actions.save_reply(s, p["jtw"], lead.id, good_draft("B"), today=TODAY)
    actions.sign_off(s, p["jtw_head"], lead.id, today=TODAY)
    actions.submit_for_review(s, p["jtw"], lead.id, today=TODAY)
    reply = actions.accept_reply(s, p["office"], lead.id, today=TODAY)
    actions.record_feedback(s, p["office"], item.id, level="basically_satisfied", given_by="submitter", today=TODAY)
    assert item.state == "closed"
    actions.change_result_class(s, p["office"], reply.id, result_class="A", reason="回头看：已建成", today=TODAY)
    assert reply.result_class == "A"
    assert [(c.from_class, c.to_class, c.stage) for c in reply.class_changes] == [("B", "A", "follow_up")]


def test_every_state_change_has_an_audit_row(db_session, people):
    s, p = db_session, people
    item = assigned_item(s, p["office"], [("jtw", "lead")])
    lead = assignments_of(s, item)[("jtw", 1)]
    actions.sign_for(s, p["jtw"], lead.id, today=TODAY)
    rows = s.scalars(select(AuditEntry).where(AuditEntry.entity.in_(["item", "assignment"])).order_by(AuditEntry.id))
    trail = [(r.entity, r.action, (r.before or {}).get("state"), (r.after or {}).get("state")) for r in rows]
    deadline_rows = [t for t in trail if t[1] == "deadline_set"]
    assert len(deadline_rows) == 3  # reply, longest reply, reassignment window
    trail = [t for t in trail if t[3] is not None]
    assert trail == [
        ("item", "create", None, "registered"),
        ("item", "assign", "registered", "assigned"),
        ("assignment", "create", None, "pending_signature"),
        ("assignment", "sign_for", "pending_signature", "signed"),
        ("item", "begin_handling", "assigned", "in_progress"),
    ]


def test_deadlines_follow_the_handling(db_session, people):
    from app.db.models.deadlines import DeadlineRecord

    s, p = db_session, people

    def deadlines_of(assignment):
        s.flush()
        rows = s.scalars(select(DeadlineRecord).where(DeadlineRecord.assignment_id == assignment.id))
        return {(r.rule, r.status) for r in rows}

    item = assigned_item(s, p["office"], [("jtw", "lead"), ("cgw", "co")])
    found = assignments_of(s, item)
    lead, co = found[("jtw", 1)], found[("cgw", 1)]
    assert deadlines_of(lead) == {("reply", "open"), ("reply_max", "open"), ("reassignment_window", "open")}
    assert lead.due_on == s.scalar(
        select(DeadlineRecord.due_on).where(DeadlineRecord.assignment_id == lead.id, DeadlineRecord.rule == "reply")
    )
    actions.sign_for(s, p["cg"], co.id, today=TODAY)
    actions.save_opinion(s, p["cg"], co.id, body="同意", today=TODAY)
    actions.send_opinion(s, p["cg"], co.id, today=TODAY)
    assert ("co_opinion", "closed") in deadlines_of(co)
    actions.sign_for(s, p["jtw"], lead.id, today=TODAY)
    actions.record_communication(s, p["jtw"], lead.id, method="phone", happened_at=yesterday(), participants="张建华")
    actions.save_reply(s, p["jtw"], lead.id, good_draft(), today=TODAY)
    actions.sign_off(s, p["jtw_head"], lead.id, today=TODAY)
    actions.submit_for_review(s, p["jtw"], lead.id, today=TODAY)
    actions.accept_reply(s, p["office"], lead.id, today=TODAY)
    assert {("reply", "closed"), ("feedback", "open")} <= deadlines_of(lead)
    actions.record_feedback(s, p["office"], item.id, level="dissatisfied", given_by="submitter", today=TODAY)
    # the round is over for the department; only the office's publication duty (公开, issue 14) stays open
    assert all(status == "closed" for rule, status in deadlines_of(lead) if rule != "publication")
    assert ("publication", "open") in deadlines_of(lead)
    lead2 = assignments_of(s, item)[("jtw", 2)]
    assert deadlines_of(lead2) == {("rehandling_reply", "open")}
    assert lead2.due_on is not None and lead2.due_on > TODAY


def test_a_returned_draft_must_be_revised_before_sign_off(db_session, people):
    s, p = db_session, people
    item = assigned_item(s, p["office"], [("jtw", "lead")])
    lead = assignments_of(s, item)[("jtw", 1)]
    actions.sign_for(s, p["jtw"], lead.id, today=TODAY)
    actions.record_communication(s, p["jtw"], lead.id, method="phone", happened_at=yesterday(), participants="张建华")
    actions.save_reply(s, p["jtw"], lead.id, good_draft(), today=TODAY)
    actions.return_draft(s, p["jtw_head"], lead.id, reason="请补充资金安排", today=TODAY)
    refused(s, lambda: actions.sign_off(s, p["jtw_head"], lead.id, today=TODAY), Conflict, match="revised draft")
    actions.save_reply(s, p["jtw"], lead.id, good_draft(), today=TODAY)
    actions.sign_off(s, p["jtw_head"], lead.id, today=TODAY)
    assert lead.state == "signed_off"
