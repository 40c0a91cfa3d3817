"""Every handling action, for pages, API and CLI alike.

Each action: find the record the actor may see (other departments' records look missing),
gather the guard facts, let app.services.transitions check and apply the transition (role,
department, state, guards, expected version, audit row), write the action's own records, then
take the derived moves that became due. Nothing here commits: the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import office_today
from app.db.base import utcnow
from app.db.models import Assignment, Department, Item
from app.db.models.workflow import (
    Communication,
    CoOpinion,
    CoOpinionWaiver,
    Feedback,
    ItemMerge,
    ReassignmentRequest,
    Reply,
    ResultClassChange,
)
from app.domain.enums import AssignmentRole, ItemKind
from app.domain.handling import Problem as DomainProblem
from app.domain.handling import check_communication, check_feedback, check_reply
from app.domain.lifecycle import ASSIGNMENT_LIVE, GuardContext, initial_assignment_state
from app.domain.profile import Profile
from app.i18n import _
from app.services import access, audit, context, deadlines, transitions
from app.services.actor import Actor
from app.services.errors import Conflict, NotFound, Problem, ValidationFailed
from app.services.workflow import facts
from app.services.workflow.files import Upload, check_uploads, store


@dataclass(frozen=True)
class Clock:
    """Today's date in the office's time zone; tests and the demo pass their own."""

    today: date

    @classmethod
    def now(cls) -> Clock:
        return cls(office_today())


def _profile() -> Profile:
    return context.current().profile


def _clock(today: date | None) -> Clock:
    return Clock(today) if today is not None else Clock.now()


def _invalid(problems: list[DomainProblem]) -> None:
    if problems:
        raise ValidationFailed(
            _("Please correct the marked fields."),
            [Problem(f"field {p.field}", _(p.message)) for p in problems],
        )


def _assignment(session: Session, actor: Actor, assignment_id: int) -> Assignment:
    return access.get_assignment_for(session, actor, assignment_id)


def _assignment_context(session: Session, assignment: Assignment, clock: Clock) -> GuardContext:
    return facts.assignment_facts(session, assignment, _profile(), clock.today)


def _item_context(session: Session, item: Item, clock: Clock, merge_target: Item | None = None) -> GuardContext:
    return facts.item_facts(session, item, _profile(), clock.today, merge_target)


def _touch(record: Item | Assignment) -> None:
    """Make the next flush bump the version even if the state stays (edits conflict like moves do)."""
    record.updated_at = utcnow()


def _act(
    session: Session,
    actor: Actor,
    record: Item | Assignment,
    action: str,
    clock: Clock,
    *,
    expected_version: int | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    touch: bool = False,
    merge_target: Item | None = None,
) -> None:
    if isinstance(record, Assignment):
        context = _assignment_context(session, record, clock)
    else:
        context = _item_context(session, record, clock, merge_target)
    context = GuardContext({**context.facts, "by_system": actor.is_system})
    if touch:
        transitions.check(actor, record, action, context=context)
        _touch(record)
    transitions.apply(
        session,
        actor,
        record,
        action,
        expected_version=expected_version,
        reason=reason,
        context=context,
        details=details,
    )


def _check(session: Session, actor: Actor, record: Item | Assignment, action: str, clock: Clock) -> None:
    """Refuse early (before writing the action's own records) when the transition is not allowed."""
    if isinstance(record, Assignment):
        context = _assignment_context(session, record, clock)
    else:
        context = _item_context(session, record, clock)
    transitions.check(actor, record, action, context=GuardContext({**context.facts, "by_system": actor.is_system}))


def _system(session: Session, record: Item | Assignment, action: str, clock: Clock) -> bool:
    """Take a derived move if its guards hold now; True when taken.

    The record is locked and re-read first (PostgreSQL: SELECT … FOR UPDATE), so two departments
    acting at once on their own assignments do not collide on the item's derived move: the second
    waits, sees the move already taken, and goes on.
    """
    system = Actor.system()
    if not session.is_modified(record):
        session.refresh(record, with_for_update=True)
    if isinstance(record, Assignment):
        context = _assignment_context(session, record, clock)
    else:
        context = _item_context(session, record, clock)
    context = GuardContext({**context.facts, "by_system": True})
    try:
        transitions.check(system, record, action, context=context)
    except (Conflict, ValidationFailed):
        return False
    transitions.apply(session, system, record, action, context=context)
    return True


def _end_live_assignments(session: Session, item: Item, action: str, clock: Clock) -> None:
    live = session.scalars(
        select(Assignment).where(Assignment.item_id == item.id, Assignment.state.in_(ASSIGNMENT_LIVE))
    ).all()
    for assignment in live:
        _system(session, assignment, action, clock)
        _end(session, assignment)


def create_assignment(
    session: Session,
    actor: Actor,
    item: Item,
    department: Department,
    role: str,
    *,
    assigned_on: date,
    round: int | None = None,
    cause: str = "assign",
) -> Assignment:
    """A new assignment in its initial state, with its creation audit row and its deadlines.

    A re-handling round is due by the re-handling period; any other assignment gets the
    deadlines of its role (reply, longest reply, co-handler opinion, reassignment window).
    """
    assignment = Assignment(
        item_id=item.id,
        department_id=department.id,
        role=AssignmentRole(role).value,
        round=round or item.round,
        state=initial_assignment_state(role),
        assigned_on=assigned_on,
    )
    audit.created(
        session,
        actor,
        assignment,
        entity="assignment",
        after=lambda a: {
            "state": a.state,
            "version": a.version,
            "item_id": item.id,
            "department": department.code,
            "role": a.role,
            "round": a.round,
            "cause": cause,
        },
    )
    if cause == "rehandling":
        record = deadlines.open_deadline(session, actor, assignment, "rehandling_reply", assigned_on)
        assignment.due_on = record.due_on
    else:
        deadlines.record_assignment_deadlines(session, actor, assignment)
    return assignment


def _end(session: Session, assignment: Assignment) -> None:
    """The assignment is over: its open deadlines close (they are no longer anyone's duty)."""
    assignment.ended_at = utcnow()
    # publication (公开) is the office's duty after a sent reply and stays open (app.services.disclosure)
    still_owed = {"publication"}
    rules = {r.rule for r in deadlines.open_deadlines_of(session, assignment.id)} - still_owed
    deadlines.close_deadlines(session, assignment, rules)


# ----------------------------------------------------------------------------- assignment actions


def sign_for(
    session: Session,
    actor: Actor,
    assignment_id: int,
    *,
    expected_version: int | None = None,
    today: date | None = None,
) -> Assignment:
    clock = _clock(today)
    assignment = _assignment(session, actor, assignment_id)
    _act(session, actor, assignment, "sign_for", clock, expected_version=expected_version)
    item = assignment.item
    _system(session, item, "begin_handling", clock)
    return assignment


def request_reassignment(
    session: Session,
    actor: Actor,
    assignment_id: int,
    *,
    reason: str,
    suggested_department_code: str | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> ReassignmentRequest:
    clock = _clock(today)
    assignment = _assignment(session, actor, assignment_id)
    suggested = _department(session, suggested_department_code) if suggested_department_code else None
    _act(session, actor, assignment, "request_reassignment", clock, expected_version=expected_version, reason=reason)
    request = ReassignmentRequest(
        assignment_id=assignment.id,
        item_id=assignment.item_id,
        reason=reason.strip(),
        suggested_department_id=suggested.id if suggested else None,
        requested_by_id=actor.user_id,
    )
    session.add(request)
    session.flush()
    deadlines.open_deadline(session, actor, assignment, "reassignment_answer", clock.today)
    return request


def _department(session: Session, code: str) -> Department:
    department = session.scalar(select(Department).where(Department.code == code, Department.active.is_(True)))
    if department is None:
        raise ValidationFailed(
            _("Unknown department."), [Problem("field department", _("No active department with this code."))]
        )
    return department


def _open_request(session: Session, assignment: Assignment) -> ReassignmentRequest:
    request = session.scalar(
        select(ReassignmentRequest)
        .where(ReassignmentRequest.assignment_id == assignment.id, ReassignmentRequest.decision == "pending")
        .order_by(ReassignmentRequest.id.desc())
    )
    if request is None:
        raise NotFound(_("No open reassignment request."))
    return request


def approve_reassignment(
    session: Session,
    actor: Actor,
    assignment_id: int,
    *,
    new_department_code: str,
    reason: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> Assignment:
    clock = _clock(today)
    assignment = _assignment(session, actor, assignment_id)
    new_department = _department(session, new_department_code)
    if new_department.id == assignment.department_id:
        raise ValidationFailed(
            _("Choose another department."),
            [Problem("field department", _("The item must go to a different department."))],
        )
    taken = session.scalar(
        select(Assignment.id).where(
            Assignment.item_id == assignment.item_id,
            Assignment.round == assignment.round,
            Assignment.department_id == new_department.id,
            Assignment.state.in_(ASSIGNMENT_LIVE),
        )
    )
    if taken is not None:
        raise ValidationFailed(
            _("Choose another department."),
            [Problem("field department", _("This department already handles the item."))],
        )
    request = _open_request(session, assignment)
    _act(
        session,
        actor,
        assignment,
        "approve_reassignment",
        clock,
        expected_version=expected_version,
        reason=reason or None,
        details={"to_department": new_department.code},
    )
    _end(session, assignment)
    replacement = create_assignment(
        session,
        actor,
        assignment.item,
        new_department,
        assignment.role,
        assigned_on=clock.today,
        round=assignment.round,
        cause="reassignment",
    )
    deadlines.close_deadlines(session, assignment, ["reassignment_answer"], met_on=clock.today)
    request.decision, request.decided_by_id, request.decided_at = "approved", actor.user_id, utcnow()
    request.decision_reason, request.new_assignment_id = reason.strip(), replacement.id
    return replacement


def reject_reassignment(
    session: Session,
    actor: Actor,
    assignment_id: int,
    *,
    reason: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> Assignment:
    clock = _clock(today)
    assignment = _assignment(session, actor, assignment_id)
    request = _open_request(session, assignment)
    _act(session, actor, assignment, "reject_reassignment", clock, expected_version=expected_version, reason=reason)
    deadlines.close_deadlines(session, assignment, ["reassignment_answer"], met_on=clock.today)
    request.decision, request.decided_by_id, request.decided_at = "rejected", actor.user_id, utcnow()
    request.decision_reason = reason.strip()
    return assignment


def record_communication(
    session: Session,
    actor: Actor,
    assignment_id: int,
    *,
    method: str,
    happened_at: datetime | None,
    participants: str,
    notes: str = "",
    files: Sequence[Upload] = (),
    today: date | None = None,
) -> Communication:
    clock = _clock(today)
    assignment = _assignment(session, actor, assignment_id)
    _check(session, actor, assignment, "record_communication", clock)
    _invalid(
        check_communication(
            method=method, happened_at=happened_at, participants=participants, notes=notes, now=utcnow()
        )
    )
    check_uploads(list(files))
    record = Communication(
        assignment_id=assignment.id,
        item_id=assignment.item_id,
        round=assignment.round,
        method=method,
        happened_at=happened_at,
        participants=participants.strip(),
        notes=notes.strip(),
        recorded_by_id=actor.user_id,
    )
    session.add(record)
    session.flush()
    store(
        session,
        actor,
        list(files),
        item_id=assignment.item_id,
        assignment_id=assignment.id,
        owner_type="communication",
        owner_id=record.id,
    )
    _act(
        session,
        actor,
        assignment,
        "record_communication",
        clock,
        details={"communication_id": record.id, "method": method},
    )
    return record


def save_opinion(
    session: Session,
    actor: Actor,
    assignment_id: int,
    *,
    body: str,
    files: Sequence[Upload] = (),
    expected_version: int | None = None,
    today: date | None = None,
) -> CoOpinion:
    clock = _clock(today)
    assignment = _assignment(session, actor, assignment_id)
    _check(session, actor, assignment, "draft_opinion", clock)
    check_uploads(list(files))
    opinion = session.scalar(select(CoOpinion).where(CoOpinion.assignment_id == assignment.id))
    if opinion is None:
        opinion = CoOpinion(assignment_id=assignment.id, item_id=assignment.item_id, round=assignment.round)
        session.add(opinion)
    opinion.body, opinion.written_by_id = body.strip(), actor.user_id
    session.flush()
    store(
        session,
        actor,
        list(files),
        item_id=assignment.item_id,
        assignment_id=assignment.id,
        owner_type="opinion",
        owner_id=opinion.id,
    )
    _act(session, actor, assignment, "draft_opinion", clock, expected_version=expected_version, touch=True)
    return opinion


def send_opinion(
    session: Session,
    actor: Actor,
    assignment_id: int,
    *,
    expected_version: int | None = None,
    today: date | None = None,
) -> CoOpinion:
    clock = _clock(today)
    assignment = _assignment(session, actor, assignment_id)
    _act(session, actor, assignment, "send_opinion", clock, expected_version=expected_version)
    opinion = session.scalars(select(CoOpinion).where(CoOpinion.assignment_id == assignment.id)).one()
    opinion.sent_at = utcnow()
    deadlines.close_deadlines(session, assignment, ["co_opinion"], met_on=clock.today)
    return opinion


@dataclass
class ReplyDraft:
    body: str
    result_class: str
    contact_person: str
    contact_phone: str
    disclosure: str = "full"
    disclosure_reason: str = ""
    summary: str = ""
    letter_number: str = ""


def save_reply(
    session: Session,
    actor: Actor,
    assignment_id: int,
    draft: ReplyDraft,
    *,
    files: Sequence[Upload] = (),
    expected_version: int | None = None,
    today: date | None = None,
) -> Reply:
    clock = _clock(today)
    assignment = _assignment(session, actor, assignment_id)
    _check(session, actor, assignment, "draft_reply", clock)
    _invalid(
        check_reply(
            _profile(),
            assignment.item.kind,
            body=draft.body,
            result_class=draft.result_class,
            disclosure=draft.disclosure,
            disclosure_reason=draft.disclosure_reason,
            contact_person=draft.contact_person,
            contact_phone=draft.contact_phone,
            summary=draft.summary,
        )
    )
    check_uploads(list(files))
    reply = session.scalar(select(Reply).where(Reply.assignment_id == assignment.id))
    if reply is None:
        reply = Reply(assignment_id=assignment.id, item_id=assignment.item_id, round=assignment.round)
        session.add(reply)
    reply.body, reply.result_class = draft.body.strip(), draft.result_class
    reply.disclosure, reply.disclosure_reason = draft.disclosure, draft.disclosure_reason.strip()
    reply.summary, reply.letter_number = draft.summary.strip(), draft.letter_number.strip()
    reply.contact_person, reply.contact_phone = draft.contact_person.strip(), draft.contact_phone.strip()
    reply.drafted_by_id = actor.user_id
    reply.signed_off_by_id = reply.signed_off_at = reply.returned_at = None
    session.flush()
    store(
        session,
        actor,
        list(files),
        item_id=assignment.item_id,
        assignment_id=assignment.id,
        owner_type="reply",
        owner_id=reply.id,
    )
    _act(
        session,
        actor,
        assignment,
        "draft_reply",
        clock,
        expected_version=expected_version,
        touch=True,
        details={"result_class": reply.result_class, "disclosure": reply.disclosure},
    )
    return reply


def _reply_of(session: Session, assignment: Assignment) -> Reply | None:
    return session.scalar(select(Reply).where(Reply.assignment_id == assignment.id))


def _existing_reply(session: Session, assignment: Assignment) -> Reply:
    """The assignment's reply once a transition that needs one has been allowed."""
    return session.scalars(select(Reply).where(Reply.assignment_id == assignment.id)).one()


def sign_off(
    session: Session,
    actor: Actor,
    assignment_id: int,
    *,
    expected_version: int | None = None,
    today: date | None = None,
) -> Reply:
    clock = _clock(today)
    assignment = _assignment(session, actor, assignment_id)
    _act(session, actor, assignment, "sign_off", clock, expected_version=expected_version)
    reply = _existing_reply(session, assignment)
    reply.signed_off_by_id, reply.signed_off_at = actor.user_id, utcnow()
    return reply


def return_draft(
    session: Session,
    actor: Actor,
    assignment_id: int,
    *,
    reason: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> Assignment:
    clock = _clock(today)
    assignment = _assignment(session, actor, assignment_id)
    _act(
        session, actor, assignment, "return_draft", clock, expected_version=expected_version, reason=reason, touch=True
    )
    _existing_reply(session, assignment).returned_at = utcnow()
    return assignment


def submit_for_review(
    session: Session,
    actor: Actor,
    assignment_id: int,
    *,
    expected_version: int | None = None,
    today: date | None = None,
) -> Assignment:
    clock = _clock(today)
    assignment = _assignment(session, actor, assignment_id)
    _act(session, actor, assignment, "submit_for_review", clock, expected_version=expected_version)
    return assignment


def acknowledge(
    session: Session,
    actor: Actor,
    assignment_id: int,
    *,
    expected_version: int | None = None,
    today: date | None = None,
) -> Assignment:
    """A reference department has noted the item; when nothing more is owed the item closes."""
    clock = _clock(today)
    assignment = _assignment(session, actor, assignment_id)
    _act(session, actor, assignment, "acknowledge", clock, expected_version=expected_version)
    _end(session, assignment)
    item = assignment.item
    still_live = session.scalar(
        select(Assignment.id).where(Assignment.item_id == item.id, Assignment.state.in_(ASSIGNMENT_LIVE))
    )
    if still_live is None:
        _system(session, item, "close_without_reply", clock)
    return assignment


def waive_co_opinions(
    session: Session, actor: Actor, assignment_id: int, *, reason: str, today: date | None = None
) -> Assignment:
    clock = _clock(today)
    assignment = _assignment(session, actor, assignment_id)
    _act(session, actor, assignment, "waive_co_opinions", clock, reason=reason)
    session.add(CoOpinionWaiver(assignment_id=assignment.id, reason=reason.strip(), waived_by_id=actor.user_id))
    return assignment


def return_reply(
    session: Session,
    actor: Actor,
    assignment_id: int,
    *,
    reason: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> Assignment:
    clock = _clock(today)
    assignment = _assignment(session, actor, assignment_id)
    _act(session, actor, assignment, "return_reply", clock, expected_version=expected_version, reason=reason)
    reply = _existing_reply(session, assignment)
    reply.reviewed_by_id = actor.user_id
    return assignment


def _change_class(session: Session, actor: Actor, reply: Reply, to_class: str, reason: str, stage: str) -> None:
    if _profile().result_class(ItemKind(reply.assignment.item.kind), to_class) is None:
        raise ValidationFailed(
            _("Please correct the marked fields."),
            [Problem("field result_class", _("Choose a result class of this item kind's scheme"))],
        )
    if not reason.strip():
        raise ValidationFailed(
            _("A reason is required."), [Problem("field reason", _("Say why the result class changes."))]
        )
    session.add(
        ResultClassChange(
            reply=reply,
            from_class=reply.result_class,
            to_class=to_class,
            stage=stage,
            reason=reason.strip(),
            changed_by_id=actor.user_id,
            changed_by_name=actor.username,
        )
    )
    reply.result_class = to_class


def accept_reply(
    session: Session,
    actor: Actor,
    assignment_id: int,
    *,
    result_class: str | None = None,
    reason: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> Reply:
    """The office accepts the reply (optionally with another result class, history kept) and it is sent."""
    clock = _clock(today)
    assignment = _assignment(session, actor, assignment_id)
    _check(session, actor, assignment, "accept_reply", clock)
    reply = _existing_reply(session, assignment)
    if result_class and result_class != reply.result_class:
        _change_class(session, actor, reply, result_class, reason, "review")
    _act(
        session,
        actor,
        assignment,
        "accept_reply",
        clock,
        expected_version=expected_version,
        reason=reason or None,
        details={"result_class": reply.result_class},
    )
    reply.reviewed_by_id, reply.sent_at = actor.user_id, utcnow()
    deadlines.close_deadlines(session, assignment, ["reply", "reply_max", "rehandling_reply"], met_on=clock.today)
    deadlines.open_deadline(session, actor, assignment, "feedback", clock.today)
    deadlines.open_deadline(
        session, actor, assignment, "publication", clock.today
    )  # 公开, closed by app.services.disclosure
    _system(session, assignment.item, "mark_replied", clock)
    return reply


# ----------------------------------------------------------------------------- item actions


def _item(session: Session, actor: Actor, item_id: int) -> Item:
    return access.get_item_for(session, actor, item_id)


def request_feedback(
    session: Session, actor: Actor, item_id: int, *, expected_version: int | None = None, today: date | None = None
) -> Item:
    clock = _clock(today)
    item = _item(session, actor, item_id)
    _act(session, actor, item, "request_feedback", clock, expected_version=expected_version)
    return item


def record_feedback(
    session: Session,
    actor: Actor,
    item_id: int,
    *,
    level: str,
    given_by: str,
    handling_level: str | None = None,
    result_level: str | None = None,
    comment: str = "",
    received_on: date | None = None,
    source: str = "paper",
    expected_version: int | None = None,
    today: date | None = None,
) -> Feedback:
    """Record the round's feedback; a dissatisfied rating opens the next round, any other closes the item.

    source: "paper" (the office types in a 征询意见表) or "online" (the deputy on the portal; a deputy
    always gives it as the submitter, only on their own item, as lead or where the profile lets co-signers rate).
    """
    clock = _clock(today)
    profile = _profile()
    item = _item(session, actor, item_id)
    if actor.is_deputy:
        from app.domain.portal import portal_settings

        access.require_may_rate(
            session, actor, item.id, co_signers_may_rate=portal_settings(profile).co_signers_may_rate
        )
        source, given_by, received_on = "online", "submitter", None
    if source not in ("paper", "online"):
        raise ValidationFailed(_("Please correct the marked fields."), [Problem("field source", _("unknown source"))])
    _check(session, actor, item, "record_feedback", clock)
    problems = check_feedback(profile, level=level, given_by=given_by, comment=comment)
    for name, value in (("handling_level", handling_level), ("result_level", result_level)):
        if value and value not in {s.code for s in profile.satisfaction}:
            problems.append(DomainProblem(name, "Choose a level of the satisfaction scale"))
    _invalid(problems)
    _act(
        session,
        actor,
        item,
        "record_feedback",
        clock,
        expected_version=expected_version,
        touch=True,
        details={"round": item.round, "level": level, "given_by": given_by, "source": source},
    )
    feedback = Feedback(
        item_id=item.id,
        round=item.round,
        level=level,
        handling_level=handling_level or None,
        result_level=result_level or None,
        given_by=given_by,
        comment=comment.strip(),
        received_on=received_on or clock.today,
        recorded_by_id=actor.user_id,
        source=source,
    )
    session.add(feedback)
    session.flush()
    for assignment in facts.round_assignments(session, item):
        deadlines.close_deadlines(session, assignment, ["feedback"], met_on=feedback.received_on)
    if _system(session, item, "open_new_round", clock):
        _open_round(session, item, clock)
    elif _system(session, item, "close", clock):
        _end_live_assignments(session, item, "close_round", clock)
    return feedback


def _open_round(session: Session, item: Item, clock: Clock) -> None:
    """Round n is finished and kept; round n+1 goes to the same lead and split departments."""
    finished = facts.round_assignments(session, item)
    _end_live_assignments(session, item, "close_round", clock)
    item.round += 1
    system = Actor.system()
    for old in finished:
        if old.role in facts.REPLYING and old.state not in facts.ENDED_AWAY:
            create_assignment(
                session, system, item, old.department, old.role, assigned_on=clock.today, cause="rehandling"
            )


def close_item(
    session: Session, actor: Actor, item_id: int, *, expected_version: int | None = None, today: date | None = None
) -> Item:
    clock = _clock(today)
    item = _item(session, actor, item_id)
    _act(session, actor, item, "close", clock, expected_version=expected_version)
    _end_live_assignments(session, item, "close_round", clock)
    return item


def close_without_reply(
    session: Session, actor: Actor, item_id: int, *, expected_version: int | None = None, today: date | None = None
) -> Item:
    clock = _clock(today)
    item = _item(session, actor, item_id)
    _act(session, actor, item, "close_without_reply", clock, expected_version=expected_version)
    _end_live_assignments(session, item, "close_round", clock)
    return item


def change_result_class(
    session: Session, actor: Actor, reply_id: int, *, result_class: str, reason: str, today: date | None = None
) -> Reply:
    """回头看: the office changes a sent reply's result class later; the history keeps who and why."""
    clock = _clock(today)
    reply = session.get(Reply, reply_id)
    if reply is None or reply.sent_at is None:
        raise NotFound(_("No such reply."))
    item = _item(session, actor, reply.item_id)
    _check(session, actor, item, "change_result_class", clock)
    before = reply.result_class
    _change_class(session, actor, reply, result_class, reason, "follow_up")
    _act(
        session,
        actor,
        item,
        "change_result_class",
        clock,
        reason=reason,
        details={"reply_id": reply.id, "from": before, "to": result_class},
    )
    return reply


def merge(
    session: Session,
    actor: Actor,
    item_id: int,
    *,
    into_item_id: int,
    reason: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> ItemMerge:
    clock = _clock(today)
    item = _item(session, actor, item_id)
    target = session.get(Item, into_item_id)
    _act(
        session,
        actor,
        item,
        "merge",
        clock,
        expected_version=expected_version,
        reason=reason,
        merge_target=target,
        details={"into_item_id": into_item_id},
    )
    assert target is not None  # the merge guard refuses a missing target
    item.merged_into_id = target.id
    merge_row = ItemMerge(item_id=item.id, into_item_id=target.id, reason=reason.strip(), merged_by_id=actor.user_id)
    session.add(merge_row)
    _end_live_assignments(session, item, "cancel", clock)
    return merge_row


def withdraw(
    session: Session,
    actor: Actor,
    item_id: int,
    *,
    reason: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> Item:
    clock = _clock(today)
    item = _item(session, actor, item_id)
    _act(session, actor, item, "withdraw", clock, expected_version=expected_version, reason=reason)
    _end_live_assignments(session, item, "cancel", clock)
    return item


# ----------------------------------------------------------------------------- assigning


def assign(
    session: Session,
    actor: Actor,
    item_id: int,
    plan: list[tuple[str, str]],
    *,
    expected_version: int | None = None,
    today: date | None = None,
) -> list[Assignment]:
    """交办: create the assignments (department code, role) with their deadlines and mark the item assigned.

    Routing proposes the plan; this is the one place that turns it into assignments.
    """
    clock = _clock(today)
    item = _item(session, actor, item_id)
    roles = [role for _code, role in plan]
    problems = []
    if not plan:
        problems.append(Problem("field plan", _("Name at least one department.")))
    if roles.count(AssignmentRole.LEAD.value) > 1:
        problems.append(Problem("field plan", _("An item has at most one lead department.")))
    if AssignmentRole.CO.value in roles and AssignmentRole.LEAD.value not in roles:
        problems.append(Problem("field plan", _("Co-handlers need a lead department.")))
    codes = [code for code, _role in plan]
    if len(set(codes)) != len(codes):
        problems.append(Problem("field plan", _("A department appears twice.")))
    if problems:
        raise ValidationFailed(_("The assignment plan is not valid."), problems)
    departments = [(_department(session, code), AssignmentRole(role).value) for code, role in plan]
    _act(session, actor, item, "assign", clock, expected_version=expected_version, details={"plan": plan})
    return [
        create_assignment(
            session,
            actor,
            item,
            department,
            role,
            assigned_on=clock.today,
        )
        for department, role in departments
    ]
