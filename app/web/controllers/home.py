"""Home page (each role's overview) and the current user."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template
from sqlalchemy import func, select

from app.clock import office_today
from app.db.models import Assignment, Item
from app.domain.enums import ItemState, Role
from app.domain.statistics import Rate
from app.domain.text import N_
from app.i18n import get_locale
from app.services import access, key_figures
from app.services.workflow import queues
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
    figures = None
    if actor.is_office or actor.role is Role.LEADER_READONLY:
        figures = _figures(key_figures.key_figures(db_session, actor))
    today = office_today()
    office_queues = queues.office_queues(db_session, actor, today) if actor.is_office else None
    department_queues = None
    if actor.is_department:
        counts_by_queue = queues.department_counts(db_session, actor, today)
        department_queues = [(q, counts_by_queue[q.key]) for q in queues.queues_for(actor)]
    return Template(
        "home.html",
        context={
            "states": states,
            "total": sum(counts.values()),
            "own_open": own_open,
            "figures": figures,
            "office_queues": office_queues,
            "department_queues": department_queues,
        },
    )


# Where each key figure leads: the list of the items behind it (filters of app/services/listing.py).
FIGURE_LINKS = {
    "on_time_rate": "/items?state=replied&state=awaiting_feedback&state=closed",
    "final_satisfaction_rate": "/items?state=awaiting_feedback&state=closed&state=rehandling",
    "overdue_unreplied": "/items?overdue=1",
    "key_supervision": "/items?key=1",
}


def _figures(found: key_figures.KeyFigures) -> dict[str, Any]:
    zh = get_locale() == "zh_CN"
    shown = []
    for figure in found.figures:
        value = figure.value
        if isinstance(value, Rate):
            text = "—" if value.value is None else f"{value.value * 100:.1f}%"
            detail = f"{value.numerator} / {value.denominator}"
        else:
            text, detail = str(value), ""
        shown.append(
            {
                "code": figure.code,
                "name": figure.name_zh if zh else figure.name_en,
                "value": text,
                "detail": detail,
                "href": FIGURE_LINKS[figure.code],
                "bad": figure.code == "overdue_unreplied" and value != 0,
            }
        )
    return {"year": found.year, "items": shown, "stats": f"/stats?year={found.year}"}


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
