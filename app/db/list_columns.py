"""The item columns the lists filter and sort by, kept from the assignments.

An item's 主办单位 (the department of its current round's lead part) and 期限 (the earliest reply
deadline of the current round) live in its assignments. Reading them with a subquery per row made
the lists scan every item at a year's volume (issue 13: 0.3–1.5 s at 50,000 items), so they are
stored on the item (`lead_department_id`, `due_on`, and `open_due_on`: the earliest deadline of a
reply not yet sent, which makes "overdue" an index range) and recomputed here:

- after every ORM flush that touched an assignment or an item's round (a session listener, so no
  use-case can forget it);
- by `refresh(session, item_ids)` after the bulk Core writes that bypass the ORM (deadline recompute,
  archive import), and for every item by the migration and `jianti db check --repair`-style callers.

Only rows whose values change are written, so a flush that changes nothing here locks no item row.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import Table, Update, and_, bindparam, event, func, or_, select, update
from sqlalchemy.orm import Session, UOWTransaction

from app.db.base import table_of
from app.db.models.core import Assignment, Item
from app.domain.enums import AssignmentRole, AssignmentState

# Ended parts: they no longer lead the item nor carry its deadline.
GONE = (AssignmentState.REASSIGNED.value, AssignmentState.CANCELLED.value)
# A reply obligation is met (or void) once the reply is sent or the part ended.
DONE = (*GONE, AssignmentState.SENT.value, AssignmentState.CLOSED.value)
REPLYING = (AssignmentRole.LEAD.value, AssignmentRole.SPLIT.value)
COLUMNS = ("lead_department_id", "due_on", "open_due_on")
CHUNK = 500
_PENDING = "jianti.list_columns.pending"


def computed(items: Table | Any) -> dict[str, Any]:
    """The three values as scalar subqueries correlated to `items` (the items table or an alias)."""
    parts = table_of(Assignment).alias("list_part")
    current = and_(parts.c.item_id == items.c.id, parts.c.round == items.c.round, parts.c.state.not_in(GONE))
    lead = (
        select(parts.c.department_id)
        .where(current, parts.c.role == AssignmentRole.LEAD.value)
        .order_by(parts.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    due = select(func.min(parts.c.due_on)).where(current, parts.c.role.in_(REPLYING)).scalar_subquery()
    open_due = (
        select(func.min(parts.c.due_on))
        .where(parts.c.item_id == items.c.id, parts.c.role.in_(REPLYING), parts.c.state.not_in(DONE))
        .scalar_subquery()
    )
    return {"lead_department_id": lead, "due_on": due, "open_due_on": open_due}


def refresh(session: Session, item_ids: Iterable[int] | None = None) -> int:
    """Recompute the columns of these items (all items when None); returns how many rows changed."""
    connection = session.connection()
    if item_ids is None:
        return connection.execute(_update_all()).rowcount or 0
    ids = sorted(set(item_ids))
    total = 0
    for start in range(0, len(ids), CHUNK):
        total += connection.execute(_update_some(), {"ids": ids[start : start + CHUNK]}).rowcount or 0
    wanted = set(ids)
    for item in list(session.identity_map.values()):
        if isinstance(item, Item) and item.id in wanted:
            session.expire(item, list(COLUMNS))  # the loaded object must not show the old values
    return total


def _differs(items: Table, values: dict[str, Any]) -> Any:
    """The stored columns differ from the computed values."""
    return or_(*(items.c[name].is_distinct_from(value) for name, value in values.items()))


def _update_of_changed() -> Update:
    items = table_of(Item)
    values = computed(items)
    return update(items).where(_differs(items, values)).values(**values)


@cache
def _update_all() -> Update:
    return _update_of_changed()


@cache
def _update_some() -> Update:
    """Built once: this runs after every flush that touches a part, and building the three
    correlated subqueries cost more than running them."""
    return _update_of_changed().where(table_of(Item).c.id.in_(bindparam("ids", expanding=True)))


def mismatches(session: Session, limit: int = 20) -> list[int]:
    """Items whose stored columns differ from their assignments (for `jianti db check`)."""
    items = table_of(Item)
    differs = _differs(items, computed(items))
    return list(session.scalars(select(items.c.id).where(differs).order_by(items.c.id).limit(limit)))


def _touched(session: Session, objects: Iterable[Any]) -> None:
    pending: list[Any] = session.info.setdefault(_PENDING, [])
    for obj in objects:
        if isinstance(obj, Assignment):
            pending.append(obj)
        elif isinstance(obj, Item) and _round_changed(obj):
            pending.append(obj)


def _round_changed(item: Item) -> bool:
    from sqlalchemy import inspect

    return bool(inspect(item).attrs.round.history.has_changes())


@event.listens_for(Session, "before_flush")
def _collect(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    _touched(session, [*session.new, *session.dirty, *session.deleted])


@event.listens_for(Session, "after_flush_postexec")
def _apply(session: Session, _flush: UOWTransaction) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    ids = set()
    for obj in pending:
        item_id = obj.id if isinstance(obj, Item) else obj.item_id
        if item_id is not None:
            ids.add(item_id)
    if ids:
        refresh(session, ids)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous: Any) -> None:
    session.info.pop(_PENDING, None)
