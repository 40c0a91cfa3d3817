"""The one authorization helper: every query of items or assignments a user triggers is scoped here.

Office roles and leaders see everything; a department user sees only items on which its
department has (or had) an assignment, and only its own assignments.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from app.db.models import Assignment, Item
from app.i18n import _
from app.services.actor import Actor
from app.services.errors import Forbidden, NotFound

S = TypeVar("S", bound=Select)


def _department_has_item(department_id: int | None):
    return exists().where(Assignment.item_id == Item.id, Assignment.department_id == department_id)


def scope_items(stmt: S, actor: Actor) -> S:
    """Limit a SELECT that involves Item to the items the actor may see."""
    if actor.is_department:
        return stmt.where(_department_has_item(actor.department_id))
    return stmt


def scope_assignments(stmt: S, actor: Actor) -> S:
    """Limit a SELECT that involves Assignment to the actor's own department's assignments."""
    if actor.is_department:
        return stmt.where(Assignment.department_id == actor.department_id)
    return stmt


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
