"""The office's review queue on the one list mechanism: one tab per kind of work (replies to review,
reassignment requests, items waiting for feedback), each searched, sorted and paged alike."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from app.db.models import Assignment, Department, Item
from app.db.models.deadlines import ExtensionRequest
from app.db.models.workflow import ReassignmentRequest
from app.domain.enums import AssignmentState, ItemState
from app.domain.text import N_
from app.services import access
from app.services.actor import Actor
from app.services.listing import FilterSpec, ListPage, ListSpec, count, parse, run_page, search_clause

FEEDBACK_STATES = (ItemState.REPLIED.value, ItemState.AWAITING_FEEDBACK.value)
_TEXT = {"q": FilterSpec("text"), "department": FilterSpec("text")}


def _department_name(column: Any) -> Any:
    return select(Department.short_name).where(Department.id == column).scalar_subquery()


@dataclass(frozen=True)
class ReviewTab:
    key: str
    label: str  # English msgid
    spec: ListSpec


TABS = (
    ReviewTab(
        "replies",
        N_("Replies waiting for review"),
        ListSpec(
            filters=_TEXT,
            sorts={
                "number": Item.number,
                "title": Item.title,
                "department": _department_name(Assignment.department_id),
                "round": Assignment.round,
                "due": Assignment.due_on,
                "waiting": Assignment.updated_at,
            },
            tiebreak=Assignment.id,
            default_sort="waiting",
        ),
    ),
    ReviewTab(
        "requests",
        N_("Reassignment requests"),
        ListSpec(
            filters=_TEXT,
            sorts={
                "number": Item.number,
                "title": Item.title,
                "department": _department_name(Assignment.department_id),
                "waiting": ReassignmentRequest.requested_at,
            },
            tiebreak=ReassignmentRequest.id,
            default_sort="waiting",
        ),
    ),
    ReviewTab(
        "feedback",
        N_("Waiting for feedback"),
        ListSpec(
            filters={"q": FilterSpec("text")},
            sorts={
                "number": Item.number,
                "title": Item.title,
                "state": Item.state,
                "round": Item.round,
                "waiting": Item.updated_at,
            },  # fmt: skip
            tiebreak=Item.id,
            default_sort="waiting",
        ),
    ),
)
TAB_KEYS = tuple(t.key for t in TABS)


def tab(key: str | None) -> ReviewTab:
    return next((t for t in TABS if t.key == key), TABS[0])


def _statement(key: str, filters: Mapping[str, Any]) -> Select[Any]:
    stmt: Select[Any]
    if key == "replies":
        stmt = (
            select(Assignment)
            .join(Item, Item.id == Assignment.item_id)
            .where(Assignment.state == AssignmentState.UNDER_REVIEW.value)
            .options(selectinload(Assignment.item), selectinload(Assignment.department))
        )
    elif key == "requests":
        stmt = (
            select(ReassignmentRequest)
            .join(Assignment, Assignment.id == ReassignmentRequest.assignment_id)
            .join(Item, Item.id == ReassignmentRequest.item_id)
            .where(ReassignmentRequest.decision == "pending")
            .options(selectinload(ReassignmentRequest.assignment).selectinload(Assignment.item))
        )
    else:
        stmt = select(Item).where(Item.state.in_(FEEDBACK_STATES))
    if filters.get("q"):
        stmt = stmt.where(search_clause([Item.number, Item.title], filters["q"]))
    if filters.get("department") and key != "feedback":
        stmt = stmt.where(
            Assignment.department_id.in_(select(Department.id).where(Department.code == filters["department"]))
        )
    return stmt


def review_page(
    session: Session, actor: Actor, key: str, raw: Mapping[str, list[str]]
) -> tuple[ListPage, dict[str, int]]:
    """One page of the chosen tab, and every tab's count (with the same search)."""
    access.require_office(actor)
    chosen = tab(key)
    query = parse({k: v for k, v in raw.items() if k != "tab"}, chosen.spec)
    page = run_page(session, _statement(chosen.key, query.filters), query)
    counts = {
        t.key: count(session, _statement(t.key, {k: v for k, v in query.filters.items() if k in t.spec.filters}))
        for t in TABS
    }
    return page, counts


def pending_extensions(session: Session) -> int:
    """Extension requests wait on the supervision board; the review queue says how many."""
    return session.scalar(select(func.count(ExtensionRequest.id)).where(ExtensionRequest.status == "requested")) or 0
