"""Sessions (届次/会议) page for the office: list, create, edit; also reached from the import page
when a workbook belongs to a session not yet created (?next=/imports brings the office back)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from app.db.models import CongressSession
from app.domain.enums import OFFICE_ROLES, Body, Level
from app.domain.text import N_
from app.services import sessions as session_service
from app.services.errors import ValidationFailed
from app.web.deps import DbSession, FormData
from app.web.guards import office_only
from app.web.nav import NavEntry

NAV = [NavEntry(N_("Sessions"), "/sessions", frozenset(OFFICE_ROLES), order=31)]
FIELDS = ("label", "body", "year", "level", "number_width")


@dataclass
class SessionIn:
    label: str
    body: str
    year: int
    level: str = "municipal"
    number_width: int = 0


@dataclass
class SessionOut:
    id: int
    label: str
    body: str
    year: int
    level: str
    number_width: int


def _out(congress: CongressSession) -> SessionOut:
    return SessionOut(congress.id, congress.label, congress.body, congress.year, congress.level, congress.number_width)


def _safe_next(value: str | None) -> str | None:
    """Only a way back into the import pages (never an outside address)."""
    return value if value and value.startswith("/imports") and "//" not in value else None


def _form_values(data: dict[str, Any]) -> dict[str, Any]:
    return {name: str(data.get(name, "") or "").strip() for name in FIELDS}


def _page(db_session: Session, **extra: Any) -> dict[str, Any]:
    return {
        "rows": session_service.list_sessions(db_session),
        "bodies": list(Body),
        "levels": list(Level),
        "form": {"label": "", "body": "npc", "year": "", "level": "municipal", "number_width": "0"},
        "errors": {},
        "message": None,
        "editing": None,
        "next": None,
        "done": None,
        **extra,
    }


def _errors(exc: ValidationFailed) -> dict[str, str]:
    errors: dict[str, str] = {}
    for problem in exc.problems:
        errors.setdefault(problem.place, problem.reason)
    return errors


class SessionPages(Controller):
    path = "/sessions"
    include_in_schema = False
    guards = [office_only]

    @get("/", sync_to_thread=True)
    def index(
        self,
        db_session: DbSession,
        next_url: FromQuery[str | None] = None,
        for_body: FromQuery[str | None] = None,
        done: FromQuery[str | None] = None,
    ) -> Template:
        context = _page(db_session, next=_safe_next(next_url), done=done)
        if for_body in {b.value for b in Body}:
            context["form"]["body"] = for_body
        return Template("sessions/index.html", context=context)

    @post("/", sync_to_thread=True)
    def create(self, request: Request, db_session: DbSession, data: FormData) -> Template | Redirect:
        form = _form_values(data)
        back = _safe_next(data.get("next"))
        try:
            created = session_service.create_session(db_session, request.user, **form)  # validates before it writes
        except ValidationFailed as exc:
            context = _page(db_session, form=form, errors=_errors(exc), message=exc.message, next=back)
            return Template("sessions/index.html", context=context, status_code=422)
        if back:
            return Redirect(f"{back}?session={quote(created.label)}", status_code=303)
        return Redirect(f"/sessions?done={quote(created.label)}", status_code=303)

    @get("/{session_id:int}", sync_to_thread=True)
    def edit_page(self, db_session: DbSession, session_id: FromPath[int]) -> Template:
        congress = session_service.get_session(db_session, session_id)
        form = {name: str(getattr(congress, name)) for name in FIELDS}
        return Template("sessions/index.html", context=_page(db_session, form=form, editing=congress))

    @post("/{session_id:int}", sync_to_thread=True)
    def edit(
        self, request: Request, db_session: DbSession, session_id: FromPath[int], data: FormData
    ) -> Template | Redirect:
        congress = session_service.get_session(db_session, session_id)
        form = _form_values(data)
        try:
            session_service.update_session(db_session, request.user, session_id, **form)
        except ValidationFailed as exc:
            db_session.refresh(congress)
            context = _page(db_session, form=form, errors=_errors(exc), message=exc.message, editing=congress)
            return Template("sessions/index.html", context=context, status_code=422)
        return Redirect(f"/sessions?done={quote(form['label'])}", status_code=303)


class SessionApi(Controller):
    path = "/api/sessions"
    tags = ["sessions"]
    guards = [office_only]

    @get("/", sync_to_thread=True, summary="Sessions (届次), newest first")
    def index(self, db_session: DbSession) -> list[SessionOut]:
        return [_out(s) for s, _count in session_service.list_sessions(db_session)]

    @post("/", sync_to_thread=True, status_code=201, summary="Create a session")
    def create(self, request: Request, db_session: DbSession, data: JSONBody[SessionIn]) -> SessionOut:
        fields = {name: getattr(data, name) for name in FIELDS}
        return _out(session_service.create_session(db_session, request.user, **fields))

    @post("/{session_id:int}", sync_to_thread=True, status_code=200, summary="Edit a session")
    def edit(
        self, request: Request, db_session: DbSession, session_id: FromPath[int], data: JSONBody[SessionIn]
    ) -> SessionOut:
        fields = {name: getattr(data, name) for name in FIELDS}
        return _out(session_service.update_session(db_session, request.user, session_id, **fields))


route_handlers = [SessionPages, SessionApi]
