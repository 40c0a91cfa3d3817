"""The one authorization helper: every query of items or assignments a user triggers is scoped here.

Office roles and leaders see everything; a department user sees only items on which its
department has (or had) an assignment, and only its own assignments.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, exists, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import surface_selectables

from app.db.models import Assignment, Item
from app.i18n import _
from app.services.actor import Actor
from app.services.errors import Forbidden, NotFound

S = TypeVar("S", bound=Select[*tuple[Any, ...]])


def _selects_from(stmt: Select[*tuple[Any, ...]], entity: Any) -> bool:
    table = inspect(entity).selectable
    return any(
        candidate is table or (candidate.is_derived_from(table) and table.is_derived_from(candidate))
        for from_ in stmt.get_final_froms()
        for candidate in surface_selectables(from_)  # type: ignore[no-untyped-call]
    )


def scope_items(stmt: S, actor: Actor, item: Any = Item) -> S:
    """Limit a SELECT over `item` (Item or an alias of it) to the items the actor may see.

    The filter names the entity explicitly: an EXISTS left to auto-correlate would silently match
    every row when the statement selects from an alias or from another table.
    """
    if not actor.is_department:
        return stmt
    if not _selects_from(stmt, item):
        raise ValueError("scope_items: the statement does not select from the given Item entity")
    return stmt.where(exists().where(Assignment.item_id == item.id, Assignment.department_id == actor.department_id))


def scope_assignments(stmt: S, actor: Actor, assignment: Any = Assignment) -> S:
    """Limit a SELECT over `assignment` to the actor's own department's assignments."""
    if not actor.is_department:
        return stmt
    if not _selects_from(stmt, assignment):
        raise ValueError("scope_assignments: the statement does not select from the given Assignment entity")
    return stmt.where(assignment.department_id == actor.department_id)


def can_see_item(session: Session, actor: Actor, item_id: int) -> bool:
    return session.scalar(scope_items(select(Item.id).where(Item.id == item_id), actor)) is not None


def get_item_for(session: Session, actor: Actor, item_id: int) -> Item:
    """The item if the actor may see it. Other departments' items look exactly like missing ones."""
    item = session.scalar(scope_items(select(Item).where(Item.id == item_id), actor))
    if item is None:
        raise NotFound(_("No such item."))
    return item


def get_assignment_for(session: Session, actor: Actor, assignment_id: int) -> Assignment:
    assignment = session.scalar(scope_assignments(select(Assignment).where(Assignment.id == assignment_id), actor))
    if assignment is None:
        raise NotFound(_("No such assignment."))
    return assignment


def require_office(actor: Actor) -> None:
    if not actor.is_office:
        raise Forbidden(_("Only the proposals office may do this."))
