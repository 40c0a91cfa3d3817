"""What the handling pages and the API show: inbox, review queue, the item page, attachments.

Everything is scoped by app.services.access: a department user sees only items its department
handles (or handled), other departments' reply drafts and opinions only once they are sent,
and co-handlers' opinions only when it leads the item.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.db.models import Assignment, AuditEntry, Department, Item, User
from app.db.models.workflow import (
    Attachment,
    Communication,
    CoOpinion,
    Feedback,
    ItemMerge,
    ReassignmentRequest,
    Reply,
)
from app.domain.audit_labels import SYSTEM_ACTIONS, audit_label
from app.domain.enums import AssignmentRole, AssignmentState, ItemState
from app.domain.lifecycle import ASSIGNMENT_LIVE, GuardContext, Transition, offered_actions, refused_actions
from app.i18n import _
from app.services import access
from app.services.actor import Actor
from app.services.errors import NotFound
from app.services.workflow import facts
from app.services.workflow.actions import Clock, _profile
from app.services.workflow.files import attachments_of

# The department's own work waiting, most urgent first.
INBOX_ORDER = [
    AssignmentState.PENDING_SIGNATURE,
    AssignmentState.RETURNED,
    AssignmentState.SIGNED,
    AssignmentState.DRAFTING,
    AssignmentState.SIGNED_OFF,
    AssignmentState.REASSIGNMENT_REQUESTED,
    AssignmentState.UNDER_REVIEW,
    AssignmentState.OPINION_SENT,
    AssignmentState.SENT,
]


@dataclass
class InboxRow:
    assignment: Assignment
    item: Item
    overdue: bool
    days_left: int | None


def inbox(
    session: Session, actor: Actor, *, today: date | None = None, include_finished: bool = False
) -> list[InboxRow]:
    """The actor's department's assignments: overdue first, then by deadline; key items marked by the page."""
    today = today or Clock.now().today
    stmt = select(Assignment).options(selectinload(Assignment.item).selectinload(Item.session))
    stmt = access.scope_assignments(stmt, actor)
    if not include_finished:
        stmt = stmt.where(Assignment.state.in_([s.value for s in INBOX_ORDER]))
    rows = []
    for assignment in session.scalars(stmt):
        waiting = assignment.state not in (AssignmentState.SENT, AssignmentState.OPINION_SENT, *facts.ENDED_AWAY)
        due = assignment.due_on
        overdue = bool(waiting and due is not None and due < today)
        rows.append(InboxRow(assignment, assignment.item, overdue, (due - today).days if due else None))
    rows.sort(
        key=lambda r: (
            not r.overdue,
            r.assignment.state in (AssignmentState.SENT, AssignmentState.OPINION_SENT, AssignmentState.CLOSED),
            r.assignment.due_on or date.max,
            r.item.id,
        )
    )
    return rows


def review_queue(session: Session, actor: Actor) -> dict[str, list[Any]]:
    """The office's queue: replies to review, reassignment requests, items waiting for feedback."""
    access.require_office(actor)
    under_review = session.scalars(
        select(Assignment)
        .where(Assignment.state == AssignmentState.UNDER_REVIEW.value)
        .options(selectinload(Assignment.item), selectinload(Assignment.department))
        .order_by(Assignment.updated_at)
    ).all()
    requests = session.scalars(
        select(ReassignmentRequest)
        .where(ReassignmentRequest.decision == "pending")
        .options(selectinload(ReassignmentRequest.assignment).selectinload(Assignment.item))
        .order_by(ReassignmentRequest.requested_at)
    ).all()
    feedback_due = session.scalars(
        select(Item)
        .where(Item.state.in_([ItemState.REPLIED.value, ItemState.AWAITING_FEEDBACK.value]))
        .order_by(Item.updated_at)
    ).all()
    return {"under_review": list(under_review), "reassignment_requests": list(requests), "feedback": list(feedback_due)}


@dataclass
class TimelineEntry:
    at: datetime
    actor_name: str
    entity: str
    entity_id: int | None
    action: str
    before_state: str | None
    after_state: str | None
    reason: str | None
    department: str | None = None
    label: str = ""  # English msgid naming the action (app/domain/audit_labels.py)
    count: int = 1  # repeated system entries shown as one
    departments: list[str] = field(default_factory=list)


def _groupable(entry: TimelineEntry) -> bool:
    return entry.action in SYSTEM_ACTIONS or entry.actor_name == "system"


_Key = tuple[str, str, str | None, str | None, str | None]


def _key(entry: TimelineEntry) -> _Key:
    return (entry.action, entry.actor_name, entry.before_state, entry.after_state, entry.reason)


def _within(first: TimelineEntry, entry: TimelineEntry, seconds: int = 600) -> bool:
    try:
        return abs((entry.at - first.at).total_seconds()) <= seconds
    except TypeError:
        return False


