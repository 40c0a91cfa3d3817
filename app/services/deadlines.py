"""Deadlines of assignments: set at 交办, recomputed when the calendar or a rule changes,
extended on request (office approval, never past the longest limit), edited with a reason.

Entry points for other areas:
- `current_calendar(session, profile_name)`: the working calendar in force (library, files, database);
- `compute_assignment_deadlines(profile, calendar, assigned_on, role)`: pure, {rule: Deadline};
- `record_assignment_deadlines(session, actor, assignment)`: stores them and sets Assignment.due_on;
- `open_deadline(session, actor, assignment, rule, start)`: feedback, publication, re-handling, ...;
- `close_deadlines(session, assignment, rules=None, met_on=None)`: the obligation is met or ended.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Row, Text, bindparam, cast, select, type_coerce, update
from sqlalchemy.orm import Session

from app.db import list_columns
from app.db.base import table_of, utcnow
from app.db.models import Assignment, Department, Item
from app.db.models.deadlines import CalendarEntryRecord, CalendarYearRecord, DeadlineRecord, ExtensionRequest
from app.domain.calendar import CalendarEntry, WorkingCalendar, YearData
from app.domain.deadlines import DEADLINE_RULES, Deadline, assignment_deadlines, compute_deadline, rule_period
from app.domain.enums import AssignmentRole
from app.domain.profile import Period, Profile
from app.domain.recompute import StoredDeadline, recompute
from app.domain.text import N_
from app.i18n import _
from app.rules.calendars import build_calendar
from app.rules.profiles import load_profile
from app.services import audit, context, transitions
from app.services.access import get_assignment_for, require_office, scope_assignments
from app.services.actor import Actor
from app.services.errors import Conflict, NotFound, Problem, ValidationFailed

#: The deadline copied into Assignment.due_on, by role.
PRIMARY_RULE = {AssignmentRole.LEAD: "reply", AssignmentRole.SPLIT: "reply", AssignmentRole.CO: "co_opinion"}


# --------------------------------------------------------------------------- calendar


def stored_years(session: Session, profile_name: str) -> list[YearData]:
    """Years the office entered or imported (they replace a file of the same year)."""
    records = session.scalars(
        select(CalendarYearRecord).where(CalendarYearRecord.profile == profile_name).order_by(CalendarYearRecord.year)
    )
    return [
        YearData(
            record.year,
            record.origin,
            tuple(CalendarEntry(e.day, e.working, e.name_zh, e.name_en) for e in record.entries),
        )
        for record in records
    ]


def current_calendar(session: Session, profile_name: str) -> WorkingCalendar:
    return build_calendar(profile_name, stored_years(session, profile_name))


# --------------------------------------------------------------------------- setting deadlines


def compute_assignment_deadlines(
    profile: Profile, calendar: WorkingCalendar, assigned_on: date, role: AssignmentRole | str
) -> dict[str, Deadline]:
    """The deadlines an assignment gets at 交办, by rule name (pure; nothing is stored)."""
    return assignment_deadlines(profile.deadlines, calendar, assigned_on, AssignmentRole(role))


def _apply_deadline(record: DeadlineRecord, deadline: Deadline) -> None:
    record.rule = deadline.rule
    record.start_on = deadline.start
    record.period_amount = deadline.period.amount
    record.period_unit = deadline.period.unit
    record.computed_due = deadline.due
    if record.override_kind is None:
        record.due_on = deadline.due
    record.explanation = deadline.to_dict()
    record.calendar_fingerprint = deadline.calendar_fingerprint
    record.calendar_years = ",".join(str(y.year) for y in deadline.years)
    record.has_warning = deadline.has_warning


def _sync_assignment_due(assignment: Assignment, record: DeadlineRecord) -> None:
    if PRIMARY_RULE.get(AssignmentRole(assignment.role)) == record.rule:
        assignment.due_on = record.due_on


def open_deadlines_of(session: Session, assignment_id: int) -> list[DeadlineRecord]:
    return list(
        session.scalars(
            select(DeadlineRecord)
            .where(DeadlineRecord.assignment_id == assignment_id, DeadlineRecord.status == "open")
            .order_by(DeadlineRecord.due_on)
        )
    )


def deadlines_of(session: Session, assignment_ids: Sequence[int]) -> list[DeadlineRecord]:
    if not assignment_ids:
        return []
    return list(
        session.scalars(
            select(DeadlineRecord)
            .where(DeadlineRecord.assignment_id.in_(assignment_ids))
            .order_by(DeadlineRecord.assignment_id, DeadlineRecord.due_on)
        )
    )


def _store(
    session: Session, actor: Actor, assignment: Assignment, deadline: Deadline, reason: str | None = None
) -> DeadlineRecord:
    return _store_all(session, actor, assignment, {deadline.rule: deadline}, reason)[deadline.rule]


def _store_all(
    session: Session,
    actor: Actor,
    assignment: Assignment,
    computed: dict[str, Deadline],
    reason: str | None = None,
) -> dict[str, DeadlineRecord]:
    """Open these deadlines of one assignment, each replacing an open one of its rule; one read of
    the open ones and one flush for all (a new part gets two to four rules at once)."""
    for previous in open_deadlines_of(session, assignment.id):
        if previous.rule in computed:
            previous.status = "closed"  # replaced; kept as history
    records = {}
    for rule, deadline in computed.items():
        record = records[rule] = DeadlineRecord(assignment_id=assignment.id, item_id=assignment.item_id, status="open")
        _apply_deadline(record, deadline)
        session.add(record)
        _sync_assignment_due(assignment, record)
        audit.record(
            session,
            actor,
            entity="assignment",
            entity_id=assignment.id,
            action="deadline_set",
            after={"rule": deadline.rule, "start": deadline.start, "period": str(deadline.period), "due": deadline.due},
            reason=reason,
        )
    session.flush()
    return records


def record_assignment_deadlines(
    session: Session,
    actor: Actor,
    assignment: Assignment,
    *,
    profile: Profile | None = None,
    calendar: WorkingCalendar | None = None,
) -> dict[str, DeadlineRecord]:
    """Store the deadlines of a new assignment (交办) and set its due_on; returns {rule: record}."""
    profile = profile or context.current().profile
    calendar = calendar or current_calendar(session, profile.name)
    computed = compute_assignment_deadlines(profile, calendar, assignment.assigned_on, assignment.role)
    return _store_all(session, actor, assignment, computed)


def open_deadline(
    session: Session,
    actor: Actor,
    assignment: Assignment,
    rule: str,
    start: date,
    *,
    profile: Profile | None = None,
    calendar: WorkingCalendar | None = None,
) -> DeadlineRecord:
    """Start one rule's deadline from `start` (e.g. feedback from the reply date); replaces an open one."""
    profile = profile or context.current().profile
    calendar = calendar or current_calendar(session, profile.name)
    deadline = compute_deadline(calendar, start, rule_period(profile.deadlines, rule), rule)
    return _store(session, actor, assignment, deadline)


