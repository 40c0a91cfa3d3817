"""Office review of routing proposals: accept, override with a reason, deadline and key flag, assign (交办)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import office_today
from app.db.base import utcnow
from app.db.models import Assignment, Department, Item
from app.db.models.deadlines import DeadlineRecord
from app.db.models.routing import RoutingRecord
from app.domain.calendar import WorkingCalendar
from app.domain.enums import AssignmentRole
from app.domain.profile import Profile
from app.i18n import _
from app.services import audit, transitions
from app.services import deadlines as deadline_service
from app.services.access import require_office
from app.services.actor import Actor
from app.services.errors import Conflict, NotFound, Problem, UserError, ValidationFailed
from app.services.routing.proposals import current_record, current_records
from app.services.routing.rulesets import current_profile
from app.services.workflow.actions import create_assignment

MODES = ("lead", "split", "reference")


def _record_for(session: Session, item_id: int) -> RoutingRecord:
    record = current_record(session, item_id)
    if record is None:
        raise NotFound(_("This item has no routing proposal yet."))
    return record


def _choice(record: RoutingRecord) -> dict[str, Any]:
    return {
        "status": record.status,
        "mode": record.mode,
        "lead": record.lead_code,
        "co": list(record.co_codes or []),
        "split": list(record.split_codes or []),
        "reference": list(record.reference_codes or []),
        "key_supervision": record.key_supervision,
        "reply_due_on": record.reply_due_on,
    }


def _refuse_if_assigned(record: RoutingRecord) -> None:
    if record.status == "assigned":
        raise Conflict(_("This item is already assigned; choose to reassign it to route it again."))


# --------------------------------------------------------------------------- accept


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)  # item id -> why


def accept(session: Session, actor: Actor, item_ids: Iterable[int]) -> BulkResult:
    """Accept the proposals of these items as they are (items needing manual routing are skipped)."""
    require_office(actor)
    result = BulkResult()
    ids = list(dict.fromkeys(item_ids))
    records = current_records(session, ids)  # one query per 500 items, not one per item
    changes = []
    for item_id in ids:
        record = records.get(item_id)
        if record is None:
            result.skipped[item_id] = _("no proposal")
        elif record.status == "manual":
            result.skipped[item_id] = _("needs manual routing")
        elif record.status != "proposed":
            result.skipped[item_id] = _("already decided")
        else:
            before = _choice(record)
            record.status = "accepted"
            record.decided_at = utcnow()
            record.decided_by_name = actor.username
            changes.append(
                audit.Change(
                    entity="item", entity_id=item_id, action="routing_accept", before=before, after=_choice(record)
                )
            )
            result.done.append(item_id)
    session.flush()
    audit.record_many(session, actor, changes)  # one INSERT, after the records' updates
    return result


# --------------------------------------------------------------------------- override


def _codes(session: Session, names: Sequence[str], field_name: str, problems: list[Problem]) -> list[str]:
    codes = []
    for name in names:
        if not name or not name.strip():
            continue
        key = name.strip()
        department = session.scalar(
            select(Department).where(
                (Department.code == key) | (Department.short_name == key) | (Department.name == key)
            )
        )
        if department is None or not department.active:
            problems.append(Problem(field_name, _("unknown department"), key))
        else:
            codes.append(department.code)
    return list(dict.fromkeys(codes))


def override(
    session: Session,
    actor: Actor,
    item_id: int,
    *,
    mode: str,
    lead: str | None = None,
    co: Sequence[str] = (),
    split: Sequence[str] = (),
    reference: Sequence[str] = (),
    key_supervision: bool | None = None,
    reason: str,
) -> RoutingRecord:
    """Replace the proposal with the office's own choice; a reason is required and recorded."""
    require_office(actor)
    record = _record_for(session, item_id)
    _refuse_if_assigned(record)
    problems: list[Problem] = []
    if not (reason and reason.strip()):
        problems.append(Problem("reason", _("required")))
    if mode not in MODES:
        problems.append(Problem("mode", _("must be lead, split or reference"), mode))
    lead_codes = _codes(session, [lead] if lead else [], "lead", problems)
    co_codes = _codes(session, co, "co", problems)
    split_codes = _codes(session, split, "split", problems)
    reference_codes = _codes(session, reference, "reference", problems)
    if mode == "lead":
        if len(lead_codes) != 1:
            problems.append(Problem("lead", _("one lead department is required")))
        split_codes, reference_codes = [], []
    elif mode == "split":
        if len(split_codes) < 2:
            problems.append(Problem("split", _("at least two departments are required")))
        lead_codes, reference_codes = [], []
    elif mode == "reference":
        if not reference_codes:
            problems.append(Problem("reference", _("at least one department is required")))
        lead_codes, split_codes, co_codes = [], [], []
    handling = set(lead_codes) | set(split_codes)
    co_codes = [c for c in co_codes if c not in handling]
    if problems:
        raise ValidationFailed(_("The override was not saved."), problems)
    before = _choice(record)
    record.mode = mode
    record.lead_code = lead_codes[0] if lead_codes else None
    record.co_codes = co_codes
    record.split_codes = split_codes
    record.reference_codes = reference_codes
    if key_supervision is not None:
        record.key_supervision = key_supervision
    record.status = "overridden"
    record.override_reason = reason.strip()
    record.decided_at = utcnow()
    record.decided_by_name = actor.username
    session.flush()
    audit.record(
        session,
        actor,
        entity="item",
        entity_id=item_id,
        action="routing_override",
        before=before,
        after=_choice(record),
        reason=record.override_reason,
    )
    return record


