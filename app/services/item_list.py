"""The item list (filters, paging) and its export; department users see only their department's items."""

from __future__ import annotations

import secrets
import shutil
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session, aliased

from app.clock import office_today
from app.db.list_columns import GONE
from app.db.models import (
    Assignment,
    Category,
    CongressSession,
    Department,
    Item,
    ItemCoSigner,
    ItemIntendedDepartment,
)
from app.domain.enums import AssignmentRole, ItemKind, ItemState
from app.i18n import _
from app.importing.export import EXPORT_SUFFIXES, ExportRow, export_items
from app.services import context
from app.services.access import scope_items
from app.services.actor import Actor
from app.services.errors import Problem, ValidationFailed
from app.services.listing import FilterSpec, ListPage, ListQuery, ListSpec, contains, parse, run_page, search_clause

EXPORT_CHUNK = 1_000


# ----------------------------------------------------------------------------- the list's columns

# The list's 主办单位 and 期限 are stored on the item (app.db.list_columns keeps them from the
# assignments), so filtering and sorting by them uses an index, not a subquery per row.
#: 主办单位, sorted by the department's short name through a join (list_items adds it when sorting by
#: it): a subquery per row cost 0.2 s on PostgreSQL over 35,000 overdue items
LEAD_DEPARTMENT = aliased(Department, name="lead_department")
LEAD_DEPARTMENT_NAME = LEAD_DEPARTMENT.short_name
CATEGORY_CODE = select(Category.code).where(Category.id == Item.category_id).correlate(Item).scalar_subquery()


def overdue_clause(today: date) -> Any:
    """A reply (lead or split part) is due before today and not sent."""
    return Item.open_due_on < today


ITEM_SPEC = ListSpec(
    filters={
        "session": FilterSpec("id"),
        "kind": FilterSpec("choice", tuple(k.value for k in ItemKind)),
        "category": FilterSpec("text"),  # a first-level code includes its sub-categories
        "state": FilterSpec("choice", tuple(s.value for s in ItemState), multiple=True),
        "lead": FilterSpec("text"),  # department code of the current lead part
        "co": FilterSpec("text"),  # department code of a co-handling part
        "split": FilterSpec("text"),  # department code of a split part
        "department": FilterSpec("text"),  # any part, or named as intended unit
        "due_from": FilterSpec("date"),
        "due_to": FilterSpec("date"),
        "overdue": FilterSpec("bool"),
        "key": FilterSpec("bool"),
        "delegation": FilterSpec("text"),  # 代表团 or 界别
        "submitter": FilterSpec("text"),  # lead submitter or co-signer
        "q": FilterSpec("text"),  # number, title, content, submitters
        "ids": FilterSpec("id", multiple=True),  # a selection (bulk export)
    },
    sorts={
        "number": Item.number,
        "title": Item.title,
        "category": CATEGORY_CODE,
        "lead": LEAD_DEPARTMENT_NAME,
        "state": Item.state,
        "due": Item.due_on,
        "key": Item.key_supervision,
        "session": Item.session_id,
        "submitter": Item.lead_submitter,
    },
    tiebreak=Item.id,
    default_sort="number",
)
#: the handling overview: the same list, key-supervision items first
OVERVIEW_SPEC = replace(ITEM_SPEC, default_sort="key", default_direction="desc")


@dataclass(frozen=True)
class ItemFilters:
    """The item filters for the command line and background jobs; the pages parse ITEM_SPEC."""

    session_id: int | None = None
    kind: str | None = None
    category: str | None = None  # category code; a first-level code includes its sub-categories
    state: str | None = None
    department: str | None = None  # department code: assigned to it, or named as intended unit
    key_only: bool = False
    q: str | None = None  # text in the number, title, content or submitters
    params: tuple[tuple[str, str], ...] | list[list[str]] = ()  # any other list parameters (ITEM_SPEC)

    def validate(self) -> ItemFilters:
        problems = []
        if self.kind and self.kind not in {k.value for k in ItemKind}:
            problems.append(Problem("kind", _("unknown kind"), self.kind))
        if self.state and self.state not in {s.value for s in ItemState}:
            problems.append(Problem("state", _("unknown state"), self.state))
        if problems:
            raise ValidationFailed(_("The filters are not valid."), problems)
        self.as_mapping()
        return self

    def as_mapping(self) -> dict[str, Any]:
        raw: dict[str, list[str]] = defaultdict(list)
        for key, value in self.params:
            raw[str(key)].append(str(value))
        mapping = dict(parse(raw, ITEM_SPEC).filters)
        given = {
            "session": self.session_id,
            "kind": self.kind,
            "category": self.category,
            "state": (self.state,) if self.state else None,
            "department": self.department,
            "key": True if self.key_only else None,
            "q": self.q,
        }
        mapping.update({k: v for k, v in given.items() if v not in (None, "")})
        return mapping

    def as_query(self) -> dict[str, Any]:
        values = {
            "session": self.session_id,
            "kind": self.kind,
            "category": self.category,
            "state": self.state,
            "department": self.department,
            "key": "1" if self.key_only else None,
            "q": self.q,
        }
        return {k: v for k, v in values.items() if v not in (None, "")}