def close_deadlines(
    session: Session, assignment: Assignment, rules: Iterable[str] | None = None, met_on: date | None = None
) -> list[DeadlineRecord]:
    """Close open deadlines of the assignment (all, or the given rules). Closed ones never change again."""
    wanted = set(rules) if rules is not None else None
    closed = []
    for record in open_deadlines_of(session, assignment.id):
        if wanted is None or record.rule in wanted:
            record.status = "closed"
            record.met_on = met_on
            closed.append(record)
    session.flush()
    return closed


# --------------------------------------------------------------------------- recompute


@dataclass(frozen=True)
class MovedDeadline:
    deadline_id: int
    assignment_id: int
    item_id: int
    rule: str
    old_due: date
    new_due: date
    override_kept: bool  # an extension or manual edit stays in force; only the computed date moved


@dataclass
class RecomputeReport:
    examined: int = 0
    recomputed: int = 0
    moved: list[MovedDeadline] = field(default_factory=list)
    warnings_cleared: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "examined": self.examined,
            "recomputed": self.recomputed,
            "warnings_cleared": self.warnings_cleared,
            "moved": [
                {
                    "deadline_id": m.deadline_id,
                    "assignment_id": m.assignment_id,
                    "item_id": m.item_id,
                    "rule": m.rule,
                    "old_due": m.old_due.isoformat(),
                    "new_due": m.new_due.isoformat(),
                    "override_kept": m.override_kept,
                }
                for m in self.moved
            ],
        }


