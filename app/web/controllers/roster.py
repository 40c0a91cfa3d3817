"""Office pages for the roster (代表/委员名册): list and edit, Excel import (preview, cell-level report,
all-or-nothing), linking items' submitters (on demand; ambiguous and unknown names to resolve),
portal accounts issued in bulk with printable activation letters, and statistics by deputy/member."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from app.domain.enums import OFFICE_ROLES, SubmitterType
from app.domain.enums import Body as BodyKind
from app.domain.text import N_
from app.i18n import _, gettext
from app.services import context, portal_accounts, roster
from app.services.errors import UserError, ValidationFailed
from app.settings import get_settings
from app.web.controllers.workflow import _download
from app.web.deps import DbSession, FormData
from app.web.guards import office_only
from app.web.nav import NavEntry

NAV = [NavEntry(N_("Roster"), "/roster", frozenset(OFFICE_ROLES), order=72)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD_BODY_LIMIT = get_settings().max_upload_mb * 1024 * 1024 + 1024 * 1024


@dataclass
class RosterUpload:
    file: UploadFile
    term: str = ""
    body: str = "npc"


Multipart = Annotated[RosterUpload, Body(media_type=RequestEncodingType.MULTI_PART)]


def _form(data: dict[str, Any]) -> dict[str, str]:
    return {k: (v if isinstance(v, str) else "") for k, v in data.items()}


def _errors(exc: UserError) -> dict[str, str]:
    if isinstance(exc, ValidationFailed):
        return {p.place: p.reason for p in exc.problems}
    return {}


def _ids(data: dict[str, Any], name: str) -> list[int]:
    raw = data.get(name, [])
    out = []
    for value in raw if isinstance(raw, list) else [raw]:
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            continue
    return out


def _index(session: Session, request: Request, **extra: Any) -> dict[str, Any]:
    params = request.query_params
    term, body, q = params.get("term") or "", params.get("body") or "", params.get("q") or ""
    entries = roster.list_entries(session, request.user, term=term or None, body=body or None, q=q)
    return {
        "entries": entries,
        "accounts": portal_accounts.accounts_of(session, [e.id for e in entries]),
        "terms": roster.terms(session),
        "filters": {"term": term, "body": body, "q": q},
        "unresolved": roster.count_unresolved(session),
        "done": params.get("done"),
        "error": None,
        **extra,
    }


def _entry_context(entry, form=None, errors=None, error=None) -> dict[str, Any]:
    return {
        "entry": entry,
        "form": form
        or ({k: getattr(entry, k) for k in roster.EDITABLE} if entry else {"body": "npc", "kind": "individual"}),
        "errors": errors or {},
        "error": error,
        "kinds": list(SubmitterType),
        "bodies": list(BodyKind),
    }


class RosterController(Controller):
    path = "/roster"
    include_in_schema = False
    guards = [office_only]

    @get("/", sync_to_thread=True)
    def index(self, request: Request, db_session: DbSession) -> Template:
        return Template("roster/index.html", context=_index(db_session, request))

    @get("/new", sync_to_thread=True)
    def new(self, request: Request) -> Template:
        return Template("roster/edit.html", context=_entry_context(None))

    @post("/new", sync_to_thread=True)
    def create(self, request: Request, db_session: DbSession, data: FormData) -> Response:
        form = _form(data)
        try:
            entry = roster.save_entry(db_session, request.user, None, form, active=True)
        except UserError as exc:
            return Template(
                "roster/edit.html",
                context=_entry_context(None, form, _errors(exc), exc.message),
                status_code=exc.status_code,
            )
        return Redirect(f"/roster?done=saved&q={entry.name}")

    @get("/{entry_id:int}", sync_to_thread=True)
    def edit(self, request: Request, db_session: DbSession, entry_id: FromPath[int]) -> Template:
        return Template(
            "roster/edit.html", context=_entry_context(roster.get_entry(db_session, request.user, entry_id))
        )

    @post("/{entry_id:int}", sync_to_thread=True)
    def save(self, request: Request, db_session: DbSession, entry_id: FromPath[int], data: FormData) -> Response:
        form = _form(data)
        entry = roster.get_entry(db_session, request.user, entry_id)
        try:
            version = int(form.get("expected_version") or 0) or None
            roster.save_entry(
                db_session, request.user, entry_id, form, active=form.get("active") == "on", expected_version=version
            )
        except (UserError, ValueError) as exc:
            message = exc.message if isinstance(exc, UserError) else str(exc)
            errors = _errors(exc) if isinstance(exc, UserError) else {}
            db_session.rollback()
            entry = roster.get_entry(db_session, request.user, entry_id)
            return Template(
                "roster/edit.html",
                context=_entry_context(entry, form, errors, message),
                status_code=getattr(exc, "status_code", 422),
            )
        return Redirect(f"/roster?done=saved&q={entry.name}")

    # ------------------------------------------------------------------ import

    @get("/import", sync_to_thread=True)
    def import_page(self, request: Request) -> Template:
        return Template(
            "roster/import.html", context={"form": {"body": "npc"}, "error": None, "bodies": list(BodyKind)}
        )

    @post("/import", sync_to_thread=True, request_max_body_size=UPLOAD_BODY_LIMIT)
    def import_preview(self, request: Request, db_session: DbSession, data: Multipart) -> Template:
        form = {"term": data.term, "body": data.body}
        try:
            token = roster.save_upload(
                request.user,
                data.file.file.read(),
                file_name=data.file.filename or "roster.xlsx",
                term=data.term,
                body=data.body,
            )
            path, meta = roster.load_upload(request.user, token)
            preview = roster.preview_roster(
                db_session, request.user, path, term=data.term, body=data.body, file_name=meta["file_name"]
            )
        except UserError as exc:
            return Template(
                "roster/import.html",
                context={"form": form, "error": exc.message, "bodies": list(BodyKind)},
                status_code=exc.status_code,
            )
        if not preview.ok:
            roster.write_roster_errors(preview, path, path.parent / "errors.xlsx")
        return Template("roster/preview.html", context={"preview": preview, "token": token, "translate": gettext})

    @post("/import/{token:str}/commit", sync_to_thread=True)
    def import_commit(self, request: Request, db_session: DbSession, token: FromPath[str]) -> Response:
        path, meta = roster.load_upload(request.user, token)
        try:
            preview = roster.commit_roster(
                db_session, request.user, path, term=meta["term"], body=meta["body"], file_name=meta["file_name"]
            )
        except roster.RosterImportHasErrors as exc:
            db_session.rollback()
            return Template(
                "roster/preview.html",
                context={"preview": exc.preview, "token": token, "translate": gettext},
                status_code=422,
            )
        report = roster.link_items(db_session, request.user)
        roster.discard_upload(path)
        return Redirect(
            f"/roster?done=imported&new={len(preview.new)}&changed={len(preview.changed)}&linked={report.linked}"
        )

    @get("/import/{token:str}/errors.xlsx", sync_to_thread=True)
    def import_errors(self, request: Request, token: FromPath[str]) -> Response:
        path, meta = roster.load_upload(request.user, token)
        errors = path.parent / "errors.xlsx"
        if not errors.is_file():
            from app.services.errors import NotFound

            raise NotFound(_("No such file."))
        return _download(errors.read_bytes(), f"{meta['file_name'].rsplit('.', 1)[0]}-错误.xlsx", XLSX)

    # ------------------------------------------------------------------ links

    @get("/links", sync_to_thread=True)
    def links(self, request: Request, db_session: DbSession) -> Template:
        return Template(
            "roster/links.html",
            context={
                "rows": roster.unresolved_links(db_session, request.user),
                "done": request.query_params.get("done"),
            },
        )

    @post("/links/run", sync_to_thread=True)
    def run_links(self, request: Request, db_session: DbSession) -> Redirect:
        from app.services.access import require_office

        require_office(request.user)
        report = roster.link_items(db_session, request.user)
        return Redirect(f"/roster/links?done={report.linked}/{report.ambiguous}/{report.unknown}")

    @post("/links/{link_id:int}", sync_to_thread=True)
    def resolve(self, request: Request, db_session: DbSession, link_id: FromPath[int], data: FormData) -> Redirect:
        raw = str(data.get("roster_entry_id") or "")
        entry_id = int(raw) if raw.isdigit() else None
        roster.resolve_link(db_session, request.user, link_id, entry_id)
        return Redirect("/roster/links?done=resolved")

    # ------------------------------------------------------------------ accounts and statistics

    @post("/accounts", sync_to_thread=True)
    def issue(self, request: Request, db_session: DbSession, data: FormData) -> Response:
        try:
            issued = portal_accounts.issue_accounts(
                db_session, request.user, _ids(data, "entry_id"), reissue=data.get("reissue") == "on"
            )
        except UserError as exc:
            db_session.rollback()
            return Template(
                "roster/index.html", context=_index(db_session, request, error=exc.message), status_code=422
            )
        base = str(request.base_url).rstrip("/")
        return Template("roster/letters.html", context={"issued": issued, "base": base})

    @get("/stats", sync_to_thread=True)
    def stats(self, request: Request, db_session: DbSession) -> Template:
        params = request.query_params
        rows = roster.deputy_statistics(
            db_session, request.user, term=params.get("term") or None, body=params.get("body") or None
        )

        profile = context.current().profile
        return Template(
            "roster/stats.html",
            context={
                "rows": rows,
                "satisfaction": profile.satisfaction,
                "terms": roster.terms(db_session),
                "filters": {"term": params.get("term") or "", "body": params.get("body") or ""},
            },
        )


route_handlers = [RosterController]