# --------------------------------------------------------------------------- deadline and key flag


def set_reply_deadline(
    session: Session, actor: Actor, item_id: int, due_on: date | None, reason: str | None
) -> RoutingRecord:
    """Set the reply deadline instead of the computed one (a reason is required), or clear it (None)."""
    require_office(actor)
    record = _record_for(session, item_id)
    _refuse_if_assigned(record)
    if due_on is not None and not (reason and reason.strip()):
        raise ValidationFailed(_("A reason is required."), [Problem("reason", _("required"))])
    if due_on is not None and due_on <= office_today():
        raise ValidationFailed(_("The deadline was not saved."), [Problem("due_on", _("must be after today"), due_on)])
    before = _choice(record)
    record.reply_due_on = due_on
    record.reply_due_reason = reason.strip() if due_on is not None and reason else None
    session.flush()
    audit.record(
        session,
        actor,
        entity="item",
        entity_id=item_id,
        action="routing_deadline",
        before=before,
        after=_choice(record),
        reason=record.reply_due_reason,
    )
    return record


def set_key_supervision(session: Session, actor: Actor, item_id: int, flag: bool) -> RoutingRecord:
    require_office(actor)
    record = _record_for(session, item_id)
    _refuse_if_assigned(record)
    before = _choice(record)
    record.key_supervision = flag
    session.flush()
    audit.record(
        session, actor, entity="item", entity_id=item_id, action="routing_key", before=before, after=_choice(record)
    )
    return record


# --------------------------------------------------------------------------- assign (交办)


@dataclass
class PlannedAssignment:
    department: str  # code
    role: AssignmentRole
    due_on: date | None
    deadlines: dict[str, Any]  # rule -> Deadline.to_dict()