def recompute_open_deadlines(
    session: Session,
    actor: Actor,
    *,
    profile: Profile,
    calendar: WorkingCalendar | None = None,
    reason: str,
    progress: Callable[[int, int, str], None] | None = None,
) -> RecomputeReport:
    """Recompute every open deadline whose calendar years or rule changed; closed ones are untouched.

    Each moved deadline gets an audit row; the assignments' due_on follow their primary deadline.
    Written in bulk so that tens of thousands of deadlines take seconds. `progress(done, total, note)`
    counts the deadlines examined, then one step for the write.
    """
    calendar = calendar or current_calendar(session, profile.name)
    rows = session.execute(
        select(
            DeadlineRecord.id,
            DeadlineRecord.assignment_id,
            DeadlineRecord.item_id,
            DeadlineRecord.rule,
            DeadlineRecord.start_on,
            DeadlineRecord.period_amount,
            DeadlineRecord.period_unit,
            DeadlineRecord.computed_due,
            DeadlineRecord.due_on,
            DeadlineRecord.override_kind,
            DeadlineRecord.calendar_fingerprint,
            DeadlineRecord.calendar_years,
            DeadlineRecord.has_warning,
            Assignment.role,
        )
        .join(Assignment, Assignment.id == DeadlineRecord.assignment_id)
        .where(DeadlineRecord.status == "open")
    ).all()
    by_id = {row.id: row for row in rows}
    years_of: dict[str, tuple[int, ...]] = {}
    periods: dict[tuple[int, str], Period] = {}

    def stored_deadline(row: Row[*tuple[Any, ...]]) -> StoredDeadline:
        years = years_of.get(row.calendar_years)
        if years is None:
            years = years_of[row.calendar_years] = tuple(int(y) for y in row.calendar_years.split(",") if y)
        period = periods.get((row.period_amount, row.period_unit))
        if period is None:
            period = periods[(row.period_amount, row.period_unit)] = Period(row.period_amount, row.period_unit)
        return StoredDeadline(row.id, row.rule, row.start_on, period, row.computed_due, row.calendar_fingerprint, years)

    steps = len(rows) + 1  # every deadline examined, then the write

    def examined() -> Iterator[StoredDeadline]:
        for count, row in enumerate(rows, 1):
            yield stored_deadline(row)
            if progress is not None and count % 1000 == 0:
                progress(count, steps, N_("recomputing open deadlines"))

    plan = recompute(examined(), calendar, profile.deadlines)
    report = RecomputeReport(examined=len(rows), recomputed=len(plan))
    if progress is not None:
        progress(len(rows), steps, N_("recomputing open deadlines"))
    if not plan:
        if progress is not None:
            progress(steps, steps, N_("done"))
        return report

    # one serialisation per distinct computation (a batch assigned on one day shares it)
    payload_cache: dict[int, tuple[str, str, str, bool]] = {}
    deadline_updates: list[dict[str, Any]] = []
    assignment_updates: list[dict[str, Any]] = []
    audit_rows: list[audit.Change] = []
    for change in plan:
        row = by_id[change.key]
        new = change.new
        cached = payload_cache.get(id(new))
        if cached is None:
            cached = payload_cache[id(new)] = (
                json.dumps(new.to_dict(), ensure_ascii=False),
                new.calendar_fingerprint,
                ",".join(str(y.year) for y in new.years),
                new.has_warning,
            )
        explanation, fingerprint, years, has_warning = cached
        new_due_on = row.due_on if row.override_kind else new.due
        deadline_updates.append(
            {
                "b_id": row.id,
                "b_amount": new.period.amount,
                "b_unit": new.period.unit,
                "b_computed": new.due,
                "b_due": new_due_on,
                "b_explanation": explanation,
                "b_fingerprint": fingerprint,
                "b_years": years,
                "b_warning": has_warning,
            }
        )
        if row.has_warning and not has_warning:
            report.warnings_cleared += 1
        if new.due != row.computed_due:
            report.moved.append(
                MovedDeadline(
                    row.id, row.assignment_id, row.item_id, row.rule, row.computed_due, new.due, bool(row.override_kind)
                )
            )
            audit_rows.append(
                audit.Change(
                    "assignment",
                    row.assignment_id,
                    "deadline_recomputed",
                    before={"rule": row.rule, "due": row.computed_due, "in_force": row.due_on},
                    after={"rule": row.rule, "due": new.due, "in_force": new_due_on},
                    reason=reason,
                )
            )
            if new_due_on != row.due_on and PRIMARY_RULE.get(AssignmentRole(row.role)) == row.rule:
                assignment_updates.append({"b_id": row.assignment_id, "b_due": new_due_on})

    table = table_of(DeadlineRecord)
    session.connection().execute(
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(
            period_amount=bindparam("b_amount"),
            period_unit=bindparam("b_unit"),
            computed_due=bindparam("b_computed"),
            due_on=bindparam("b_due"),
            explanation=_json_text_param(session, "b_explanation"),
            calendar_fingerprint=bindparam("b_fingerprint"),
            calendar_years=bindparam("b_years"),
            has_warning=bindparam("b_warning"),
        ),
        deadline_updates,
    )
    if assignment_updates:
        assignments = table_of(Assignment)
        # the version moves too: a user editing the assignment on a stale page is told so
        session.connection().execute(
            update(assignments)
            .where(assignments.c.id == bindparam("b_id"))
            .values(due_on=bindparam("b_due"), version=assignments.c.version + 1),
            assignment_updates,
        )
        moved = [u["b_id"] for u in assignment_updates]
        moved_items = {
            item_id
            for start in range(0, len(moved), list_columns.CHUNK)
            for item_id in session.scalars(
                select(Assignment.item_id).where(Assignment.id.in_(moved[start : start + list_columns.CHUNK]))
            )
        }
        list_columns.refresh(session, moved_items)  # the bulk update bypassed the ORM listener
    audit.record_many(session, actor, audit_rows)
    audit.record(
        session,
        actor,
        entity="calendar",
        entity_id=None,
        action="deadlines_recomputed",
        after={"examined": report.examined, "recomputed": report.recomputed, "moved": len(report.moved)},
        reason=reason,
    )
    session.expire_all()  # ORM objects loaded before the bulk update must not show stale dates
    if progress is not None:
        progress(steps, steps, N_("written"))
    return report


