"""Work queues per role, on the one list mechanism.

A department sees its assignments in queues: 待签收, 办理中, 即将到期, 已超期, 退回修改, and the
unit head 待我签发. The office's queues are counts with links into the lists that hold them
(待审核拟办, 待交办, 待审核答复, 改办/延期申请, 待反馈, 已超期). The navigation shows how many
items wait for the user's action; every count here is one indexed query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, select
from sqlalchemy.orm import Session, selectinload

from app.db.models import Assignment, Item
from app.db.models.deadlines import ExtensionRequest
from app.db.models.routing import RoutingRecord
from app.db.models.workflow import ReassignmentRequest, Reply
from app.domain.enums import AssignmentRole, AssignmentState, ItemState, Role
from app.domain.text import N_
from app.i18n import _
from app.services import access
from app.services.actor import Actor
from app.services.errors import Forbidden
from app.services.listing import FilterSpec, ListPage, ListQuery, ListSpec, count, run_page, search_clause

S = AssignmentState
DUE_SOON_DAYS = 10  # 即将到期: a deadline within this many calendar days
# the department still owes something on these
WAITING = (
    S.PENDING_SIGNATURE.value,
    S.SIGNED.value,
    S.REASSIGNMENT_REQUESTED.value,
    S.DRAFTING.value,
    S.SIGNED_OFF.value,
    S.UNDER_REVIEW.value,
    S.RETURNED.value,
)
REPLYING = (AssignmentRole.LEAD.value, AssignmentRole.SPLIT.value)


@dataclass(frozen=True)
class Queue:
    key: str
    label: str  # English msgid
    condition: Callable[[date], ColumnElement[bool]]
    roles: frozenset[Role] = frozenset({Role.DEPT_HANDLER, Role.DEPT_LEADER})
    action_needed: bool = False  # counted in the navigation badge


def _has_draft() -> ColumnElement[bool]:
    return exists().where(Reply.assignment_id == Assignment.id)


DEPARTMENT_QUEUES: tuple[Queue, ...] = (
    Queue(
        "to_sign",
        N_("To sign for"),
        lambda _today: Assignment.state == S.PENDING_SIGNATURE.value,
        action_needed=True,
    ),
    Queue(
        "to_sign_off",
        N_("Awaiting my sign-off"),
        lambda _today: and_(Assignment.state == S.DRAFTING.value, Assignment.role.in_(REPLYING), _has_draft()),
        roles=frozenset({Role.DEPT_LEADER}),
        action_needed=True,
    ),
    Queue("in_hand", N_("In hand"), lambda _today: Assignment.state.in_(WAITING)),
    Queue(
        "due_soon",
        N_("Due soon"),
        lambda today: and_(
            Assignment.state.in_(WAITING),
            Assignment.due_on >= today,
            Assignment.due_on <= today + timedelta(days=DUE_SOON_DAYS),
        ),
    ),
    Queue(
        "overdue",
        N_("Overdue"),
        lambda today: and_(Assignment.state.in_(WAITING), Assignment.due_on < today),
        action_needed=True,
    ),
    Queue(
        "returned",
        N_("Returned for rework"),
        lambda _today: Assignment.state == S.RETURNED.value,
        action_needed=True,
    ),
)
QUEUE_KEYS = tuple(q.key for q in DEPARTMENT_QUEUES)


def queues_for(actor: Actor) -> list[Queue]:
    return [q for q in DEPARTMENT_QUEUES if actor.role in q.roles]


INBOX_SPEC = ListSpec(
    filters={
        "queue": FilterSpec("choice", QUEUE_KEYS),
        "state": FilterSpec("choice", tuple(s.value for s in AssignmentState), multiple=True),
        "role": FilterSpec("choice", tuple(r.value for r in AssignmentRole)),
        "key": FilterSpec("bool"),
        "finished": FilterSpec("bool"),  # also what is done (sent, opinions given, ended)
        "q": FilterSpec("text"),  # number or title of the item
    },
    sorts={
        "number": Item.number,
        "title": Item.title,
        "role": Assignment.role,
        "round": Assignment.round,
        "state": Assignment.state,
        "due": Assignment.due_on,
        "key": Item.key_supervision,
    },
    tiebreak=Assignment.id,
    default_sort="due",
)


def _queue(key: str) -> Queue:
    return next(q for q in DEPARTMENT_QUEUES if q.key == key)


def _own_assignments(actor: Actor) -> Select[Any]:
    """The actor's own department's assignments with their items, scoped first."""
    return access.scope_assignments(select(Assignment).join(Item, Item.id == Assignment.item_id), actor)


def inbox_statement(actor: Actor, filters: dict[str, Any] | Any, today: date) -> Select[Any]:
    """The actor's own department's assignments (scoped first), narrowed by the inbox filters."""
    stmt = _own_assignments(actor)
    if filters.get("queue"):
        stmt = stmt.where(_queue(filters["queue"]).condition(today))
    elif not filters.get("finished") and not filters.get("state"):
        stmt = stmt.where(Assignment.state.in_(WAITING))  # open work: last year's replied items stay out
    if filters.get("state"):
        stmt = stmt.where(Assignment.state.in_(list(filters["state"])))
    if filters.get("role"):
        stmt = stmt.where(Assignment.role == filters["role"])
    if filters.get("key"):
        stmt = stmt.where(Item.key_supervision.is_(True))
    if filters.get("q"):
        stmt = stmt.where(search_clause([Item.number, Item.title], filters["q"]))
    return stmt


@dataclass(frozen=True)
class InboxEntry:
    assignment: Assignment
    item: Item
    overdue: bool
    days_left: int | None


def list_inbox(session: Session, actor: Actor, query: ListQuery, today: date) -> ListPage:
    """One page of the department's assignments; rows are InboxEntry."""
    if not actor.is_department:
        raise Forbidden(_("Only departments have an inbox."))
    stmt = inbox_statement(actor, query.filters, today).options(
        selectinload(Assignment.item).selectinload(Item.session)
    )
    page = run_page(session, stmt, query)
    rows = []
    for assignment in page.rows:
        due = assignment.due_on
        late = bool(assignment.state in WAITING and due is not None and due < today)
        rows.append(InboxEntry(assignment, assignment.item, late, (due - today).days if due else None))
    page.rows = rows
    return page


