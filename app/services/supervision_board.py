"""The office's supervision board (督办看板): open deadlines in five sections, by department.

Sections: due this week (today to Sunday), overdue, key-supervision items, co-handler opinions
late, feedback not received in time. Rows are grouped by department and can be sorted.
Department users calling it see their own department's rows only (access scoping).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from app.db.models import Assignment, AuditEntry, Department, Item
from app.db.models.deadlines import DeadlineRecord
from app.domain.calendar import WorkingCalendar
from app.services.access import scope_assignments
from app.services.actor import Actor
from app.services.listing import FilterSpec, ListPage, ListQuery, ListSpec, run_page, search_clause
from app.services.supervision import open_deadlines

SECTIONS = ("due_this_week", "overdue", "key_items", "co_opinions_late", "feedback_missing")
SORT_KEYS = ("due", "department", "item", "overdue")
#: Deadlines the board follows (the windows for reassignment and publication are shown on the item page).
BOARD_RULES = ("reply", "co_opinion", "rehandling_reply", "feedback", "reassignment_answer", "publication")


@dataclass(frozen=True)
class BoardRow:
    deadline_id: int
    assignment_id: int
    item_id: int
    item_number: str
    item_title: str
    item_kind: str
    department_code: str
    department_name: str
    role: str
    state: str
    rule: str
    due: date
    days_overdue: int
    working_days_left: int  # working days in (today, due]; negative when overdue
    key_supervision: bool
    has_warning: bool
    override_kind: str | None
    explanation: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "deadline_id": self.deadline_id,
            "assignment_id": self.assignment_id,
            "item_id": self.item_id,
            "item_number": self.item_number,
            "item_title": self.item_title,
            "item_kind": self.item_kind,
            "department": self.department_code,
            "department_name": self.department_name,
            "role": self.role,
            "state": self.state,
            "rule": self.rule,
            "due": self.due.isoformat(),
            "days_overdue": self.days_overdue,
            "working_days_left": self.working_days_left,
            "key_supervision": self.key_supervision,
            "calendar_warning": self.has_warning,
            "override": self.override_kind,
        }


@dataclass
class Board:
    today: date
    week_end: date
    sections: dict[str, list[BoardRow]] = field(default_factory=dict)

    def grouped(self, section: str) -> list[tuple[str, list[BoardRow]]]:
        """Rows of a section grouped by department name, departments in order of first appearance."""
        groups: dict[str, list[BoardRow]] = {}
        for row in self.sections.get(section, []):
            groups.setdefault(row.department_name, []).append(row)
        return list(groups.items())

    def as_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "week_end": self.week_end.isoformat(),
            "sections": {name: [row.as_dict() for row in rows] for name, rows in self.sections.items()},
        }


def _sort_key(sort: str) -> Callable[[BoardRow], tuple[Any, ...]]:
    if sort == "department":
        return lambda r: (r.department_name, r.due, r.item_number)
    if sort == "item":
        return lambda r: (r.item_number, r.due)
    if sort == "overdue":
        return lambda r: (-r.days_overdue, r.due, r.department_name)
    return lambda r: (r.due, r.department_name, r.item_number)


def _statement(actor: Actor) -> Any:
    """(deadline, assignment, item, department) rows of the open deadlines the board follows, scoped."""
    return scope_assignments(open_deadlines().where(DeadlineRecord.rule.in_(BOARD_RULES)), actor)


def _row(record: DeadlineRecord, assignment: Assignment, item: Item, department: Department, today: date,
         calendar: WorkingCalendar) -> BoardRow:  # fmt: skip
    return BoardRow(
        deadline_id=record.id,
        assignment_id=assignment.id,
        item_id=item.id,
        item_number=item.number,
        item_title=item.title,
        item_kind=item.kind,
        department_code=department.code,
        department_name=department.short_name,
        role=assignment.role,
        state=assignment.state,
        rule=record.rule,
        due=record.due_on,
        days_overdue=max(0, (today - record.due_on).days),
        working_days_left=calendar.working_days_between(today, record.due_on),
        key_supervision=item.key_supervision,
        has_warning=record.has_warning,
        override_kind=record.override_kind,
        explanation=record.explanation,
    )


def week_end_of(today: date) -> date:
    return today + timedelta(days=6 - today.weekday())


def section_clause(name: str, today: date) -> ColumnElement[bool]:
    """The SQL form of each section (the same rules as build_board's, row by row)."""
    due = DeadlineRecord.due_on
    if name == "due_this_week":
        return and_(due >= today, due <= week_end_of(today))
    if name == "overdue":
        return and_(due < today, DeadlineRecord.rule.in_(("reply", "rehandling_reply", "reassignment_answer")))
    if name == "key_items":
        return and_(Item.key_supervision.is_(True), DeadlineRecord.rule.in_(("reply", "rehandling_reply")))
    if name == "co_opinions_late":
        return and_(DeadlineRecord.rule == "co_opinion", due < today)
    return and_(DeadlineRecord.rule == "feedback", due < today)


BOARD_SPEC = ListSpec(
    filters={
        "section": FilterSpec("choice", SECTIONS),  # one section, paged; none: the first rows of each
        "department": FilterSpec("text"),  # department code
        "q": FilterSpec("text"),  # item number or title
    },
    sorts={
        "due": DeadlineRecord.due_on,
        "overdue": DeadlineRecord.due_on,  # the most overdue first: the earliest deadline
        "department": Department.short_name,
        "item": Item.number,
    },
    tiebreak=DeadlineRecord.id,
    default_sort="due",
    default_per_page=20,
)


@dataclass
class BoardPage:
    """The board page: each shown section's rows (one page of it), every section's count."""

    board: Board
    counts: dict[str, int]
    page: ListPage  # the paged section's page, or the first section's when all are shown


def board_page(session: Session, actor: Actor, today: date, calendar: WorkingCalendar, query: ListQuery) -> BoardPage:
    base = _statement(actor)
    if query.get("department"):
        base = base.where(Department.code == query.get("department"))
    if query.get("q"):
        base = base.where(search_clause([Item.number, Item.title], query.get("q")))
    counts = {
        name: session.scalar(select(func.count()).select_from(base.where(section_clause(name, today)).subquery())) or 0
        for name in SECTIONS
    }
    shown = [query.get("section")] if query.get("section") else list(SECTIONS)
    sections: dict[str, list[BoardRow]] = {}
    page: ListPage | None = None
    for name in shown:
        paged = query if query.get("section") else replace(query, page=1)
        one = run_page(session, base.where(section_clause(name, today)), paged, scalars=False)
        sections[name] = [_row(r, a, i, d, today, calendar) for r, a, i, d in one.rows]
        page = page or one
    assert page is not None
    return BoardPage(Board(today, week_end_of(today), sections), counts, page)


def build_board(session: Session, actor: Actor, today: date, calendar: WorkingCalendar, sort: str = "due") -> Board:
    rows = [_row(r, a, i, d, today, calendar) for r, a, i, d in session.execute(_statement(actor)).all()]
    week_end = week_end_of(today)
    key = _sort_key(sort if sort in SORT_KEYS else "due")
    sections = {
        "due_this_week": [r for r in rows if today <= r.due <= week_end],
        "overdue": [
            r for r in rows if r.due < today and r.rule in ("reply", "rehandling_reply", "reassignment_answer")
        ],
        "key_items": [r for r in rows if r.key_supervision and r.rule in ("reply", "rehandling_reply")],
        "co_opinions_late": [r for r in rows if r.rule == "co_opinion" and r.due < today],
        "feedback_missing": [r for r in rows if r.rule == "feedback" and r.due < today],
    }
    return Board(today, week_end, {name: sorted(section, key=key) for name, section in sections.items()})


@dataclass(frozen=True)
class RecentMove:
    at: object  # aware datetime of the recompute
    assignment_id: int
    item_number: str
    item_title: str
    department_name: str
    rule: str
    old_due: str
    new_due: str
    reason: str


def recent_moves(session: Session, limit: int = 30) -> list[RecentMove]:
    """Deadlines moved by recent recomputes (calendar or rule changes), newest first, from the audit log."""
    stmt = (
        select(AuditEntry, Assignment, Item, Department)
        .join(Assignment, Assignment.id == AuditEntry.entity_id)
        .join(Item, Item.id == Assignment.item_id)
        .join(Department, Department.id == Assignment.department_id)
        .where(AuditEntry.entity == "assignment", AuditEntry.action == "deadline_recomputed")
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return [
        RecentMove(
            entry.at,
            assignment.id,
            item.number,
            item.title,
            department.short_name,
            (entry.after or {}).get("rule", ""),
            (entry.before or {}).get("due", ""),
            (entry.after or {}).get("due", ""),
            entry.reason or "",
        )
        for entry, assignment, item, department in session.execute(stmt).all()
    ]
