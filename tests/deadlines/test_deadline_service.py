"""Deadlines stored per assignment: set at 交办, recomputed, extended, edited, closed."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app.db.models import AuditEntry
from app.db.models.deadlines import DeadlineRecord
from app.domain.deadlines import Deadline
from app.rules.calendars import parse_year_text
from app.services import deadlines as service
from app.services.actor import Actor
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests.deadlines.factories import make_assignment

SCHEDULE_2027 = """
year = 2027
[[holiday]]
name = "元旦"
from = 2027-01-01
to = 2027-01-03
"""


def test_compute_assignment_deadlines_is_pure(profile):
    calendar = service.build_calendar(profile.name)
    result = service.compute_assignment_deadlines(profile, calendar, date(2026, 7, 1), "lead")
    assert {name: d.due for name, d in result.items()} == {
        "reply": date(2026, 10, 8),
        "reply_max": date(2027, 1, 1),
        "reassignment_window": date(2026, 7, 8),
    }


def test_record_assignment_deadlines_stores_explained_deadlines(db_session, profile):
    assignment = make_assignment(db_session)
    records = service.record_assignment_deadlines(db_session, Actor.system(), assignment, profile=profile)
    assert set(records) == {"reply", "reply_max", "reassignment_window"}
    assert assignment.due_on == date(2026, 10, 8)
    reply = records["reply"]
    assert Deadline.from_dict(reply.explanation).due == date(2026, 10, 8)
    assert reply.calendar_years == "2026" and not reply.has_warning
    assert records["reply_max"].has_warning  # 2027 is not loaded yet
    co = make_assignment(db_session, "jw", role="co")
    service.record_assignment_deadlines(db_session, Actor.system(), co, profile=profile)
    assert co.due_on == date(2026, 8, 3)


def test_loading_a_year_recomputes_open_deadlines_and_audits_the_moves(db_session, profile, make_user):
    admin = make_user("office_admin").actor
    open_one = make_assignment(db_session, assigned_on=date(2026, 12, 1))  # reply 2027-03-01
    closed_one = make_assignment(db_session, "jw", assigned_on=date(2026, 12, 1))
    service.record_assignment_deadlines(db_session, admin, open_one, profile=profile)
    service.record_assignment_deadlines(db_session, admin, closed_one, profile=profile)
    service.close_deadlines(db_session, closed_one, met_on=date(2026, 12, 20))
    window_before = db_session.scalar(
        select(DeadlineRecord).where(
            DeadlineRecord.assignment_id == open_one.id, DeadlineRecord.rule == "reassignment_window"
        )
    )
    assert window_before.due_on == date(2026, 12, 8)

    report = service.load_calendar_year(
        db_session, admin, profile.name, parse_year_text(SCHEDULE_2027, "calendar page"), note="test"
    )
    # reply: 2027-03-01 consulted 2027 -> recomputed (not moved); reply_max: 2027-06-01 -> recomputed
    assert report.examined == 3
    assert report.recomputed == 2
    assert report.warnings_cleared == 2
    assert report.moved == []
    closed = service.deadlines_of(db_session, [closed_one.id])
    # closed ones never change: their 2027 dates keep the fallback warning they were computed with
    assert {r.rule: r.has_warning for r in closed} == {"reply": True, "reply_max": True, "reassignment_window": False}

    # a deadline that moves: 20 working days from 2026-12-20 into the New Year holiday
    feedback = service.open_deadline(db_session, admin, open_one, "feedback", date(2026, 12, 20), profile=profile)
    assert feedback.due_on == date(2027, 1, 18)
    assert feedback.explanation["years"][1]["source"] == "office"
    report = service.remove_calendar_year(db_session, admin, profile.name, 2027)
    assert [(m.rule, m.old_due, m.new_due) for m in report.moved] == [
        ("feedback", date(2027, 1, 18), date(2027, 1, 15))
    ]
    db_session.refresh(feedback)
    assert feedback.due_on == date(2027, 1, 15) and feedback.has_warning
    audited = db_session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "deadline_recomputed")
    )
    assert audited == 1


def test_recompute_moves_the_assignment_due_date_and_its_version(db_session, profile, make_user):
    admin = make_user("office_admin").actor
    assignment = make_assignment(db_session, assigned_on=date(2026, 10, 1))  # reply 2027-01-01 in fallback
    service.record_assignment_deadlines(db_session, admin, assignment, profile=profile)
    assert assignment.due_on == date(2027, 1, 1)
    version = assignment.version
    report = service.load_calendar_year(db_session, admin, profile.name, parse_year_text(SCHEDULE_2027, "page"))
    assert {(m.rule, m.new_due) for m in report.moved} == {("reply", date(2027, 1, 4))}
    db_session.refresh(assignment)
    assert assignment.due_on == date(2027, 1, 4)
    assert assignment.version == version + 1


def test_a_changed_rule_recomputes_open_deadlines(db_session, profile, make_user):
    from dataclasses import replace

    from app.domain.profile import Period

    admin = make_user("office_admin").actor
    assignment = make_assignment(db_session)
    service.record_assignment_deadlines(db_session, admin, assignment, profile=profile)
    shorter = replace(profile, deadlines=replace(profile.deadlines, reply=Period(2, "months")))
    report = service.recompute_open_deadlines(db_session, admin, profile=shorter, reason="rule changed")
    assert [(m.rule, m.new_due) for m in report.moved] == [("reply", date(2026, 9, 1))]


def test_extension_requested_by_the_department_and_approved_by_the_office(db_session, profile, make_user):
    handler = make_user("dept_handler", "jtw").actor
    admin = make_user("office_admin").actor
    other = make_user("dept_handler", "jw").actor  # users first: the test session then holds the write lock
    assignment = make_assignment(db_session)
    reply = service.record_assignment_deadlines(db_session, admin, assignment, profile=profile)["reply"]

    with pytest.raises(ValidationFailed) as problem:
        service.request_extension(db_session, handler, reply.id, date(2027, 1, 4), "需要协调多个部门")
    assert "2027-01-01" in problem.value.problems[0].reason  # never past the longest limit
    with pytest.raises(ValidationFailed, match="新期限不符合规定"):
        service.request_extension(db_session, handler, reply.id, date(2026, 11, 7), "周六")  # not a working day
    with pytest.raises(ValidationFailed):
        service.request_extension(db_session, handler, reply.id, date(2026, 11, 9), "  ")  # reason required
    with pytest.raises(NotFound):
        service.request_extension(db_session, other, reply.id, date(2026, 11, 9), "不是我们的件")

    extension = service.request_extension(db_session, handler, reply.id, date(2026, 11, 9), "需要现场勘查")
    with pytest.raises(Conflict):
        service.request_extension(db_session, handler, reply.id, date(2026, 11, 10), "再次申请")
    with pytest.raises(NotFound):
        service.decide_extension(db_session, handler, extension.id, approve=True)

    service.decide_extension(db_session, admin, extension.id, approve=True, reason="同意")
    assert reply.due_on == date(2026, 11, 9) and reply.override_kind == "extension"
    assert reply.computed_due == date(2026, 10, 8)
    assert assignment.due_on == date(2026, 11, 9)
    actions = [a.action for a in db_session.scalars(select(AuditEntry).where(AuditEntry.entity == "assignment"))]
    assert "request_extension" in actions and "approve_extension" in actions

    # an approved extension survives a recompute; only the computed date follows the calendar
    report = service.recompute_open_deadlines(
        db_session, admin, profile=profile, calendar=service.build_calendar(profile.name), reason="check"
    )
    assert report.moved == []


def test_rejected_extension_needs_a_reason_and_changes_nothing(db_session, profile, make_user):
    handler = make_user("dept_handler", "jtw").actor
    admin = make_user("office_admin").actor
    assignment = make_assignment(db_session)
    reply = service.record_assignment_deadlines(db_session, admin, assignment, profile=profile)["reply"]
    extension = service.request_extension(db_session, handler, reply.id, date(2026, 11, 9), "需要现场勘查")
    with pytest.raises(ValidationFailed):
        service.decide_extension(db_session, admin, extension.id, approve=False, reason="")
    service.decide_extension(db_session, admin, extension.id, approve=False, reason="理由不充分")
    assert extension.status == "rejected" and reply.due_on == date(2026, 10, 8)


def test_manual_edit_by_the_office_with_a_reason(db_session, profile, make_user):
    admin = make_user("office_admin").actor
    handler = make_user("dept_handler", "jtw").actor
    assignment = make_assignment(db_session)
    reply = service.record_assignment_deadlines(db_session, admin, assignment, profile=profile)["reply"]
    with pytest.raises(Forbidden):
        service.edit_deadline(db_session, handler, reply.id, date(2026, 10, 9), "提前")
    with pytest.raises(ValidationFailed):
        service.edit_deadline(db_session, admin, reply.id, date(2026, 10, 9), "")
    service.edit_deadline(db_session, admin, reply.id, date(2026, 10, 9), "领导批示提前办结")
    assert reply.due_on == date(2026, 10, 9) and reply.override_kind == "manual"
    service.close_deadlines(db_session, assignment, ["reply"], met_on=date(2026, 10, 9))
    with pytest.raises(Conflict, match="已结束"):
        service.edit_deadline(db_session, admin, reply.id, date(2026, 10, 12), "again")
