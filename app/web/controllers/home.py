"""Home page (each role's overview) and the current user."""

from __future__ import annotations

from litestar import Request, get
from litestar.response import Template
from sqlalchemy import func, select

from app.db.models import Assignment, Item
from app.domain.enums import ItemState
from app.domain.text import N_
from app.services import access
from app.web.deps import DbSession
from app.web.guards import logged_in
from app.web.nav import NavEntry

NAV = [NavEntry(N_("Home"), "/", order=0)]


@get("/", guards=[logged_in], include_in_schema=False, sync_to_thread=True)
def home(request: Request, db_session: DbSession) -> Template:
    actor = request.user
    counts = dict(
        db_session.execute(
            access.scope_items(select(Item.state, func.count(Item.id)), actor).group_by(Item.state)
        ).all()
    )
    own_open = None
    if actor.is_department:
        own_open = db_session.scalar(
            access.scope_assignments(select(func.count(Assignment.id)), actor).where(Assignment.ended_at.is_(None))
        )
    states = [(state, counts.get(state.value, 0)) for state in ItemState]
    return Template("home.html", context={"states": states, "total": sum(counts.values()), "own_open": own_open})


@get("/api/me", guards=[logged_in], summary="The logged-in user", tags=["accounts"])
async def me(request: Request) -> dict[str, object]:
    actor = request.user
    return {
        "username": actor.username,
        "display_name": actor.display_name,
        "role": actor.role.value,
        "department_id": actor.department_id,
    }


route_handlers = [home, me]  # /health: controllers/health.py
