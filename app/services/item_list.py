"""The item list (filters, paging) and its export; department users see only their department's items."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session

from app.db.models import (
    Assignment,
    Category,
    CongressSession,
    Department,
    Item,
    ItemCoSigner,
    ItemIntendedDepartment,
)
from app.domain.enums import ItemKind, ItemState
from app.i18n import _
from app.importing.export import EXPORT_SUFFIXES, ExportRow, export_items
from app.services.access import scope_items
from app.services.actor import Actor
from app.services.errors import Problem, ValidationFailed

MAX_PER_PAGE = 200
EXPORT_CHUNK = 1_000


@dataclass(frozen=True)
class ItemFilters:
    session_id: int | None = None
    kind: str | None = None
    category: str | None = None  # category code; a first-level code includes its sub-categories
    state: str | None = None
    department: str | None = None  # department code: assigned to it, or named as intended unit
    key_only: bool = False
    q: str | None = None  # text in the title or the number

    def validate(self) -> ItemFilters:
        problems = []
        if self.kind and self.kind not in {k.value for k in ItemKind}:
            problems.append(Problem("kind", _("unknown kind"), self.kind))
        if self.state and self.state not in {s.value for s in ItemState}:
            problems.append(Problem("state", _("unknown state"), self.state))
        if problems:
            raise ValidationFailed(_("The filters are not valid."), problems)
        return self

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


def _filtered(stmt: Select[Any], filters: ItemFilters, session: Session) -> Select[Any]:
    if filters.session_id:
        stmt = stmt.where(Item.session_id == filters.session_id)
    if filters.kind:
        stmt = stmt.where(Item.kind == filters.kind)
    if filters.state:
        stmt = stmt.where(Item.state == filters.state)
    if filters.key_only:
        stmt = stmt.where(Item.key_supervision.is_(True))
    if filters.q:
        needle = f"%{filters.q.strip()}%"
        stmt = stmt.where(or_(Item.title.like(needle), Item.number.like(needle)))
    if filters.category:
        ids = list(
            session.scalars(
                select(Category.id).where(
                    or_(Category.code == filters.category, Category.code.like(f"{filters.category}.%"))
                )
            )
        )
        stmt = stmt.where(Item.category_id.in_(ids or [-1]))
    if filters.department:
        dept_id = session.scalar(select(Department.id).where(Department.code == filters.department)) or -1
        stmt = stmt.where(
            or_(
                exists().where(Assignment.item_id == Item.id, Assignment.department_id == dept_id),
                exists().where(
                    ItemIntendedDepartment.item_id == Item.id, ItemIntendedDepartment.department_id == dept_id
                ),
            )
        )
    return stmt


@dataclass
class ItemPage:
    items: list[Item]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def list_items(session: Session, actor: Actor, filters: ItemFilters, *, page: int = 1, per_page: int = 50) -> ItemPage:
    filters.validate()
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    base = scope_items(_filtered(select(Item), filters, session), actor)
    total = session.scalar(select(func.count()).select_from(base.order_by(None).subquery())) or 0
    stmt = base.order_by(Item.session_id.desc(), Item.number).offset((page - 1) * per_page).limit(per_page)
    return ItemPage(list(session.scalars(stmt)), total, page, per_page)


def item_as_dict(item: Item, categories: dict[int, str], sessions: dict[int, str]) -> dict[str, Any]:
    return {
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


def reference_names(session: Session) -> tuple[dict[int, str], dict[int, str]]:
    """category id -> name and session id -> label, for showing items."""
    categories = dict(session.execute(select(Category.id, Category.name)).all())
    sessions = dict(session.execute(select(CongressSession.id, CongressSession.label)).all())
    return categories, sessions


def export_rows(session: Session, actor: Actor, filters: ItemFilters) -> Iterator[ExportRow]:
    """Every item matching the filters (scoped to the actor), as export rows, read in chunks."""
    filters.validate()
    categories, sessions = reference_names(session)
    departments = dict(session.execute(select(Department.id, Department.short_name)).all())
    ids = list(
        session.scalars(
            scope_items(_filtered(select(Item.id), filters, session), actor).order_by(
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


def export_to(session: Session, actor: Actor, filters: ItemFilters, path: Path) -> int:
    if path.suffix.lower() not in EXPORT_SUFFIXES:
        raise ValidationFailed(
            _("Export to .xlsx, .csv or .json."), [Problem("out", _("unsupported file type"), path.name)]
        )
    return export_items(export_rows(session, actor, filters), path)