def _department_id(session: Session, code: str) -> int:
    return session.scalar(select(Department.id).where(Department.code == code)) or -1


def _has_part(department_id: int, role: str) -> Any:
    return exists().where(
        Assignment.item_id == Item.id,
        Assignment.department_id == department_id,
        Assignment.role == role,
        Assignment.round == Item.round,
        Assignment.state.not_in(GONE),
    )


def apply_filters(stmt: Select[Any], filters: Mapping[str, Any], session: Session) -> Select[Any]:
    """Narrow a SELECT over Item by the list filters (already validated). Scope first: this only narrows."""
    if filters.get("session"):
        stmt = stmt.where(Item.session_id == filters["session"])
    if filters.get("kind"):
        stmt = stmt.where(Item.kind == filters["kind"])
    states = filters.get("state")
    if states:
        stmt = stmt.where(Item.state.in_(list(states)))
    if filters.get("key"):
        stmt = stmt.where(Item.key_supervision.is_(True))
    if filters.get("ids"):
        stmt = stmt.where(Item.id.in_(list(filters["ids"])))
    if filters.get("category"):
        code = filters["category"]
        ids = list(
            session.scalars(select(Category.id).where(or_(Category.code == code, Category.code.like(f"{code}.%"))))
        )
        stmt = stmt.where(Item.category_id.in_(ids or [-1]))
    if filters.get("lead"):
        stmt = stmt.where(Item.lead_department_id == _department_id(session, filters["lead"]))
    if filters.get("co"):
        stmt = stmt.where(_has_part(_department_id(session, filters["co"]), AssignmentRole.CO.value))
    if filters.get("split"):
        stmt = stmt.where(_has_part(_department_id(session, filters["split"]), AssignmentRole.SPLIT.value))
    if filters.get("department"):
        dept_id = _department_id(session, filters["department"])
        stmt = stmt.where(
            or_(
                exists().where(Assignment.item_id == Item.id, Assignment.department_id == dept_id),
                exists().where(
                    ItemIntendedDepartment.item_id == Item.id, ItemIntendedDepartment.department_id == dept_id
                ),
            )
        )
    if filters.get("due_from"):
        stmt = stmt.where(Item.due_on >= filters["due_from"])
    if filters.get("due_to"):
        stmt = stmt.where(Item.due_on <= filters["due_to"])
    if filters.get("overdue"):
        stmt = stmt.where(overdue_clause(office_today()))
    if filters.get("delegation"):
        stmt = stmt.where(
            or_(contains(Item.delegation, filters["delegation"]), contains(Item.sector, filters["delegation"]))
        )
    if filters.get("submitter"):
        stmt = stmt.where(_submitter_clause(filters["submitter"]))
    if filters.get("q"):
        text = filters["q"]
        stmt = stmt.where(
            or_(
                search_clause([Item.number, Item.title, Item.content, Item.lead_submitter], text),
                _co_signer_clause(text),
            )
        )
    return stmt


def _co_signer_clause(text: str) -> Any:
    return exists().where(ItemCoSigner.item_id == Item.id, contains(ItemCoSigner.name, text))


def _submitter_clause(text: str) -> Any:
    return or_(search_clause([Item.lead_submitter], text), _co_signer_clause(text))