def group_timeline(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """Repeated system entries written together (e.g. an assignment created and its deadlines set for
    each of three departments) are shown once each, with a count and the departments named."""
    grouped: list[TimelineEntry] = []
    burst: dict[_Key, TimelineEntry] = {}  # the current run of system entries: key -> shown entry
    burst_start: TimelineEntry | None = None
    for entry in (replace(e) for e in entries):
        entry.departments = [entry.department] if entry.department else []
        if not _groupable(entry):
            burst, burst_start = {}, None
            grouped.append(entry)
            continue
        if burst_start is None or entry.actor_name != burst_start.actor_name or not _within(burst_start, entry):
            burst, burst_start = {}, entry
        shown = burst.get(_key(entry))
        if shown is None:
            burst[_key(entry)] = entry
            grouped.append(entry)
            continue
        shown.count += 1
        if entry.department and entry.department not in shown.departments:
            shown.departments.append(entry.department)
    return grouped


@dataclass
class RoundView:
    number: int
    assignments: list[Assignment]
    replies: list[Reply]
    opinions: list[CoOpinion]
    communications: list[Communication]
    feedback: Feedback | None


@dataclass
class AssignmentActions:
    assignment: Assignment
    actions: list[Transition]
    # actions this user could take from this state but not now, with the reason (English msgid)
    refused: list[tuple[Transition, str]] = field(default_factory=list)


@dataclass
class ItemPage:
    item: Item
    rounds: list[RoundView]
    timeline: list[TimelineEntry]
    item_actions: list[Transition]
    assignment_actions: list[AssignmentActions]
    attachments: dict[tuple[str, int], list[Attachment]]
    reassignment_requests: list[ReassignmentRequest]
    merged_items: list[ItemMerge]
    merged_into: Item | None
    departments: dict[int, Department]
    users: dict[int, str]
    own_assignments: list[Assignment] = field(default_factory=list)
    item_refused: list[tuple[Transition, str]] = field(default_factory=list)
    # a merged item's submitter is answered by the replies of the item it was merged into
    replies_for_merged: list[Reply] = field(default_factory=list)

    def grouped_timeline(self) -> list[TimelineEntry]:
        """The timeline for the page: repeated system entries shown once, with a count."""
        return group_timeline(self.timeline)

    def files(self, owner_type: str, owner_id: int) -> list[Attachment]:
        return self.attachments.get((owner_type, owner_id), [])


def _may_see_reply(actor: Actor, reply: Reply | None, lead_departments: set[int]) -> bool:
    if not actor.is_department:
        return True
    if reply is None:
        return False
    return reply.assignment.department_id == actor.department_id or reply.sent_at is not None


def _may_see_opinion(actor: Actor, opinion: CoOpinion | None, lead_departments: set[int]) -> bool:
    if not actor.is_department:
        return True
    if opinion is None:
        return False
    if opinion.assignment.department_id == actor.department_id:
        return True
    return actor.department_id in lead_departments and opinion.sent_at is not None


def item_page(session: Session, actor: Actor, item_id: int, *, today: date | None = None) -> ItemPage:
    clock = Clock(today) if today else Clock.now()
    profile = _profile()
    item = access.get_item_for(session, actor, item_id)
    assignments = session.scalars(
        select(Assignment)
        .where(Assignment.item_id == item.id)
        .options(selectinload(Assignment.department))
        .order_by(Assignment.round, Assignment.id)
    ).all()
    leads = {a.department_id for a in assignments if a.role == AssignmentRole.LEAD.value}
    replies = [
        r
        for r in session.scalars(select(Reply).where(Reply.item_id == item.id).order_by(Reply.id))
        if _may_see_reply(actor, r, leads)
    ]
    opinions = [
        o
        for o in session.scalars(select(CoOpinion).where(CoOpinion.item_id == item.id).order_by(CoOpinion.id))
        if _may_see_opinion(actor, o, leads)
    ]
    communications = session.scalars(
        select(Communication).where(Communication.item_id == item.id).order_by(Communication.happened_at)
    ).all()
    feedback = {f.round: f for f in session.scalars(select(Feedback).where(Feedback.item_id == item.id))}
    rounds = [
        RoundView(
            number=n,
            assignments=[a for a in assignments if a.round == n],
            replies=[r for r in replies if r.round == n],
            opinions=[o for o in opinions if o.round == n],
            communications=[c for c in communications if c.round == n],
            feedback=feedback.get(n),
        )
        for n in range(item.round, 0, -1)
    ]
    attachments: dict[tuple[str, int], list[Attachment]] = {}
    for owner_type, owners in (("reply", replies), ("opinion", opinions), ("communication", communications)):
        for owner_id, files in attachments_of(session, owner_type, [o.id for o in owners]).items():
            attachments[(owner_type, owner_id)] = files

    item_context = facts.item_facts(session, item, profile, clock.today)
    # the merge target is chosen in the form and checked when submitted
    item_context = GuardContext({**item_context.facts, "merge_target_ok": True})
    item_actions = offered_actions("item", item.state, actor.role, item_context) if actor.is_office else []
    item_refused = refused_actions("item", item.state, actor.role, item_context) if actor.is_office else []
    assignment_actions = []
    for a in assignments:
        if a.state not in ASSIGNMENT_LIVE:
            continue
        if actor.is_department and a.department_id != actor.department_id:
            continue
        if not (actor.is_department or actor.is_office):
            continue
        context = facts.assignment_facts(session, a, profile, clock.today)
        offered = offered_actions("assignment", a.state, actor.role, context, a.role)
        refused = refused_actions("assignment", a.state, actor.role, context, a.role)
        if offered or refused:
            assignment_actions.append(AssignmentActions(a, offered, refused))

    requests = session.scalars(
        select(ReassignmentRequest).where(ReassignmentRequest.item_id == item.id).order_by(ReassignmentRequest.id)
    ).all()
    if actor.is_department:
        requests = [r for r in requests if r.assignment.department_id == actor.department_id]
    merged_items = session.scalars(select(ItemMerge).where(ItemMerge.into_item_id == item.id)).all()
    merged_into = session.get(Item, item.merged_into_id) if item.merged_into_id else None
    departments = {d.id: d for d in session.scalars(select(Department))}
    user_ids = {r.drafted_by_id for r in replies} | {r.signed_off_by_id for r in replies}
    user_ids |= {c.recorded_by_id for c in communications}
    users = {u.id: (u.display_name or u.username) for u in session.scalars(select(User).where(User.id.in_(user_ids)))}
    return ItemPage(
        item=item,
        rounds=rounds,
        timeline=timeline(session, actor, item, assignments, departments),
        item_actions=item_actions,
        item_refused=item_refused,
        assignment_actions=assignment_actions,
        attachments=attachments,
        reassignment_requests=list(requests),
        merged_items=list(merged_items),
        merged_into=merged_into,
        departments=departments,
        users=users,
        own_assignments=[a for a in assignments if actor.is_department and a.department_id == actor.department_id],
        replies_for_merged=list(
            session.scalars(
                select(Reply).where(Reply.item_id == merged_into.id, Reply.sent_at.is_not(None)).order_by(Reply.id)
            )
        )
        if merged_into is not None
        else [],
    )


def timeline(
    session: Session, actor: Actor, item: Item, assignments: Sequence[Assignment], departments: dict[int, Department]
) -> list[TimelineEntry]:
    """The item's history from the audit log (item rows and its assignments' rows), oldest first."""
    by_id = {a.id: a for a in assignments}
    visible = set(by_id)
    stmt = select(AuditEntry).where(
        ((AuditEntry.entity == "item") & (AuditEntry.entity_id == item.id))
        | ((AuditEntry.entity == "assignment") & (AuditEntry.entity_id.in_(visible or {-1})))
    )
    entries = []
    for row in session.scalars(stmt.order_by(AuditEntry.id)):
        department = None
        if row.entity == "assignment" and row.entity_id is not None:
            department = departments[by_id[row.entity_id].department_id].short_name
        entries.append(
            TimelineEntry(
                at=row.at,
                actor_name=row.actor_name,
                entity=row.entity,
                entity_id=row.entity_id,
                action=row.action,
                before_state=(row.before or {}).get("state"),
                after_state=(row.after or {}).get("state"),
                reason=row.reason,
                department=department,
                label=audit_label(row.action),
            )
        )
    return entries


def attachment_for(session: Session, actor: Actor, attachment_id: int) -> Attachment:
    """The attachment if the actor may see its owner (same rule as the item page); NotFound otherwise."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound(_("No such file."))
    try:
        access.get_item_for(session, actor, attachment.item_id)
    except NotFound:
        raise NotFound(_("No such file.")) from None
    if actor.is_department:
        assignments = session.scalars(select(Assignment).where(Assignment.item_id == attachment.item_id)).all()
        leads = {a.department_id for a in assignments if a.role == AssignmentRole.LEAD.value}
        if attachment.owner_type == "reply":
            reply = session.get(Reply, attachment.owner_id)
            allowed = _may_see_reply(actor, reply, leads)
        elif attachment.owner_type == "opinion":
            allowed = _may_see_opinion(actor, session.get(CoOpinion, attachment.owner_id), leads)
        else:
            allowed = True
        if not allowed:
            raise NotFound(_("No such file."))
    return attachment


def reply_for(session: Session, actor: Actor, reply_id: int) -> Reply:
    reply = session.get(Reply, reply_id)
    if reply is None:
        raise NotFound(_("No such reply."))
    try:
        access.get_item_for(session, actor, reply.item_id)
    except NotFound:
        raise NotFound(_("No such reply.")) from None
    if actor.is_department:
        assignments = session.scalars(select(Assignment).where(Assignment.item_id == reply.item_id)).all()
        leads = {a.department_id for a in assignments if a.role == AssignmentRole.LEAD.value}
        if not _may_see_reply(actor, reply, leads):
            raise NotFound(_("No such reply."))
    return reply
