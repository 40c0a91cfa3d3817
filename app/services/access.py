"""The one authorization helper: every query of items or assignments a user triggers is scoped here.

Office roles and leaders see everything; a department user sees only items on which its
department has (or had) an assignment, and only its own assignments. A deputy or member
(portal) sees only the items their roster entry is linked to, as lead submitter or co-signer.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, exists, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import surface_selectables

from app.db.models import Assignment, Item
from app.db.models.roster import PortalAccount, SubmitterLink
from app.i18n import _
from app.services.actor import Actor
from app.services.errors import Forbidden, NotFound

S = TypeVar("S", bound=Select[*tuple[Any, ...]])


def _selects_from(stmt: Select[*tuple[Any, ...]], entity: Any) -> bool:
    table = inspect(entity).selectable

    def same(candidate: Any) -> bool:  # the table itself or its ORM-annotated copy, not an alias of it
        return candidate is table or (candidate.is_derived_from(table) and table.is_derived_from(candidate))

    if any(same(from_) for from_ in stmt.columns_clause_froms):
        return True  # the common case, answered cheaply: the full FROM list below compiles the statement (~0.6 ms)
    return any(
        same(candidate)
        for from_ in stmt.get_final_froms()
        for candidate in surface_selectables(from_)  # type: ignore[no-untyped-call]
    )


def _deputy_links(actor: Actor, item_id_column: Any) -> Any:
    """EXISTS: the deputy's own roster entry is linked to the item (lead or co-signer)."""
    own_entry = select(PortalAccount.roster_entry_id).where(PortalAccount.user_id == actor.user_id).scalar_subquery()
    return exists().where(
        SubmitterLink.item_id == item_id_column,
        SubmitterLink.status == "linked",
        SubmitterLink.roster_entry_id == own_entry,
    )


def scope_items(stmt: S, actor: Actor, item: Any = Item) -> S:
    """Limit a SELECT over `item` (Item or an alias of it) to the items the actor may see.

    The filter names the entity explicitly: an EXISTS left to auto-correlate would silently match
    every row when the statement selects from an alias or from another table.
    """
    if not (actor.is_department or actor.is_deputy):
        return stmt
    if not _selects_from(stmt, item):
        raise ValueError("scope_items: the statement does not select from the given Item entity")
    if actor.is_deputy:
        return stmt.where(_deputy_links(actor, item.id))
    # IN (the department's item ids) rather than a correlated EXISTS: both databases then start from
    # the department's assignments (index department_id, item_id) instead of probing every item
    own = select(Assignment.item_id).where(Assignment.department_id == actor.department_id)
    return stmt.where(item.id.in_(own))


def scope_assignments(stmt: S, actor: Actor, assignment: Any = Assignment) -> S:
    """Limit a SELECT over `assignment` to the actor's own department's assignments
    (a deputy: the assignments of the deputy's own items)."""
    if not (actor.is_department or actor.is_deputy):
        return stmt
    if not _selects_from(stmt, assignment):
        raise ValueError("scope_assignments: the statement does not select from the given Assignment entity")
    if actor.is_deputy:
        return stmt.where(_deputy_links(actor, assignment.item_id))
    return stmt.where(assignment.department_id == actor.department_id)


def deputy_positions(session: Session, actor: Actor, item_id: int) -> set[str]:
    """How the deputy stands on the item: {"lead"}, {"co"}, both, or empty (not theirs)."""
    if not actor.is_deputy:
        return set()
    own_entry = select(PortalAccount.roster_entry_id).where(PortalAccount.user_id == actor.user_id).scalar_subquery()
    positions = session.scalars(
        select(SubmitterLink.position).where(
            SubmitterLink.item_id == item_id,
            SubmitterLink.status == "linked",
            SubmitterLink.roster_entry_id == own_entry,
        )
    ).all()
    return {"lead" if p == 0 else "co" for p in positions}


def require_may_rate(session: Session, actor: Actor, item_id: int, *, co_signers_may_rate: bool) -> None:
    """A deputy rates only their own item: as lead submitter, or as co-signer when the profile allows it."""
    positions = deputy_positions(session, actor, item_id)
    if not positions:
        raise NotFound(_("No such item."))
    if "lead" not in positions and not co_signers_may_rate:
        raise Forbidden(_("Only the lead submitter gives the feedback on this item."))


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


def require_deputy(actor: Actor) -> None:
    if not actor.is_deputy:
        raise Forbidden(_("Only deputies and members use the portal."))


def require_office(actor: Actor) -> None:
    if not actor.is_office:
        raise Forbidden(_("Only the proposals office may do this."))