def _json_text_param(session: Session, name: str) -> ColumnElement[Any]:
    """A bind parameter carrying already-serialised JSON text into the JSON column."""
    column_type = DeadlineRecord.__table__.c.explanation.type
    parameter = bindparam(name, type_=Text())
    if session.get_bind().dialect.name == "postgresql":
        return cast(parameter, column_type)
    return type_coerce(parameter, Text())  # SQLite keeps JSON as text; CAST(... AS JSON) would mangle it


# --------------------------------------------------------------------------- office calendar years


def load_calendar_year(
    session: Session, actor: Actor, profile_name: str, data: YearData, note: str = "", *, recompute_after: bool = True
) -> RecomputeReport | None:
    """Store (or replace) a year's schedule entered or imported by the office, then recompute."""
    _require_office(actor)
    existing = session.scalar(
        select(CalendarYearRecord).where(
            CalendarYearRecord.profile == profile_name, CalendarYearRecord.year == data.year
        )
    )
    before = None
    if existing is not None:
        before = {"entries": len(existing.entries), "origin": existing.origin}
        session.delete(existing)
        session.flush()
    record = CalendarYearRecord(
        profile=profile_name, year=data.year, note=note, origin=data.origin, loaded_by_id=actor.user_id
    )
    record.entries = [
        CalendarEntryRecord(day=e.day, working=e.working, name_zh=e.name_zh, name_en=e.name_en) for e in data.entries
    ]
    audit.created(
        session,
        actor,
        record,
        entity="calendar",
        action="calendar_year_loaded",
        before=before,
        after={"year": data.year, "entries": len(data.entries), "origin": data.origin},
    )
    if not recompute_after:
        return None
    return recompute_open_deadlines(
        session, actor, profile=load_profile(profile_name), reason=f"calendar {data.year} loaded ({data.origin})"
    )


