"""The portal for deputies and members (/portal): own items, replies and letters, online feedback;
account activation with the one-time code from the office's letter (no self-registration)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from app.db.engine import session_scope
from app.documents.reply_letter import docx_filename, render_docx, render_html
from app.domain.portal import DIMENSIONS
from app.services import accounts, context, portal, portal_accounts
from app.services.errors import UserError, ValidationFailed
from app.services.workflow import letters
from app.settings import get_settings
from app.web.controllers.workflow import DOCX_MIME, _download
from app.web.csrf import set_anon_csrf_cookie
from app.web.deps import DbSession, FormData
from app.web.guards import deputy_only
from app.web.middleware import SESSION_COOKIE


def _errors(exc: UserError) -> dict[str, str]:
    if isinstance(exc, ValidationFailed):
        return {p.place.removeprefix("field "): p.reason for p in exc.problems}
    return {}


def _item_context(session: Session, request: Request, item_id: int, **extra: Any) -> dict[str, Any]:
    page = portal.my_item(session, request.user, item_id)
    profile = context.current().profile
    return {
        "page": page,
        "satisfaction": profile.satisfaction,
        "dimensions": [d for d in DIMENSIONS if page.settings and d in page.settings.dimensions],
        "form": {},
        "errors": {},
        "error": None,
        **extra,
    }


class PortalController(Controller):
    path = "/portal"
    include_in_schema = False

    @get("/", guards=[deputy_only], sync_to_thread=True, name="portal_home")
    def home(self, request: Request, db_session: DbSession) -> Template:
        entry = portal_accounts.roster_entry_of(db_session, request.user)
        return Template(
            "portal/index.html",
            context={
                "cards": portal.my_items(db_session, request.user),
                "entry": entry,
                "done": request.query_params.get("done"),
            },
        )

    @get("/items/{item_id:int}", guards=[deputy_only], sync_to_thread=True)
    def item(self, request: Request, db_session: DbSession, item_id: FromPath[int]) -> Template:
        context = _item_context(db_session, request, item_id, done=request.query_params.get("done"))
        return Template("portal/item.html", context=context)

    @post("/items/{item_id:int}/feedback", guards=[deputy_only], sync_to_thread=True)
    def feedback(self, request: Request, db_session: DbSession, item_id: FromPath[int], data: FormData) -> Response:
        form = {k: (v if isinstance(v, str) else "") for k, v in data.items()}
        try:
            version = int(form.get("expected_version") or 0) or None
        except ValueError:
            version = None
        try:
            portal.give_feedback(
                db_session,
                request.user,
                item_id,
                level=form.get("level", ""),
                handling_level=form.get("handling_level") or None,
                result_level=form.get("result_level") or None,
                comment=form.get("comment", ""),
                expected_version=version,
            )
        except UserError as exc:
            if exc.status_code == 404:
                raise
            db_session.rollback()
            context = _item_context(db_session, request, item_id, form=form, errors=_errors(exc), error=exc.message)
            return Template("portal/item.html", context=context, status_code=exc.status_code)
        return Redirect(f"/portal/items/{item_id}?done=feedback")

    @get("/replies/{reply_id:int}/letter", guards=[deputy_only], sync_to_thread=True)
    def letter(self, request: Request, db_session: DbSession, reply_id: FromPath[int]) -> Response:
        reply = portal.my_reply(db_session, request.user, reply_id)
        return Response(render_html(letters.letter_of(db_session, reply)), media_type="text/html; charset=utf-8")

    @get("/replies/{reply_id:int}/letter.docx", guards=[deputy_only], sync_to_thread=True)
    def letter_docx(self, request: Request, db_session: DbSession, reply_id: FromPath[int]) -> Response:
        reply = portal.my_reply(db_session, request.user, reply_id)
        letter = letters.letter_of(db_session, reply)
        return _download(render_docx(letter), docx_filename(letter), DOCX_MIME)

    # ------------------------------------------------------------------ activation (anonymous)

    @get("/activate")
    async def activate_page(self, request: Request) -> Template:
        response = Template("portal/activate.html", context={"form": {}, "errors": {}, "error": None})
        set_anon_csrf_cookie(response, request)
        return response

    @post("/activate", sync_to_thread=True)
    def activate(self, request: Request, data: FormData) -> Response:
        form = {k: (v if isinstance(v, str) else "") for k, v in data.items()}
        error, errors = None, {}
        # its own transaction: a wrong code is counted (and may lock the account) even though the answer is an error
        with session_scope() as session:
            try:
                user = portal_accounts.activate(
                    session,
                    form.get("username", ""),
                    form.get("code", ""),
                    form.get("password", ""),
                    form.get("repeat", ""),
                )
                new_session = accounts.start_session(session, user)
            except UserError as exc:
                error, errors = exc.message, _errors(exc)
        if error:
            kept = {"username": form.get("username", "")}
            response = Template(
                "portal/activate.html",
                context={"form": kept, "errors": errors, "error": error},
                status_code=401 if not errors else 422,
            )
            set_anon_csrf_cookie(response, request)
            return response
        done = Redirect("/portal?done=activated")
        done.set_cookie(
            SESSION_COOKIE,
            new_session.token,
            httponly=True,
            samesite="lax",
            path="/",
            secure=get_settings().cookie_secure or request.url.scheme == "https",
        )
        return done


route_handlers = [PortalController]
