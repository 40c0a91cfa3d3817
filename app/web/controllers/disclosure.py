"""Office pages for public disclosure (公开): sent replies waiting, preview of the exact public text, publish."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from app.clock import office_today
from app.domain.dates import DateOutOfRange, check_day
from app.domain.enums import OFFICE_ROLES
from app.domain.text import N_
from app.services import disclosure
from app.services.errors import UserError, ValidationFailed
from app.web.deps import DbSession, FormData
from app.web.errors import out_of_range_problem
from app.web.guards import office_only
from app.web.nav import NavEntry

NAV = [NavEntry(N_("Public disclosure"), "/disclosure", frozenset(OFFICE_ROLES), order=75)]


def _ids(data: dict[str, Any]) -> list[int]:
    raw = data.get("reply_id", [])
    values = raw if isinstance(raw, list) else [raw]
    ids = []
    for value in values:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            continue
    return ids


def _index(session: Session, request: Request, **extra: Any) -> dict[str, Any]:
    return {
        "pending": disclosure.pending(session, request.user),
        "published": disclosure.published(session, request.user, limit=50),
        "today": office_today(),
        "error": None,
        "problems": [],
        "done": request.query_params.get("done"),
        **extra,
    }


class DisclosureController(Controller):
    path = "/disclosure"
    include_in_schema = False
    guards = [office_only]

    @get("/", sync_to_thread=True)
    def index(self, request: Request, db_session: DbSession) -> Template:
        return Template("disclosure/index.html", context=_index(db_session, request))

    @post("/preview", sync_to_thread=True)
    def preview(self, request: Request, db_session: DbSession, data: FormData) -> Template:
        ids = _ids(data)
        published_on = str(data.get("published_on") or office_today().isoformat())
        try:
            check_day(date.fromisoformat(published_on), "published_on")
            previews = disclosure.preview(db_session, request.user, ids)
        except (UserError, ValueError) as exc:
            if isinstance(exc, DateOutOfRange):
                message = str(out_of_range_problem(exc).reason)
            else:
                message = exc.message if isinstance(exc, UserError) else N_("not a date such as 2026-09-28")
            return Template(
                "disclosure/index.html", context=_index(db_session, request, error=message), status_code=422
            )
        return Template("disclosure/preview.html", context={"previews": previews, "published_on": published_on})

    @post("/publish", sync_to_thread=True)
    def publish(self, request: Request, db_session: DbSession, data: FormData) -> Response:
        ids = _ids(data)
        digests = {i: str(data.get(f"digest_{i}") or "") for i in ids}
        try:
            published_on = check_day(date.fromisoformat(str(data.get("published_on") or "")), "published_on")
        except ValueError:
            return Template(
                "disclosure/index.html",
                context=_index(db_session, request, error=N_("Give the publication date.")),
                status_code=422,
            )
        try:
            created = disclosure.publish(db_session, request.user, ids, published_on=published_on, digests=digests)
        except UserError as exc:
            db_session.rollback()
            problems = exc.problems if isinstance(exc, ValidationFailed) else []
            return Template(
                "disclosure/index.html",
                context=_index(db_session, request, error=exc.message, problems=problems),
                status_code=exc.status_code,
            )
        return Redirect(f"/disclosure?done={len(created)}")


route_handlers = [DisclosureController]
