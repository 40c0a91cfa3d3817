"""The accounts list (/admin/users, /api/users) on the one list mechanism: filter by role,
department, active and text; sort by every column; paged. Office administrators only."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.db.models import Department, User
from app.domain.enums import Role
from app.i18n import _
from app.services.actor import Actor
from app.services.errors import Forbidden
from app.services.listing import FilterSpec, ListPage, ListQuery, ListSpec, run_page, search_clause

DEPARTMENT_NAME = select(Department.short_name).where(Department.id == User.department_id).correlate(User)

USER_SPEC = ListSpec(
    filters={
        "role": FilterSpec("choice", tuple(r.value for r in Role)),
        "department": FilterSpec("text"),  # department code
        "active": FilterSpec("choice", ("yes", "no")),
        "q": FilterSpec("text"),  # user name or name
    },
    sorts={
        "username": User.username,
        "name": User.display_name,
        "role": User.role,
        "department": DEPARTMENT_NAME.scalar_subquery(),
        "active": User.active,
        "last_login": User.last_login_at,
    },
    tiebreak=User.id,
    default_sort="username",
)


def list_users(session: Session, actor: Actor, query: ListQuery) -> ListPage:
    if not actor.is_admin:
        raise Forbidden(_("Only the office administrator manages accounts."))
    stmt = select(User).options(selectinload(User.department))
    filters = query.filters
    if filters.get("role"):
        stmt = stmt.where(User.role == filters["role"])
    if filters.get("department"):
        stmt = stmt.where(User.department_id.in_(select(Department.id).where(Department.code == filters["department"])))
    if filters.get("active"):
        stmt = stmt.where(User.active.is_(filters["active"] == "yes"))
    if filters.get("q"):
        stmt = stmt.where(search_clause([User.username, User.display_name], filters["q"]))
    return run_page(session, stmt, query)
