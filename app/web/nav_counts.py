"""The badges in the navigation: how many things wait for the user's action (app.services.workflow.queues).

Counted for page requests only (GET, a logged-in browser session), on the side threads like the
identity lookup, before the page is rendered; a failure to count never fails the page."""

from __future__ import annotations

import logging

from app.clock import office_today
from app.db.engine import session_scope
from app.services.actor import Actor
from app.services.workflow import queues
from app.web.flash import NOT_PAGES
from app.web.threads import run_beside_handlers

SCOPE_KEY = "jianti_nav_counts"
log = logging.getLogger("jianti.nav")


def shown(scope) -> dict[str, int]:
    """Navigation path -> count, for base.html (Jinja global `nav_counts()`)."""
    return scope.get(SCOPE_KEY) or {}


def _count(actor: Actor) -> dict[str, int]:
    try:
        with session_scope() as session:
            return queues.nav_counts(session, actor, office_today())
    except Exception:  # noqa: BLE001 - a badge is never worth a failed page
        log.exception("navigation counts failed")
        return {}


class NavCountsMiddleware:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and not scope["path"].startswith(NOT_PAGES):
            actor = scope.get("user")
            token = getattr(scope.get("auth"), "session_token", None)
            if isinstance(actor, Actor) and token and (actor.is_department or actor.is_office):
                scope[SCOPE_KEY] = await run_beside_handlers(_count, actor)
        await self.app(scope, receive, send)