def remove_calendar_year(session: Session, actor: Actor, profile_name: str, year: int) -> RecomputeReport:
    _require_office(actor)
    existing = session.scalar(
        select(CalendarYearRecord).where(CalendarYearRecord.profile == profile_name, CalendarYearRecord.year == year)
    )
    if existing is None:
        raise NotFound(_("No calendar entries are stored for %(year)s.", year=year))
    audit.record(
        session, actor, entity="calendar", entity_id=existing.id, action="calendar_year_removed", before={"year": year}
    )
    session.delete(existing)
    session.flush()
    return recompute_open_deadlines(
        session, actor, profile=load_profile(profile_name), reason=f"calendar {year} removed"
    )


def _require_office(actor: Actor) -> None:
    if not actor.is_system:
        require_office(actor)


# --------------------------------------------------------------------------- extensions and edits


def _deadline_for(session: Session, actor: Actor, deadline_id: int) -> tuple[DeadlineRecord, Assignment]:
    record = session.get(DeadlineRecord, deadline_id)
    if record is None:
        raise NotFound(_("No such deadline."))
    assignment = get_assignment_for(session, actor, record.assignment_id)  # department scoping
    if record.status != "open":
        raise Conflict(_("This deadline is closed and can no longer change."))
    return record, assignment


def longest_limit(session: Session, profile: Profile, record: DeadlineRecord, calendar: WorkingCalendar) -> date | None:
    """The latest date a reply deadline may be moved to (reply_max), None for other deadlines."""
    if record.rule != "reply":
        return None
    stored = session.scalar(
        select(DeadlineRecord.due_on)
        .where(DeadlineRecord.assignment_id == record.assignment_id, DeadlineRecord.rule == "reply_max")
        .order_by(DeadlineRecord.id.desc())
    )
    if stored is not None:
        return stored
    return compute_deadline(calendar, record.start_on, profile.deadlines.reply_max, "reply_max").due


def _check_new_due(
    session: Session,
    profile: Profile,
    record: DeadlineRecord,
    new_due: date,
    calendar: WorkingCalendar,
    field_name: str,
) -> None:
    problems = []
    if not calendar.is_working_day(new_due):
        problems.append(
            Problem(field_name, _("%(day)s is not a working day.", day=new_due.isoformat()), new_due.isoformat())
        )
    limit = longest_limit(session, profile, record, calendar)
    if limit is not None and new_due > limit:
        problems.append(
            Problem(field_name, _("The longest limit is %(day)s.", day=limit.isoformat()), new_due.isoformat())
        )
    if problems:
        raise ValidationFailed(_("The new deadline is not allowed."), problems)


def request_extension(
    session: Session,
    actor: Actor,
    deadline_id: int,
    requested_due: date,
    reason: str,
    *,
    expected_version: int | None = None,
) -> ExtensionRequest:
    record, assignment = _deadline_for(session, actor, deadline_id)
    profile = context.current().profile
    calendar = current_calendar(session, profile.name)
    if requested_due <= record.due_on:
        raise ValidationFailed(
            _("The new deadline is not allowed."),
            [
                Problem(
                    "requested_due",
                    _("It must be later than the current deadline %(day)s.", day=record.due_on.isoformat()),
                )
            ],
        )
    _check_new_due(session, profile, record, requested_due, calendar, "requested_due")
    pending = session.scalar(
        select(ExtensionRequest.id).where(
            ExtensionRequest.deadline_id == record.id, ExtensionRequest.status == "requested"
        )
    )
    if pending is not None:
        raise Conflict(_("An extension request for this deadline is already waiting for the office."))
    transitions.apply(
        session,
        actor,
        assignment,
        "request_extension",
        expected_version=expected_version,
        reason=reason,
        details={"rule": record.rule, "due": record.due_on, "requested_due": requested_due},
    )
    extension = ExtensionRequest(
        deadline_id=record.id,
        assignment_id=assignment.id,
        requested_due=requested_due,
        reason=reason.strip(),
        requested_by_id=actor.user_id,
    )
    session.add(extension)
    session.flush()
    return extension


