"""The facts the transition guards read (app.domain.lifecycle.FACTS), gathered from the database."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, Select, bindparam, exists, func, select
from sqlalchemy.orm import Session

from app.clock import office_date
from app.db.models import Assignment, Item
from app.db.models.deadlines import DeadlineRecord
from app.db.models.workflow import Attachment, Communication, CoOpinion, CoOpinionWaiver, Feedback, Reply
from app.domain.deadlines import compute_deadline
from app.domain.enums import AssignmentRole, AssignmentState
from app.domain.handling import opens_new_round
from app.domain.lifecycle import ASSIGNMENT_LIVE, ITEM_TERMINAL, GuardContext
from app.domain.profile import Period, Profile
from app.services.deadlines import current_calendar

ENDED_AWAY = (AssignmentState.REASSIGNED.value, AssignmentState.CANCELLED.value)
NOT_YET_SIGNED = (
    AssignmentState.PENDING_SIGNATURE.value,
    AssignmentState.REASSIGNMENT_REQUESTED.value,
    *ENDED_AWAY,
)
REPLYING = (AssignmentRole.LEAD.value, AssignmentRole.SPLIT.value)


def round_assignments(session: Session, item: Item) -> list[Assignment]:
    stmt = select(Assignment).where(Assignment.item_id == item.id, Assignment.round == item.round)
    return list(session.scalars(stmt.order_by(Assignment.id)))


def _due_after(session: Session, profile: Profile, start: date, period: Period) -> date:
    """A due date counted on the calendar in force, for records the deadlines feature holds none of."""
    return compute_deadline(current_calendar(session, profile.name), start, period).due


@cache
def _assignment_facts_query(leads: bool) -> Select[Any]:
    """Every fact of a part in one round trip (pages ask for each live part, each action twice); built once,
    as building it costs more than running it."""
    mine: BindParameter[int] = bindparam("assignment_id")
    opinion_id = select(CoOpinion.id).where(CoOpinion.assignment_id == mine).scalar_subquery()
    columns = [
        select(DeadlineRecord.due_on)
        .where(DeadlineRecord.assignment_id == mine, DeadlineRecord.rule == "reassignment_window")
        .order_by(DeadlineRecord.id.desc())
        .limit(1)
        .scalar_subquery(),
        select(func.count(Communication.id)).where(Communication.assignment_id == mine).scalar_subquery(),
        exists().where(CoOpinionWaiver.assignment_id == mine),
        select(Reply.body).where(Reply.assignment_id == mine).scalar_subquery(),  # unique per part
        exists().where(Reply.assignment_id == mine, Reply.returned_at.is_not(None)),
        select(CoOpinion.body).where(CoOpinion.assignment_id == mine).scalar_subquery(),  # unique per part
        select(func.count(Attachment.id))
        .where(Attachment.owner_type == "opinion", Attachment.owner_id == opinion_id)
        .scalar_subquery(),
    ]
    if leads:  # the co-handlers' opinions still owed in the lead's round, and how many of them are late
        open_co = (
            Assignment.item_id == bindparam("item_id"),
            Assignment.round == bindparam("round"),
            Assignment.role == AssignmentRole.CO.value,
            Assignment.state.in_(ASSIGNMENT_LIVE),
            Assignment.state != AssignmentState.OPINION_SENT.value,
        )
        columns.append(select(func.count(Assignment.id)).where(*open_co).scalar_subquery())
        overdue = Assignment.due_on < bindparam("today")
        columns.append(select(func.count(Assignment.id)).where(*open_co, overdue).scalar_subquery())
    return select(*columns)


def assignment_facts(session: Session, assignment: Assignment, profile: Profile, today: date) -> GuardContext:
    leads = assignment.role == AssignmentRole.LEAD.value
    params: dict[str, object] = {"assignment_id": assignment.id}
    if leads:
        params |= {"item_id": assignment.item_id, "round": assignment.round, "today": today}
    row = session.execute(_assignment_facts_query(leads), params).one()
    stored_window, communications, waived, reply_body, returned, opinion_body, opinion_files = row[:7]
    window_ends = (
        stored_window
        if stored_window is not None
        else _due_after(session, profile, assignment.assigned_on, profile.deadlines.reassignment_window)
    )
    return GuardContext(
        {
            "assignment_role": assignment.role,
            "within_reassignment_window": today <= window_ends,
            "communication_required": profile.require_communication,
            "communication_count": communications,
            "co_opinions_waived": bool(waived),
            "co_opinions_pending": row[7] if leads else 0,
            "co_opinions_overdue": row[8] if leads else 0,
            # the body is NOT NULL: None means there is no reply (opinion) yet
            "has_reply_draft": reply_body is not None and bool(reply_body.strip()),
            "draft_returned": bool(returned),
            "has_opinion": opinion_body is not None and (bool(opinion_body.strip()) or opinion_files > 0),
        }
    )


@cache
def _item_facts_query() -> Select[Any]:
    """What the item's facts need beside its current parts, in one round trip; built once."""
    item_id: BindParameter[int] = bindparam("item_id")
    round_: BindParameter[int] = bindparam("round")
    parts = select(Assignment.id).where(Assignment.item_id == item_id, Assignment.round == round_)
    return select(
        # unique per round, level NOT NULL: None means no feedback yet
        select(Feedback.level).where(Feedback.item_id == item_id, Feedback.round == round_).scalar_subquery(),
        select(func.max(Reply.sent_at)).where(Reply.item_id == item_id, Reply.round == round_).scalar_subquery(),
        select(func.max(DeadlineRecord.due_on))  # the feedback deadline as the deadlines feature keeps it
        .where(
            DeadlineRecord.assignment_id.in_(parts), DeadlineRecord.rule == "feedback", DeadlineRecord.status == "open"
        )
        .scalar_subquery(),
    )


def item_facts(
    session: Session, item: Item, profile: Profile, today: date, merge_target: Item | None = None
) -> GuardContext:
    current = round_assignments(session, item)
    standing = [a for a in current if a.state not in ENDED_AWAY]
    replying = [a for a in standing if a.role in REPLYING]
    level, last_sent, stored_due = session.execute(_item_facts_query(), {"item_id": item.id, "round": item.round}).one()
    feedback_overdue = False
    if last_sent is not None:
        if stored_due is not None:
            feedback_overdue = today > stored_due
        else:
            sent_day = office_date(last_sent)  # the office day of the sending
            feedback_overdue = today > _due_after(session, profile, sent_day, profile.deadlines.feedback)
    return GuardContext(
        {
            "any_assignment_signed": any(a.state not in NOT_YET_SIGNED for a in current),
            "all_replies_sent": bool(replying) and all(a.state == AssignmentState.SENT.value for a in replying),
            "reference_only": bool(standing) and all(a.role == AssignmentRole.REFERENCE.value for a in standing),
            "feedback_recorded": level is not None,
            "feedback_opens_new_round": level is not None and opens_new_round(profile, level),
            "feedback_overdue": feedback_overdue,
            "merge_target_ok": merge_target is not None
            and merge_target.id != item.id
            and merge_target.kind == item.kind
            and merge_target.state not in ITEM_TERMINAL,
        }
    )
