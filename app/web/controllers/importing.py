"""Import pages (upload → preview → confirm), batch list and detail, the item list with export, and their API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import File, Redirect, Template
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import CongressSession
from app.domain.enums import OFFICE_ROLES, ItemKind, Role
from app.domain.text import N_
from app.i18n import _, gettext
from app.importing.templates import template_path
from app.services import batch_list, importing
from app.services import context as use_case
from app.services.batch_list import BATCH_SPEC
from app.services.errors import NotFound, Problem, ValidationFailed
from app.web import job_lists
from app.web.deps import DbSession
from app.web.guards import office_only
from app.web.listing import parse_query, view
from app.web.nav import NavEntry

NAV = [
    NavEntry(N_("Item list"), "/items", frozenset(Role), order=20),
    NavEntry(N_("Import"), "/imports", frozenset(OFFICE_ROLES), order=30),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES = {".xlsx": XLSX, ".csv": "text/csv", ".json": "application/json"}  # Litestar adds the charset
#: the stored originals, in every format the import reads
ORIGINAL_TYPES = {
    ".xlsx": XLSX,
    ".xls": "application/vnd.ms-excel",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".csv": "text/csv",
}


def _error_copy_name(prefix: str, file_name: str) -> str:
    """The marked-up copy is always an .xlsx, whatever was uploaded."""
    stem = file_name.rsplit(".", 1)[0] if "." in file_name else file_name
    return f"{prefix}{stem}.xlsx"


UPLOAD_MARGIN = 1024 * 1024  # multipart framing around the file


# Litestar refuses bodies above this before any handler runs. It is a fixed transport bound
# (nothing is read from the settings at import time); JIANTI_MAX_UPLOAD_MB itself is checked
# exactly while the upload is stored (app.services.importing.save_pending), with a clear message.
UPLOAD_BODY_LIMIT = 200 * 1024 * 1024 + UPLOAD_MARGIN


@dataclass
class UploadForm:
    file: UploadFile
    kind: str
    session: str
    confirm_changes: str | None = None
    dry_run: str | None = None
    skip_locked: str | None = None


@dataclass
class ConfirmForm:
    token: str
    confirm_changes: str | None = None
    skip_locked: str | None = None


@dataclass
class ConfirmBody:
    confirm_changes: bool = False
    #: import the others, leave rows of items already assigned (交办) as they are
    skip_locked: bool = False


Multipart = Annotated[UploadForm, Body(media_type=RequestEncodingType.MULTI_PART)]
StateQuery = Annotated[str | None, QueryParameter(name="state", required=False)]  # "state" is reserved by Litestar


def _kind(value: str) -> ItemKind:
    aliases = {"npc": ItemKind.NPC_SUGGESTION, "cppcc": ItemKind.CPPCC_PROPOSAL}
    try:
        return aliases.get(value) or ItemKind(value)
    except ValueError:
        raise ValidationFailed(_("Choose the kind of items."), [Problem("kind", _("unknown kind"), value)]) from None


def _save(request: Request, form: UploadForm) -> importing.PendingUpload:
    return importing.save_pending(
        request.user,
        form.file.file,
        file_name=form.file.filename or "upload.xlsx",
        kind=_kind(form.kind),
        session_label=form.session,
    )


def _preview(db_session: Session, request: Request, pending: importing.PendingUpload) -> importing.ImportPreview:
    preview = importing.preview_import(
        db_session,
        request.user,
        pending.path,
        kind=pending.kind,
        session_label=pending.session_label,
        file_name=pending.file_name,
    )
    if preview.problems:
        importing.write_error_report(preview, pending.path, pending.error_copy)
    return preview


def _preview_context(preview: importing.ImportPreview, pending: importing.PendingUpload, message: str | None):
    return {
        "preview": preview,
        "pending": pending,
        "message": message,
        "problems": [{**p.as_dict(gettext), "cell": p.cell} for p in preview.problems[:500]],
        "changed_rows": preview.changed_rows()[:500],
        "locked_rows": preview.locked_rows()[:500],
        "notes": [f"{p.place()}: {p.reason(gettext)}" for p in preview.notes[:100]],
    }


def _sessions(db_session: Session) -> list[CongressSession]:
    return list(
        db_session.scalars(select(CongressSession).order_by(CongressSession.year.desc(), CongressSession.label))
    )


def _index_context(db_session: Session, request: Request, **extra: Any) -> dict[str, Any]:
    query = parse_query(request.query_params, BATCH_SPEC)
    page = batch_list.list_batches(db_session, request.user, query)
    return {
        "sessions": _sessions(db_session),
        "batches": page.rows,
        "batch_view": view(page, "/imports"),
        "batch_query": query,
        **job_lists.my_jobs_context(db_session, request.user, "import_batch", "similarity_batch"),
        "kinds": list(ItemKind),
        "error": None,
        "chosen": None,
        **extra,
    }


class ImportPages(Controller):
    path = "/imports"
    include_in_schema = False
    guards = [office_only]

    @get("/", sync_to_thread=True)
    def index(self, request: Request, db_session: DbSession, session: FromQuery[str | None] = None) -> Template:
        return Template("importing/index.html", context=_index_context(db_session, request, chosen=session))

    @post("/preview", sync_to_thread=True, request_max_body_size=UPLOAD_BODY_LIMIT)
    def preview(self, request: Request, db_session: DbSession, data: Multipart) -> Template:
        try:
            pending = _save(request, data)
            preview = _preview(db_session, request, pending)
        except (importing.UnusableUpload, ValidationFailed, NotFound) as exc:
            context = _index_context(db_session, request, error=exc.message)
            return Template("importing/index.html", context=context, status_code=exc.status_code)
        return Template("importing/preview.html", context=_preview_context(preview, pending, None))

    @post("/confirm", sync_to_thread=True)
    def confirm(
        self,
        request: Request,
        db_session: DbSession,
        data: Annotated[ConfirmForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response:
        pending = importing.load_pending(request.user, data.token)
        try:
            batch, _preview = importing.commit_import(
                db_session,
                request.user,
                pending.path,
                kind=pending.kind,
                session_label=pending.session_label,
                file_name=pending.file_name,
                confirm_changes=bool(data.confirm_changes),
                skip_locked=bool(data.skip_locked),
            )
        except (importing.ChangesNeedConfirmation, importing.ImportHasErrors) as exc:
            return Template(
                "importing/preview.html",
                context=_preview_context(exc.preview, pending, exc.message),
                status_code=exc.status_code,
            )
        importing.discard_pending(pending)
        return Redirect(f"/imports/{batch.id}")

    @get("/pending/{token:str}/errors.xlsx", sync_to_thread=True)
    def error_copy(self, request: Request, token: FromPath[str]) -> File:
        pending = importing.load_pending(request.user, token)
        if not pending.error_copy.is_file():
            raise NotFound(_("This upload has no error report."))
        return File(pending.error_copy, filename=_error_copy_name("错误标注_", pending.file_name), media_type=XLSX)

    @get("/templates/{kind:str}", sync_to_thread=True)
    def template(self, kind: FromPath[str]) -> File:
        path = template_path(use_case.current().profile_name, _kind(kind.removesuffix(".xlsx")))
        return File(path, filename=path.name, media_type=XLSX)

    @get("/{batch_id:int}", sync_to_thread=True)
    def batch(
        self,
        request: Request,
        db_session: DbSession,
        batch_id: FromPath[int],
        outcome: FromQuery[str | None] = None,
        page: FromQuery[int] = 1,
    ) -> Template:
        batch = importing.get_batch(db_session, request.user, batch_id)
        per_page = 100
        page = max(1, page)
        rows, total = importing.batch_items(
            db_session, request.user, batch_id, outcome=outcome or None, offset=(page - 1) * per_page, limit=per_page
        )
        return Template(
            "importing/batch.html",
            context={
                "batch": batch,
                "rows": rows,
                "total": total,
                "page": page,
                "pages": max(1, -(-total // per_page)),
                "outcome": outcome or "",
            },
        )

    @get("/{batch_id:int}/file", sync_to_thread=True)
    def batch_file(self, request: Request, db_session: DbSession, batch_id: FromPath[int]) -> File:
        batch = importing.get_batch(db_session, request.user, batch_id)
        path = importing.stored_file_path(batch)
        if path is None:
            raise NotFound(_("The imported file is no longer stored."))
        return File(path, filename=batch.file_name, media_type=ORIGINAL_TYPES.get(path.suffix, XLSX))


# ------------------------------------------------------------------------------ API


class ImportApi(Controller):
    path = "/api/imports"
    tags = ["import"]
    guards = [office_only]

    @post(
        "/preview",
        sync_to_thread=True,
        request_max_body_size=UPLOAD_BODY_LIMIT,
        status_code=200,
        summary="Upload a workbook and preview its import (nothing is imported)",
    )
    def preview(self, request: Request, db_session: DbSession, data: Multipart) -> dict[str, Any]:
        pending = _save(request, data)
        try:
            preview = _preview(db_session, request, pending)
        except importing.UnusableUpload:
            importing.discard_pending(pending)
            raise
        errors_url = f"/api/imports/pending/{pending.token}/errors.xlsx" if preview.problems else None
        return {"token": pending.token, "errors_url": errors_url, **preview.as_dict()}

    @post(
        "/pending/{token:str}/commit",
        sync_to_thread=True,
        status_code=201,
        summary="Import a previewed upload (all or nothing)",
    )
    def commit_pending(
        self, request: Request, db_session: DbSession, token: FromPath[str], data: JSONBody[ConfirmBody | None] = None
    ) -> dict[str, Any]:
        pending = importing.load_pending(request.user, token)
        batch, preview = importing.commit_import(
            db_session,
            request.user,
            pending.path,
            kind=pending.kind,
            session_label=pending.session_label,
            file_name=pending.file_name,
            confirm_changes=bool(data and data.confirm_changes),
            skip_locked=bool(data and data.skip_locked),
        )
        importing.discard_pending(pending)
        return {"batch": importing.batch_as_dict(batch), **preview.as_dict()}

    @get("/pending/{token:str}/errors.xlsx", sync_to_thread=True, summary="The marked-up copy of a previewed upload")
    def error_copy(self, request: Request, token: FromPath[str]) -> File:
        pending = importing.load_pending(request.user, token)
        if not pending.error_copy.is_file():
            raise NotFound(_("This upload has no error report."))
        return File(pending.error_copy, filename=_error_copy_name("errors_", pending.file_name), media_type=XLSX)

    @post(
        "/",
        sync_to_thread=True,
        request_max_body_size=UPLOAD_BODY_LIMIT,
        status_code=201,
        summary="Upload and import a workbook in one step (dry_run=1 only previews)",
    )
    def import_now(self, request: Request, db_session: DbSession, data: Multipart) -> Response:
        pending = _save(request, data)
        try:
            if data.dry_run in ("1", "true", "on"):
                preview = _preview(db_session, request, pending)
                return Response({"dry_run": True, **preview.as_dict()}, status_code=200)
            batch, preview = importing.commit_import(
                db_session,
                request.user,
                pending.path,
                kind=pending.kind,
                session_label=pending.session_label,
                file_name=pending.file_name,
                confirm_changes=data.confirm_changes in ("1", "true", "on"),
                skip_locked=data.skip_locked in ("1", "true", "on"),
            )
            return Response(
                {"dry_run": False, "batch": importing.batch_as_dict(batch), **preview.as_dict()}, status_code=201
            )
        finally:
            importing.discard_pending(pending)

    @get("/", sync_to_thread=True, summary="Import batches, newest first")
    def batches(self, request: Request, db_session: DbSession) -> list[dict[str, Any]]:
        return [importing.batch_as_dict(b) for b in importing.list_batches(db_session, request.user)]

    @get("/{batch_id:int}", sync_to_thread=True, summary="One import batch with its items")
    def batch(
        self,
        request: Request,
        db_session: DbSession,
        batch_id: FromPath[int],
        offset: FromQuery[int] = 0,
        limit: FromQuery[int] = 100,
    ) -> dict[str, Any]:
        batch = importing.get_batch(db_session, request.user, batch_id)
        rows, total = importing.batch_items(
            db_session, request.user, batch_id, offset=max(0, offset), limit=max(1, min(limit, 1000))
        )
        return {
            **importing.batch_as_dict(batch),
            "items": {
                "total": total,
                "rows": [
                    {
                        "item_id": item.id,
                        "number": item.number,
                        "title": item.title,
                        "outcome": link.outcome,
                        "sheet": link.sheet,
                        "row": link.row,
                    }
                    for link, item in rows
                ],
            },
        }


route_handlers = [ImportPages, ImportApi]