def department_counts(session: Session, actor: Actor, today: date) -> dict[str, int]:
    """Queue key -> how many of the department's assignments are in it (one query for all queues:
    the counts are on every page of a department user, in the navigation badge)."""
    own = queues_for(actor)
    counts = (func.count(case((q.condition(today), Assignment.id))) for q in own)
    totals = session.execute(_own_assignments(actor).with_only_columns(*counts)).one()
    return {q.key: int(total) for q, total in zip(own, totals, strict=True)}


@dataclass(frozen=True)
class OfficeQueue:
    key: str
    label: str  # English msgid
    count: int
    href: str


def office_queues(session: Session, actor: Actor, today: date) -> list[OfficeQueue]:
    """The office's six queues with links into the lists that hold them."""
    access.require_office(actor)

    def routing(*statuses: str) -> int:
        return count(
            session,
            select(RoutingRecord.id).where(RoutingRecord.current.is_(True), RoutingRecord.status.in_(statuses)),
        )

    undecided = routing("proposed", "manual")  # 待审核拟办
    to_assign = routing("accepted", "overridden")  # 待交办: confirmed, not yet assigned
    to_review = count(session, select(Assignment.id).where(Assignment.state == S.UNDER_REVIEW.value))
    requests = count(session, select(ReassignmentRequest.id).where(ReassignmentRequest.decision == "pending")) + count(
        session, select(ExtensionRequest.id).where(ExtensionRequest.status == "requested")
    )
    feedback = count(
        session,
        select(Item.id).where(Item.state.in_([ItemState.REPLIED.value, ItemState.AWAITING_FEEDBACK.value])),
    )
    overdue = count(session, select(Item.id).where(Item.open_due_on < today))
    return [
        OfficeQueue("routing", N_("Routing proposals to review"), undecided, "/routing"),
        OfficeQueue("to_assign", N_("To assign"), to_assign, "/routing"),
        OfficeQueue("replies", N_("Replies to review"), to_review, "/review"),
        OfficeQueue("requests", N_("Reassignment and extension requests"), requests, "/review?tab=requests"),
        OfficeQueue("feedback", N_("Awaiting feedback"), feedback, "/review?tab=feedback"),
        OfficeQueue("overdue", N_("Overdue"), overdue, "/items?overdue=1"),
    ]


def nav_counts(session: Session, actor: Actor, today: date) -> dict[str, int]:
    """Navigation path -> how many things wait there for this user's action (shown as a badge)."""
    if actor.is_department:
        counts = department_counts(session, actor, today)
        return {"/inbox": sum(counts[q.key] for q in queues_for(actor) if q.action_needed)}
    if actor.is_office:
        to_review = count(session, select(Assignment.id).where(Assignment.state == S.UNDER_REVIEW.value))
        requests = count(session, select(ReassignmentRequest.id).where(ReassignmentRequest.decision == "pending"))
        return {"/review": to_review + requests}
    return {}
