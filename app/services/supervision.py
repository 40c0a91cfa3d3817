"""督办: evaluate the supervision rules for a day, record reminders once, build digests, mail them.

`run_supervision` is idempotent: a reminder's key (rule, assignment, deadline, due date and, for
repeating rules, the day or week) is stored with a unique constraint, so running twice records
and mails nothing twice. Mail is off unless JIANTI_SMTP_HOST is set and the caller asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.db.models import Assignment, Department, Item
from app.db.models.deadlines import DeadlineRecord
from app.db.models.deadlines import Reminder as ReminderRecord
from app.domain.dates import check_day
from app.domain.enums import AssignmentState
from app.domain.supervision import (
    Digest,
    OpenDeadline,
    Outcome,
    Reminder,
    SupervisionRules,
    digest_text,
    digests,
    evaluate,
)
from app.engines.supervision import SupervisionEngine
from app.rules.profiles import load_profile
from app.rules.supervision import load_supervision_rules
from app.services import audit, outbox
from app.services.actor import Actor
from app.services.deadlines import RecomputeReport, current_calendar, recompute_open_deadlines
from app.settings import Settings, get_settings

ENDED_STATES = (AssignmentState.REASSIGNED, AssignmentState.CANCELLED, AssignmentState.CLOSED)


@dataclass
class SupervisionRun:
    day: date
    rules_version: str
    evaluated: int = 0
    matched: int = 0
    new: list[Reminder] = field(default_factory=list)
    digests: list[Digest] = field(default_factory=list)
    department_names: dict[str, str] = field(default_factory=dict)
    recompute: RecomputeReport | None = None  # deadlines moved by calendar files or rules changed since the last run
    mailed: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # (digest title, addresses)
    not_mailed: list[str] = field(default_factory=list)  # digest titles without an address
    delivery: outbox.Delivery = field(default_factory=lambda: outbox.Delivery())  # filled after commit

    @property
    def already_recorded(self) -> int:
        return self.matched - len(self.new)

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "rules_version": self.rules_version,
            "evaluated": self.evaluated,
            "matched": self.matched,
            "new": len(self.new),
            "already_recorded": self.already_recorded,
            "digests": [
                {
                    "outcome": d.outcome.value,
                    "department": d.department_code,
                    "department_name": self.department_names.get(d.department_code or "", ""),
                    "reminders": [
                        {
                            "key": r.key,
                            "rule": r.rule,
                            "label": r.rule_label,
                            "item_id": r.target.item_id,
                            "item_number": r.target.item_number,
                            "item_title": r.target.item_title,
                            "assignment_id": r.target.assignment_id,
                            "deadline": r.target.deadline,
                            "due": r.target.due.isoformat(),
                            "working_days_to_due": r.fact["working_days_to_due"],
                            "days_overdue": r.fact["days_overdue"],
                            "calendar_warning": r.target.has_warning,
                        }
                        for r in d.reminders
                    ],
                }
                for d in self.digests
            ],
            "recompute": self.recompute.as_dict() if self.recompute else None,
            "mailed": [{"digest": title, "to": list(to)} for title, to in self.mailed],
            "not_mailed": self.not_mailed,
        }


def open_deadlines() -> Any:
    """(deadline, assignment, item, department) of every open deadline of a live assignment (the run and the board)."""
    return (
        select(DeadlineRecord, Assignment, Item, Department)
        .join(Assignment, Assignment.id == DeadlineRecord.assignment_id)
        .join(Item, Item.id == Assignment.item_id)
        .join(Department, Department.id == Assignment.department_id)
        .where(
            DeadlineRecord.status == "open",
            # the office's publication duty outlives the department's part (issue 14)
            or_(Assignment.state.not_in([s.value for s in ENDED_STATES]), DeadlineRecord.rule == "publication"),
        )
    )


def open_deadline_targets(
    session: Session,
) -> tuple[list[OpenDeadline], dict[tuple[int, str], tuple[int, int]]]:
    """Every open deadline of a live assignment; also {assignment_id: (deadline id, department id)} by target."""
    rows = session.execute(open_deadlines().order_by(DeadlineRecord.due_on, DeadlineRecord.id)).all()
    targets: list[OpenDeadline] = []
    refs: dict[tuple[int, str], tuple[int, int]] = {}
    for record, assignment, item, department in rows:
        targets.append(
            OpenDeadline(
                assignment_id=assignment.id,
                item_id=item.id,
                item_number=item.number,
                item_title=item.title,
                item_kind=item.kind,
                department_code=department.code,
                deadline=record.rule,
                due=record.due_on,
                state=assignment.state,
                role=assignment.role,
                key_supervision=item.key_supervision,
                round=assignment.round,
                has_warning=record.has_warning,
            )
        )
        refs[(assignment.id, record.rule)] = (record.id, department.id)
    return targets, refs


def run_supervision(
    session: Session,
    actor: Actor,
    *,
    profile_name: str,
    today: date,
    rules: SupervisionRules | None = None,
    send_mail: bool = False,
    settings: Settings | None = None,
) -> SupervisionRun:
    check_day(today, "day")  # a run for a day outside the bounds (app/domain/dates.py) means nothing
    rules = rules or load_supervision_rules(profile_name)
    calendar = current_calendar(session, profile_name)
    # calendar files under rules/ and the profile's deadline settings change outside the app:
    # catch up first (cheap when nothing changed), so reminders use the dates in force
    recomputed = recompute_open_deadlines(
        session,
        actor,
        profile=load_profile(profile_name),
        calendar=calendar,
        reason="supervision run: calendar files or deadline rules changed",
    )
    targets, refs = open_deadline_targets(session)
    with SupervisionEngine(rules) as engine:
        reminders = evaluate(rules, targets, today, calendar, matcher=engine.matcher)
    run = SupervisionRun(
        day=today, rules_version=rules.version, evaluated=len(targets), matched=len(reminders), recompute=recomputed
    )

    keys = [r.key for r in reminders]
    known: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        known.update(session.scalars(select(ReminderRecord.key).where(ReminderRecord.key.in_(chunk))))
    seen_now: set[str] = set()
    for reminder in reminders:
        if reminder.key in known or reminder.key in seen_now:
            continue
        seen_now.add(reminder.key)
        deadline_id, department_id = refs[(reminder.target.assignment_id, reminder.target.deadline)]
        session.add(
            ReminderRecord(
                key=reminder.key,
                rule=reminder.rule,
                rules_version=rules.version,
                outcome=reminder.outcome.value,
                assignment_id=reminder.target.assignment_id,
                deadline_id=deadline_id,
                department_id=department_id if reminder.outcome is Outcome.WARN_DEPARTMENT else None,
                deadline_rule=reminder.target.deadline,
                due_on=reminder.target.due,
                run_on=today,
                message=reminder.rule_label,
            )
        )
        run.new.append(reminder)
    session.flush()
    run.digests = digests(run.new)
    run.department_names = dict(session.execute(select(Department.code, Department.short_name)).all())
    audit.record(
        session,
        actor,
        entity="supervision",
        entity_id=None,
        action="supervision_run",
        after={"day": today, "rules_version": rules.version, "evaluated": run.evaluated, "new": len(run.new)},
    )
    if send_mail:
        mail_digests(session, run, rules, settings or get_settings())
    return run


def digest_title(digest: Digest, department_names: dict[str, str], day: date) -> str:
    who = department_names.get(digest.department_code or "", "") if digest.department_code else ""
    kind = {Outcome.WARN_DEPARTMENT: "督办提醒", Outcome.ESCALATE_OFFICE: "督办事项", Outcome.FLAG_LEADER: "重点关注"}[
        digest.outcome
    ]
    parts = [f"【{kind}】", f"{who} " if who else "", f"{day.isoformat()} 共{len(digest.reminders)}项"]
    return "".join(parts)


def mail_digests(session: Session, run: SupervisionRun, rules: SupervisionRules, settings: Settings) -> None:
    """Queue each new digest for its addresses (rule file [mail]) in the outbox; it is sent once this
    transaction commits (app/services/outbox.py). Nothing when SMTP is not configured."""
    if not settings.smtp_host:
        run.not_mailed = [digest_title(d, run.department_names, run.day) for d in run.digests]
        return
    queued = False
    for digest in run.digests:
        title = digest_title(digest, run.department_names, run.day)
        to = rules.mail.for_digest(digest.outcome, digest.department_code)
        if not to:
            run.not_mailed.append(title)
            continue
        outbox.enqueue(
            session,
            subject=title,
            sender=settings.smtp_sender,
            to=to,
            body=digest_text(digest, run.department_names.get(digest.department_code or "", "")),
            reminder_keys=[r.key for r in digest.reminders],
        )
        run.mailed.append((title, to))
        queued = True
    if queued:
        session.flush()
        outbox.deliver_after_commit(session, settings, run.delivery)
