"""`run_supervision`: reminders recorded once per key, per-department digests, optional mail."""

from dataclasses import replace
from datetime import date

from sqlalchemy import func, select

from app.db.models.deadlines import Reminder
from app.services import deadlines as deadline_service
from app.services.actor import Actor
from app.services.supervision import run_supervision
from app.settings import get_settings
from tests.deadlines.factories import make_assignment
from tests.deadlines.smtp_sink import SmtpSink


def _seed(db_session, profile):
    system = Actor.system()
    lead = make_assignment(db_session, "jtw", key_supervision=True)  # reply due 2026-10-08
    co = make_assignment(db_session, "jw", role="co", item=lead.item, state="drafting")  # opinion due 2026-08-03
    other = make_assignment(db_session, "jw", assigned_on=date(2026, 6, 10))  # reply due 2026-09-10
    for assignment in (lead, co, other):
        deadline_service.record_assignment_deadlines(db_session, system, assignment, profile=profile)
    return lead, co, other


def test_run_records_reminders_once_and_groups_them_by_department(db_session, profile):
    _seed(db_session, profile)
    run = run_supervision(db_session, Actor.system(), profile_name="beijing", today=date(2026, 9, 28))
    summary = {(d.outcome.value, d.department_code): sorted(r.rule for r in d.reminders) for d in run.digests}
    assert summary == {
        ("warn_department", "jtw"): ["reply-due-in-3"],
        ("warn_department", "jw"): ["co-opinion-late", "reply-overdue"],
        ("escalate_office", None): ["co-opinion-late-office", "reply-overdue-15-days"],
        ("flag_leader", None): ["key-item-due-soon"],
    }
    assert run.already_recorded == 0
    again = run_supervision(db_session, Actor.system(), profile_name="beijing", today=date(2026, 9, 28))
    assert again.new == [] and again.already_recorded == run.matched
    assert db_session.scalar(select(func.count()).select_from(Reminder)) == len(run.new)
    # the weekly overdue reminders come back the next week, the once-only ones do not
    next_week = run_supervision(db_session, Actor.system(), profile_name="beijing", today=date(2026, 10, 8))
    assert {r.rule for r in next_week.new} >= {"co-opinion-late", "reply-overdue"}
    assert "reply-due-in-3" not in {r.rule for r in next_week.new}


def test_closed_deadlines_and_ended_assignments_are_not_supervised(db_session, profile):
    lead, co, other = _seed(db_session, profile)
    deadline_service.close_deadlines(db_session, co, met_on=date(2026, 8, 1))
    other.state = "reassigned"
    db_session.flush()
    run = run_supervision(db_session, Actor.system(), profile_name="beijing", today=date(2026, 9, 28))
    assert {d.department_code for d in run.digests if d.department_code} == {"jtw"}


def test_digests_are_mailed_to_a_local_smtp_server(db_session, profile):
    _seed(db_session, profile)
    with SmtpSink() as sink:
        settings = replace(
            get_settings(), smtp_host="127.0.0.1", smtp_port=sink.port, smtp_sender="jianti@test.example"
        )
        run = run_supervision(
            db_session,
            Actor.system(),
            profile_name="beijing",
            today=date(2026, 9, 28),
            send_mail=True,
            settings=settings,
        )
        assert sink.messages == []  # nothing leaves before the run commits (the outbox)
        db_session.commit()
    recipients = sorted(to[0] for to, _message in sink.messages)
    assert recipients == [
        "bangongting-lingdao@bjgov.example",
        "jianyitian@bjgov.example",
        "jtw-duban@bjgov.example",
        "jw-duban@bjgov.example",
    ]
    jtw = next(message for to, message in sink.messages if to == ["jtw-duban@bjgov.example"])
    assert jtw["Subject"] == "【督办提醒】市交通委 2026-09-28 共1项"
    assert "答复期限前3个工作日提醒" in jtw.get_content()
    assert len(run.mailed) == 4 and run.not_mailed == [] and len(run.delivery.sent) == 4
    mailed = db_session.scalar(select(func.count()).select_from(Reminder).where(Reminder.mailed_at.is_not(None)))
    assert mailed == len(run.new)