def decide_extension(
    session: Session, actor: Actor, extension_id: int, *, approve: bool, reason: str | None = None
) -> ExtensionRequest:
    # locked (PostgreSQL: FOR UPDATE, bounded by lock_timeout) so two deciders see each other's decision
    extension = session.get(ExtensionRequest, extension_id, with_for_update=True, populate_existing=True)
    if extension is None or not (actor.is_office or actor.is_system):
        raise NotFound(_("No such extension request."))
    if extension.status != "requested":
        raise Conflict(_("This extension request has already been decided."))
    record, assignment = _deadline_for(session, actor, extension.deadline_id)
    if approve:
        profile = context.current().profile
        # the limit is checked again: the calendar or the rule may have changed since the request
        _check_new_due(
            session, profile, record, extension.requested_due, current_calendar(session, profile.name), "requested_due"
        )
    action = "approve_extension" if approve else "reject_extension"
    old_due = record.due_on
    if approve:
        record.due_on = extension.requested_due
        record.override_kind = "extension"
        record.override_reason = extension.reason
        _sync_assignment_due(assignment, record)
    transitions.apply(
        session,
        actor,
        assignment,
        action,
        reason=reason,
        details={"rule": record.rule, "old_due": old_due, "due": record.due_on, "extension_id": extension.id},
    )
    extension.status = "approved" if approve else "rejected"
    extension.decided_by_id = actor.user_id
    extension.decided_at = utcnow()
    extension.decision_reason = reason
    session.flush()
    return extension


def edit_deadline(
    session: Session,
    actor: Actor,
    deadline_id: int,
    new_due: date,
    reason: str,
    *,
    expected_version: int | None = None,
) -> DeadlineRecord:
    """The office sets a deadline by hand (with a reason); it then stays until changed again."""
    record, assignment = _deadline_for(session, actor, deadline_id)
    transitions.check(actor, assignment, "edit_deadline")
    if expected_version is not None and expected_version != assignment.version:
        raise Conflict(_("Someone else changed this record in the meantime. Reload the page and try again."))
    if not (reason and reason.strip()):
        raise ValidationFailed(_("A reason is required."), [Problem("reason", _("required"))])
    profile = context.current().profile
    _check_new_due(session, profile, record, new_due, current_calendar(session, profile.name), "due_on")
    old_due = record.due_on
    record.due_on = new_due
    record.override_kind = "manual"
    record.override_reason = (reason or "").strip() or None
    _sync_assignment_due(assignment, record)
    transitions.apply(
        session,
        actor,
        assignment,
        "edit_deadline",
        expected_version=expected_version,
        reason=reason,
        details={"rule": record.rule, "old_due": old_due, "due": new_due},
    )
    return record


def pending_extensions(
    session: Session, actor: Actor
) -> list[tuple[ExtensionRequest, DeadlineRecord, Assignment, Item, Department]]:
    stmt = (
        select(ExtensionRequest, DeadlineRecord, Assignment, Item, Department)
        .join(DeadlineRecord, DeadlineRecord.id == ExtensionRequest.deadline_id)
        .join(Assignment, Assignment.id == ExtensionRequest.assignment_id)
        .join(Item, Item.id == Assignment.item_id)
        .join(Department, Department.id == Assignment.department_id)
        .where(ExtensionRequest.status == "requested")
        .order_by(ExtensionRequest.requested_at)
    )
    return [(row[0], row[1], row[2], row[3], row[4]) for row in session.execute(scope_assignments(stmt, actor)).all()]


def deadline_rule_names() -> list[str]:
    return [name for name in DEADLINE_RULES if name != "custom"]
