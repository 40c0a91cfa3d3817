"""Jobs as the pages show them: one row per job with its progress (fresher from this process when it
runs the job), a result written in the user's language rather than the row's JSON, and the link to
the job's page. Used by the jobs page and by the "your background work" list on the import and
statistics pages (templates/ops/_my_jobs.html)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.db.models.jobs import JobRecord
from app.domain.text import N_
from app.i18n import _
from app.ops.runner import LIVE
from app.services import jobs
from app.services.actor import Actor

LABELS = {
    "noop": N_("Test job"),
    "supervision": N_("Supervision run"),
    "recompute_deadlines": N_("Deadline recompute"),
    "stats_workbook": N_("Statistics workbook"),
    "export_items": N_("Item export"),
    "import_batch": N_("Import"),
    "similarity_batch": N_("Near-duplicates of a batch"),
    "queued": N_("waiting"),
    "running": N_("running"),
    "retrying": N_("waiting to retry"),
    "complete": N_("finished"),
    "failed": N_("failed"),
}


@dataclass(frozen=True)
class JobRow:
    job: jobs.JobView
    summary: str
    link: str | None  # where the result lives (the import batch), besides the job's own page


def view(job: JobRecord) -> jobs.JobView:
    result = jobs.JobView.of(job)
    live = LIVE.get(job.id)  # this process runs it: fresher than the row (SQLite's write lock)
    if live is not None and job.status == "running":
        done, total, note = live
        percent = min(100, int(done * 100 / total)) if total else None
        result = dataclasses.replace(
            result, progress_done=done, progress_total=total, progress_note=note, percent=percent
        )
    return result


def _int(result: dict[str, Any], key: str) -> int:
    value = result.get(key)
    return value if isinstance(value, int) else 0


def summary(kind: str, result: dict[str, Any] | None) -> str:
    """A finished job's result in a sentence (empty when the kind has nothing to say)."""
    if not result:
        return ""
    if kind == "supervision":
        if result.get("skipped"):
            return _("%(day)s: not a working day, nothing evaluated", day=result.get("day", ""))
        return _(
            "%(day)s: %(evaluated)s open deadlines evaluated, %(new)s new reminders, %(mailed)s mailed",
            day=result.get("day", ""),
            evaluated=_int(result, "evaluated"),
            new=_int(result, "new"),
            mailed=_int(result, "mailed"),
        )
    if kind == "recompute_deadlines":
        return _(
            "%(examined)s open deadlines examined, %(moved)s moved",
            examined=_int(result, "examined"),
            moved=_int(result, "moved"),
        )
    if kind == "stats_workbook":
        return _("Workbook %(file)s (%(kb)s KB)", file=result.get("file", ""), kb=_int(result, "bytes") // 1024)
    if kind == "export_items":
        return _("%(rows)s items in %(file)s", rows=_int(result, "rows"), file=result.get("file", ""))
    if kind == "import_batch":
        counts = result.get("counts") or {}
        return _(
            "Batch %(batch)s: %(new)s new, %(changed)s changed, %(unchanged)s unchanged",
            batch=_int(result, "batch_id"),
            new=_int(counts, "new"),
            changed=_int(counts, "changed"),
            unchanged=_int(counts, "unchanged"),
        )
    if kind == "similarity_batch":
        return _(
            "Batch %(batch)s: %(items)s items compared, %(proposed)s merge suggestions",
            batch=_int(result, "batch_id"),
            items=_int(result, "items"),
            proposed=_int(result, "proposed"),
        )
    if kind == "noop":
        return _("Done at attempt %(attempt)s", attempt=_int(result, "attempt"))
    return ""


def row(job: JobRecord) -> JobRow:
    link = None
    if job.kind in ("import_batch", "similarity_batch") and job.result and isinstance(job.result.get("batch_id"), int):
        link = f"/imports/{job.result['batch_id']}"
    return JobRow(view(job), summary(job.kind, job.result), link)


def rows(records: list[JobRecord]) -> list[JobRow]:
    return [row(job) for job in records]


def my_jobs_context(session: Session, actor: Actor, *kinds: str, limit: int = 10) -> dict[str, Any]:
    """Template context for templates/ops/_my_jobs.html: the actor's own jobs of these kinds."""
    return {"my_jobs": rows(jobs.list_own(session, actor, kinds, limit=limit)), "job_labels": LABELS}