def test_mail_is_off_by_default(db_session, profile):
    _seed(db_session, profile)
    run = run_supervision(db_session, Actor.system(), profile_name="beijing", today=date(2026, 9, 28), send_mail=True)
    assert run.mailed == [] and len(run.not_mailed) == len(run.digests)


def test_a_run_first_catches_up_with_calendar_files_dropped_into_rules(db_session, profile, monkeypatch, tmp_path):
    from app.db.models.deadlines import DeadlineRecord
    from app.rules import calendars

    assignment = make_assignment(db_session, "jtw", assigned_on=date(2026, 10, 1))  # reply 2027-01-01 (fallback)
    deadline_service.record_assignment_deadlines(db_session, Actor.system(), assignment, profile=profile)
    folder = tmp_path / "beijing" / "calendar"
    folder.mkdir(parents=True)
    (folder / "2027.toml").write_text('year = 2027\n[[holiday]]\nname = "元旦"\nfrom = 2027-01-01\n', encoding="utf-8")
    monkeypatch.setattr(calendars, "RULES_DIR", tmp_path)
    run = run_supervision(db_session, Actor.system(), profile_name="beijing", today=date(2026, 12, 1))
    assert [(m.rule, m.new_due) for m in run.recompute.moved] == [("reply", date(2027, 1, 4))]
    reply = db_session.scalar(select(DeadlineRecord).where(DeadlineRecord.rule == "reply"))
    assert reply.due_on == date(2027, 1, 4)


def test_a_failed_send_leaves_only_that_mail_pending_and_nothing_goes_twice(db_session, profile):
    from app.db.models.outbox import OutboxMail
    from app.services import outbox

    _seed(db_session, profile)
    with SmtpSink() as sink:
        sink.refuse = {2}
        settings = replace(get_settings(), smtp_host="127.0.0.1", smtp_port=sink.port)
        run = run_supervision(
            db_session,
            Actor.system(),
            profile_name="beijing",
            today=date(2026, 9, 28),
            send_mail=True,
            settings=settings,
        )
        db_session.commit()
        assert len(sink.messages) == 3 and len(run.delivery.failed) == 1
        failed_id = next(iter(run.delivery.failed))
        pending = db_session.scalars(select(OutboxMail).where(OutboxMail.sent_at.is_(None))).all()
        assert [m.id for m in pending] == [failed_id] and "554" in (pending[0].last_error or "")

        again = run_supervision(  # the next run: no new reminders, the refused mail retried once
            db_session,
            Actor.system(),
            profile_name="beijing",
            today=date(2026, 9, 28),
            send_mail=True,
            settings=settings,
        )
        assert again.new == []
        assert outbox.deliver_pending(db_session.get_bind(), settings).sent == [failed_id]
        assert outbox.deliver_pending(db_session.get_bind(), settings).sent == []  # never twice
    subjects = [message["Subject"] for _to, message in sink.messages]
    assert len(subjects) == 4 == len(set(subjects))
    db_session.expire_all()
    unmarked = db_session.scalar(select(func.count()).select_from(Reminder).where(Reminder.mailed_at.is_(None)))
    assert unmarked == 0


def test_a_rolled_back_run_sends_nothing(db_session, profile):
    _seed(db_session, profile)
    with SmtpSink() as sink:
        settings = replace(get_settings(), smtp_host="127.0.0.1", smtp_port=sink.port)
        run_supervision(
            db_session,
            Actor.system(),
            profile_name="beijing",
            today=date(2026, 9, 28),
            send_mail=True,
            settings=settings,
        )
        db_session.rollback()
        assert sink.messages == []