def plan_assignments(
    record: RoutingRecord, profile: Profile, calendar: WorkingCalendar, assigned_on: date
) -> list[PlannedAssignment]:
    """One assignment per department with its role and deadlines computed from the profile."""
    roles: list[tuple[str, AssignmentRole]] = []
    if record.mode == "lead" and record.lead_code:
        roles.append((record.lead_code, AssignmentRole.LEAD))
    roles += [(code, AssignmentRole.SPLIT) for code in (record.split_codes or [])]
    roles += [(code, AssignmentRole.REFERENCE) for code in (record.reference_codes or [])]
    handling = {code for code, _role in roles}
    roles += [(code, AssignmentRole.CO) for code in (record.co_codes or []) if code not in handling]
    planned = []
    for code, role in roles:
        deadlines = deadline_service.compute_assignment_deadlines(profile, calendar, assigned_on, role)
        main_rule = {"lead": "reply", "split": "reply", "co": "co_opinion"}.get(role.value)
        due_on = deadlines[main_rule].due if main_rule else None
        if role in (AssignmentRole.LEAD, AssignmentRole.SPLIT) and record.reply_due_on is not None:
            longest = deadlines["reply_max"].due
            if record.reply_due_on > longest:
                raise ValidationFailed(
                    _("The item was not assigned."),
                    [
                        Problem(
                            "reply_due_on", _("later than the longest reply deadline %(day)s", day=longest.isoformat())
                        )
                    ],
                )
            due_on = record.reply_due_on
        planned.append(PlannedAssignment(code, role, due_on, {k: d.to_dict() for k, d in deadlines.items()}))
    return planned


def assign(
    session: Session,
    actor: Actor,
    item_id: int,
    *,
    assigned_on: date | None = None,
    expected_version: int | None = None,
) -> list[Assignment]:
    """交办: one assignment per department with its role and deadlines; the item becomes `assigned`."""
    require_office(actor)
    item = session.get(Item, item_id)
    if item is None:
        raise NotFound(_("No such item."))
    record = _record_for(session, item_id)
    _refuse_if_assigned(record)
    if record.status not in ("accepted", "overridden"):
        raise Conflict(_("Accept or override the proposal before assigning."))
    profile = current_profile()
    assigned_on = assigned_on or office_today()
    calendar = deadline_service.current_calendar(session, profile.name)
    planned = plan_assignments(record, profile, calendar, assigned_on)
    departments = {
        d.code: d
        for d in session.scalars(select(Department).where(Department.code.in_([p.department for p in planned])))
    }
    missing = [p.department for p in planned if p.department not in departments]
    if missing or not planned:
        raise ValidationFailed(
            _("The item was not assigned."), [Problem("departments", _("unknown department"), code) for code in missing]
        )
    details = {
        "assignments": [
            {"department": p.department, "role": p.role.value, "due_on": p.due_on, "deadlines": p.deadlines}
            for p in planned
        ],
        "routing_record": record.id,
        "key_supervision": record.key_supervision,
        "reply_due_set_by_office": record.reply_due_on,
    }
    transitions.apply(
        session,
        actor,
        item,
        "assign",
        expected_version=expected_version,
        reason=record.reply_due_reason,
        details=details,
    )
    created = []
    for plan in planned:
        # the one place that creates assignments: creation audit row and stored deadlines
        assignment = create_assignment(
            session, actor, item, departments[plan.department], plan.role.value, assigned_on=assigned_on
        )
        reply = session.scalar(
            select(DeadlineRecord).where(DeadlineRecord.assignment_id == assignment.id, DeadlineRecord.rule == "reply")
        )
        if plan.due_on is not None and reply is not None and reply.due_on != plan.due_on:
            # the office set the reply deadline itself (with a reason) before assigning
            reply.due_on = plan.due_on
            reply.override_kind = "manual"
            reply.override_reason = record.reply_due_reason
            assignment.due_on = plan.due_on
        created.append(assignment)
    item.key_supervision = record.key_supervision
    record.status = "assigned"
    record.assigned_at = utcnow()
    session.flush()
    return created


def assign_many(session: Session, actor: Actor, item_ids: Iterable[int], assigned_on: date | None = None) -> BulkResult:
    """Assign every given item whose proposal was accepted or overridden; others are reported."""
    require_office(actor)
    result = BulkResult()
    for item_id in dict.fromkeys(item_ids):
        try:
            with session.begin_nested():
                assign(session, actor, item_id, assigned_on=assigned_on)
        except UserError as exc:
            result.skipped[item_id] = exc.message
        else:
            result.done.append(item_id)
    return result
