"""Background jobs: the jobs page (office_admin), a job's own page with its progress bar (its owner
can leave and come back), its output file, the JSON API, and the forms that start long work."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import File, Redirect, Template

from app.domain.enums import Role
from app.domain.text import N_
from app.ops.kinds import job_file
from app.services import jobs
from app.services.errors import NotFound, Problem, ValidationFailed
from app.services.item_list import ITEM_SPEC, ItemFilters
from app.web import job_lists
from app.web.deps import DbSession, FormData
from app.web.guards import logged_in, office_admin_only, office_only
from app.web.nav import NavEntry
from app.web.request_id import REQUEST_ID_KEY

NAV = [NavEntry(N_("Jobs"), "/jobs", frozenset({Role.OFFICE_ADMIN}), order=95)]

LABELS = job_lists.LABELS


@dataclass
class JobOut:
    id: int
    kind: str
    status: str
    progress_done: int
    progress_total: int
    progress_note: str
    percent: int | None
    attempts: int
    max_attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    duration_s: float | None
    result: dict[str, Any] | None
    error: str | None
    worker: str


@dataclass
class JobListOut:
    jobs: list[JobOut]


def _out(job) -> JobOut:
    return JobOut(**dataclasses.asdict(job_lists.view(job)))


@get("/jobs", guards=[office_admin_only], include_in_schema=False, sync_to_thread=True)
def jobs_page(db_session: DbSession) -> Template:
    return Template("ops/jobs.html", context={"jobs": job_lists.rows(jobs.list_jobs(db_session)), "labels": LABELS})


@get("/jobs/{job_id:int}", guards=[logged_in], include_in_schema=False, sync_to_thread=True)
def job_page(request: Request, db_session: DbSession, job_id: FromPath[int]) -> Template:
    job = jobs.get_job(db_session, request.user, job_id)
    return Template("ops/job.html", context={"job": job_lists.view(job), "row": job_lists.row(job), "labels": LABELS})


@get("/jobs/{job_id:int}/file", guards=[logged_in], include_in_schema=False, sync_to_thread=True)
def job_file_download(request: Request, db_session: DbSession, job_id: FromPath[int]) -> File:
    job = jobs.get_job(db_session, request.user, job_id)
    name = (job.result or {}).get("file")
    if job.status != "complete" or not name:
        raise NotFound("this job has no file")
    path = job_file(job.id, name)
    if not path.exists():
        raise NotFound("the file of this job is no longer kept")
    return File(path=path, filename=name)


@get("/api/jobs", guards=[office_admin_only], summary="Running and recent jobs", tags=["jobs"], sync_to_thread=True)
def api_jobs(db_session: DbSession) -> JobListOut:
    return JobListOut([_out(j) for j in jobs.list_jobs(db_session)])


@get("/api/jobs/{job_id:int}", guards=[logged_in], summary="One job", tags=["jobs"], sync_to_thread=True)
def api_job(request: Request, db_session: DbSession, job_id: FromPath[int]) -> JobOut:
    return _out(jobs.get_job(db_session, request.user, job_id))


def _submit(request: Request, db_session, kind: str, params: dict) -> Redirect:
    job = jobs.submit(
        db_session, request.user, kind, params, request_id=str(request.scope.get(REQUEST_ID_KEY, "")) or None
    )
    return Redirect(f"/jobs/{job.id}", status_code=303)


@post("/jobs/supervision", guards=[office_admin_only], include_in_schema=False, sync_to_thread=True)
def start_supervision(request: Request, db_session: DbSession) -> Redirect:
    return _submit(request, db_session, "supervision", {})


@post("/jobs/recompute", guards=[office_admin_only], include_in_schema=False, sync_to_thread=True)
def start_recompute(request: Request, db_session: DbSession) -> Redirect:
    return _submit(request, db_session, "recompute_deadlines", {"reason": "recompute started on the jobs page"})


@post("/jobs/stats-workbook", guards=[logged_in], include_in_schema=False, sync_to_thread=True)
def start_stats_workbook(request: Request, db_session: DbSession, data: FormData) -> Redirect:
    try:
        year = int(str(data.get("year", "")))
    except ValueError:
        raise ValidationFailed(
            "The workbook was not started.", [Problem("year", "not a year", data.get("year"))]
        ) from None
    params = {"year": year, "kind": data.get("kind") or None, "session_label": data.get("session") or None}
    return _submit(request, db_session, "stats_workbook", params)


def _export_params(data: dict[str, Any]) -> list[list[str]]:
    """The item list's filters as typed in the list's URL (app.services.item_list.ITEM_SPEC)."""
    pairs = []
    for name in ITEM_SPEC.filters:
        values = data.get(name)
        for value in values if isinstance(values, list) else [values]:
            if value not in (None, ""):
                pairs.append([name, str(value)])
    return pairs


@post("/jobs/export-items", guards=[logged_in], include_in_schema=False, sync_to_thread=True)
def start_export(request: Request, db_session: DbSession, data: FormData) -> Redirect:
    fmt = str(data.get("format") or "xlsx").lower()
    if fmt not in ("xlsx", "csv", "json"):
        raise ValidationFailed("The export was not started.", [Problem("format", "xlsx, csv or json", fmt)])
    params: dict[str, Any] = {"params": _export_params(data)}
    ItemFilters(**params).validate()  # a bad filter is refused now, not in the job
    params["suffix"] = "." + fmt
    return _submit(request, db_session, "export_items", params)


@post("/jobs/import/{token:str}", guards=[office_only], include_in_schema=False, sync_to_thread=True)
def start_import(request: Request, db_session: DbSession, token: FromPath[str], data: FormData) -> Redirect:
    """Hook for the import preview page (templates/ops/_import_job_form.html): import in the background."""
    from app.services import importing

    importing.load_pending(request.user, token)  # 404 now rather than a failed job later
    confirm = data.get("confirm_changes") in ("1", "true", "on")
    return _submit(request, db_session, "import_batch", {"token": token, "confirm_changes": confirm})


@post(
    "/api/imports/pending/{token:str}/jobs",
    guards=[office_only],
    status_code=202,
    summary="Import a previewed upload in the background; poll /api/jobs/{id}",
    tags=["jobs"],
    sync_to_thread=True,
)
def api_start_import(request: Request, db_session: DbSession, token: FromPath[str]) -> JobOut:
    from app.services import importing

    importing.load_pending(request.user, token)
    job = jobs.submit(
        db_session,
        request.user,
        "import_batch",
        {"token": token},
        request_id=str(request.scope.get(REQUEST_ID_KEY, "")) or None,
    )
    return _out(job)


route_handlers = [
    start_import,
    api_start_import,
    jobs_page,
    job_page,
    job_file_download,
    api_jobs,
    api_job,
    start_supervision,
    start_recompute,
    start_stats_workbook,
    start_export,
]
