"""The facts the transition guards read (app.domain.lifecycle.FACTS), gathered from the database."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
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


def _stored_due(session: Session, assignment_ids: list[int], rule: str, *, open_only: bool = False) -> list[date]:
    """Due dates of a rule's deadlines as the deadlines feature keeps them (with extensions and edits)."""
    if not assignment_ids:
        return []
    stmt = select(DeadlineRecord.due_on).where(
        DeadlineRecord.assignment_id.in_(assignment_ids), DeadlineRecord.rule == rule
    )
    if open_only:
        stmt = stmt.where(DeadlineRecord.status == "open")
    return list(session.scalars(stmt.order_by(DeadlineRecord.id.desc())))


def assignment_facts(session: Session, assignment: Assignment, profile: Profile, today: date) -> GuardContext:
    stored = _stored_due(session, [assignment.id], "reassignment_window")
    window_ends = (
        stored[0]
        if stored
        else _due_after(session, profile, assignment.assigned_on, profile.deadlines.reassignment_window)
    )
    facts: dict[str, object] = {
        "assignment_role": assignment.role,
        "within_reassignment_window": today <= window_ends,
        "communication_required": profile.require_communication,
        "communication_count": session.scalar(
            select(func.count(Communication.id)).where(Communication.assignment_id == assignment.id)
        ),
        "co_opinions_waived": session.scalar(
            select(CoOpinionWaiver.id).where(CoOpinionWaiver.assignment_id == assignment.id)
        )
        is not None,
        "co_opinions_pending": 0,
        "co_opinions_overdue": 0,
    }
    reply = session.scalar(select(Reply).where(Reply.assignment_id == assignment.id))
    facts["has_reply_draft"] = reply is not None and bool(reply.body.strip())
    facts["draft_returned"] = reply is not None and reply.returned_at is not None
    opinion = session.scalar(select(CoOpinion).where(CoOpinion.assignment_id == assignment.id))
    facts["has_opinion"] = opinion is not None and (
        bool(opinion.body.strip())
        or session.execute(
            select(func.count(Attachment.id)).where(
                Attachment.owner_type == "opinion", Attachment.owner_id == opinion.id
            )
        ).scalar_one()
        > 0
    )
    if assignment.role == AssignmentRole.LEAD.value:
        co = session.scalars(
            select(Assignment).where(
                Assignment.item_id == assignment.item_id,
                Assignment.round == assignment.round,
                Assignment.role == AssignmentRole.CO.value,
                Assignment.state.in_(ASSIGNMENT_LIVE),
                Assignment.state != AssignmentState.OPINION_SENT.value,
            )
        ).all()
        facts["co_opinions_pending"] = len(co)
        facts["co_opinions_overdue"] = sum(1 for a in co if a.due_on is not None and a.due_on < today)
    return GuardContext(facts)


def item_facts(
    session: Session, item: Item, profile: Profile, today: date, merge_target: Item | None = None
) -> GuardContext:
    current = round_assignments(session, item)
    standing = [a for a in current if a.state not in ENDED_AWAY]
    replying = [a for a in standing if a.role in REPLYING]
    feedback = session.scalar(select(Feedback).where(Feedback.item_id == item.id, Feedback.round == item.round))
    last_sent = session.scalar(
        select(func.max(Reply.sent_at)).where(Reply.item_id == item.id, Reply.round == item.round)
    )
    feedback_overdue = False
    if last_sent is not None:
        stored = _stored_due(session, [a.id for a in current], "feedback", open_only=True)
        if stored:
            feedback_overdue = today > max(stored)
        else:
            sent_day = office_date(last_sent)  # the office day of the sending
            feedback_overdue = today > _due_after(session, profile, sent_day, profile.deadlines.feedback)
    return GuardContext(
        {
            "any_assignment_signed": any(a.state not in NOT_YET_SIGNED for a in current),
            "all_replies_sent": bool(replying) and all(a.state == AssignmentState.SENT.value for a in replying),
            "reference_only": bool(standing) and all(a.role == AssignmentRole.REFERENCE.value for a in standing),
            "feedback_recorded": feedback is not None,
            "feedback_opens_new_round": feedback is not None and opens_new_round(profile, feedback.level),
            "feedback_overdue": feedback_overdue,
            "merge_target_ok": merge_target is not None
            and merge_target.id != item.id
            and merge_target.kind == item.kind
            and merge_target.state not in ITEM_TERMINAL,
        }
    )