def _filters_of(filters: ItemFilters | ListQuery | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(filters, ItemFilters):
        return filters.validate().as_mapping()
    if isinstance(filters, ListQuery):
        return filters.filters
    return filters


@dataclass(frozen=True)
class ItemRow:
    """One row of the item list: the item and its current lead department and deadline."""

    item: Item
    lead_code: str | None
    lead_name: str | None
    due_on: date | None
    overdue: bool


def _row_facts(session: Session, items: list[Item]) -> list[ItemRow]:
    leads = {i.lead_department_id for i in items if i.lead_department_id is not None}
    names: dict[int, tuple[str, str]] = {}
    if leads:
        rows = session.execute(
            select(Department.id, Department.code, Department.short_name).where(Department.id.in_(leads))
        )
        names = {dept_id: (code, short) for dept_id, code, short in rows}
    today = office_today()
    rows_out = []
    for item in items:
        code, name = names.get(item.lead_department_id, (None, None)) if item.lead_department_id else (None, None)
        overdue = item.open_due_on is not None and item.open_due_on < today
        rows_out.append(ItemRow(item, code, name, item.due_on, overdue))
    return rows_out


def list_items(session: Session, actor: Actor, query: ListQuery) -> ListPage:
    """One page of the items the actor may see (scoped first), filtered and sorted; rows are ItemRow."""
    base = apply_filters(scope_items(select(Item), actor), query.filters, session)
    if query.sort == "lead":
        base = base.outerjoin(LEAD_DEPARTMENT, LEAD_DEPARTMENT.id == Item.lead_department_id)
    page = run_page(session, base, query)
    page.rows = _row_facts(session, page.rows)
    return page


def item_as_dict(row: ItemRow | Item, categories: dict[int, str], sessions: dict[int, str]) -> dict[str, Any]:
    item = row.item if isinstance(row, ItemRow) else row
    out = {
        "id": item.id,
        "kind": item.kind,
        "session": sessions.get(item.session_id),
        "number": item.number,
        "title": item.title,
        "lead_submitter": item.lead_submitter,
        "category": categories.get(item.category_id) if item.category_id else None,
        "state": item.state,
        "key_supervision": item.key_supervision,
        "submitted_on": item.submitted_on.isoformat() if item.submitted_on else None,
    }
    if isinstance(row, ItemRow):
        out.update(
            lead_department=row.lead_code,
            lead_department_name=row.lead_name,
            due_on=row.due_on.isoformat() if row.due_on else None,
            overdue=row.overdue,
        )
    return out


def reference_names(session: Session) -> tuple[dict[int, str], dict[int, str]]:
    """category id -> name and session id -> label, for showing items."""
    categories = dict(session.execute(select(Category.id, Category.name)).all())
    sessions = dict(session.execute(select(CongressSession.id, CongressSession.label)).all())
    return categories, sessions


ExportFilters = ItemFilters | ListQuery | Mapping[str, Any]


def export_rows(session: Session, actor: Actor, filters: ExportFilters) -> Iterator[ExportRow]:
    """Every item matching the filters (scoped to the actor first), as export rows, read in chunks."""
    mapping = _filters_of(filters)
    categories, sessions = reference_names(session)
    departments = dict(session.execute(select(Department.id, Department.short_name)).all())
    ids = list(
        session.scalars(
            apply_filters(scope_items(select(Item.id), actor), mapping, session).order_by(
                Item.kind, Item.session_id, Item.number
            )
        )
    )
    for start in range(0, len(ids), EXPORT_CHUNK):
        chunk = ids[start : start + EXPORT_CHUNK]
        items = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(chunk)))}
        co: dict[int, list[str]] = defaultdict(list)
        for item_id, name in session.execute(
            select(ItemCoSigner.item_id, ItemCoSigner.name)
            .where(ItemCoSigner.item_id.in_(chunk))
            .order_by(ItemCoSigner.item_id, ItemCoSigner.position)
        ):
            co[item_id].append(name)
        intended: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for item_id, role, dept_id in session.execute(
            select(ItemIntendedDepartment.item_id, ItemIntendedDepartment.role, ItemIntendedDepartment.department_id)
            .where(ItemIntendedDepartment.item_id.in_(chunk))
            .order_by(ItemIntendedDepartment.id)
        ):
            intended[item_id][role].append(departments[dept_id])
        for item_id in chunk:
            item = items[item_id]
            roles = intended.get(item_id, {})
            yield ExportRow(
                kind=ItemKind(item.kind),
                session=sessions.get(item.session_id, ""),
                number=item.number,
                title=item.title,
                lead_submitter=item.lead_submitter,
                state=item.state,
                content=item.content or "",
                category=categories.get(item.category_id) if item.category_id else None,
                submitter_type=item.submitter_type,
                co_signers=co.get(item_id, []),
                submitter_count=item.submitter_count,
                delegation=item.delegation,
                sector=item.sector,
                party=item.party,
                during_session=item.during_session,
                agree_to_publish=item.agree_to_publish,
                submitted_on=item.submitted_on,
                key_supervision=item.key_supervision,
                intended_lead=roles.get("lead", []),
                intended_co=roles.get("co", []),
                intended_split=roles.get("split", []),
            )


def export_to(
    session: Session, actor: Actor, filters: ExportFilters, path: Path, progress: Callable[[int], None] | None = None
) -> int:
    """Write the file; `progress(rows)` is told the rows written so far (every 500 rows and at the end)."""
    if path.suffix.lower() not in EXPORT_SUFFIXES:
        raise ValidationFailed(
            _("Export to .xlsx, .csv or .json."), [Problem("out", _("unsupported file type"), path.name)]
        )
    rows = export_rows(session, actor, filters)
    return export_items(_counted(rows, progress) if progress else rows, path)


def _counted(rows: Iterator[ExportRow], progress: Callable[[int], None]) -> Iterator[ExportRow]:
    count = 0
    for count, row in enumerate(rows, 1):
        yield row
        if count % 500 == 0:
            progress(count)
    progress(count)


EXPORT_KEEP_SECONDS = 3600  # exports are kept only long enough to be downloaded


def export_download(session: Session, actor: Actor, filters: ExportFilters, fmt: str) -> Path:
    """Export the actor's filtered items to a new file under the data directory, for download.

    Owns the housekeeping: exports older than an hour are removed first."""
    suffix = "." + fmt.lower().lstrip(".")
    if suffix not in EXPORT_SUFFIXES:
        raise ValidationFailed(
            _("Export to .xlsx, .csv or .json."), [Problem("format", _("unsupported file type"), fmt)]
        )
    directory = context.current().settings.data_dir / "exports"
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.iterdir():
        if old.stat().st_mtime < time.time() - EXPORT_KEEP_SECONDS:
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
    path = directory / f"{secrets.token_hex(8)}{suffix}"
    export_to(session, actor, filters, path)
    return path
