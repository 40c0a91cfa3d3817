"""What can run as a job. Each function takes the JobContext and the row's params, calls services
with ctx.session (committed by the runner together with the job's "complete" status) and returns a
small JSON-able result. All of them are idempotent: running one twice changes nothing the second time
(supervision keys its reminders, recompute moves only what changed, files are overwritten whole).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from app.domain.text import N_
from app.settings import get_settings


@dataclass(frozen=True)
class JobKind:
    name: str
    function: Callable[..., dict | None]
    timeout: int = 3600  # seconds; a "running" row older than this is taken to belong to a dead worker


def _noop(ctx, sleep: float = 0.0, fail_times: int = 0) -> dict:
    """Trivial job (benchmarks, tests): optionally sleeps, or fails its first `fail_times` attempts."""
    import time

    from app.db.models.jobs import JobRecord

    attempts = ctx.session.get(JobRecord, ctx.job_id).attempts
    if attempts <= fail_times:
        raise RuntimeError(f"failing on purpose (attempt {attempts})")
    if sleep:
        steps = 10
        for step in range(steps):
            time.sleep(sleep / steps)
            ctx.progress(step + 1, steps, N_("sleeping"))
    return {"ok": True, "attempt": attempts}


def _supervision(ctx, day: str | None = None, mail: bool | None = None) -> dict:
    """督办 for a day; on a non-working day nothing is evaluated (the schedule fires every day)."""
    from app.clock import office_today
    from app.services.deadlines import current_calendar
    from app.services.supervision import run_supervision

    settings = get_settings()
    today = date.fromisoformat(day) if day else office_today()
    calendar = current_calendar(ctx.session, settings.profile)
    if not calendar.is_working_day(today):
        return {"day": today.isoformat(), "skipped": "not a working day"}
    ctx.progress(0, 1, N_("evaluating open deadlines"))
    run = run_supervision(
        ctx.session,
        ctx.actor,
        profile_name=settings.profile,
        today=today,
        send_mail=bool(settings.smtp_host) if mail is None else mail,
    )
    ctx.progress(1, 1, N_("done"))
    return {
        "day": today.isoformat(),
        "evaluated": run.evaluated,
        "matched": run.matched,
        "new": len(run.new),
        "mailed": len(run.mailed),
        "recomputed": run.recompute.recomputed if run.recompute else 0,
    }


def _recompute(ctx, reason: str = "calendar changed") -> dict:
    from app.services import context
    from app.services.deadlines import recompute_open_deadlines

    ctx.progress(0, 1, N_("recomputing open deadlines"))
    report = recompute_open_deadlines(
        ctx.session, ctx.actor, profile=context.current().profile, reason=reason, progress=ctx.progress
    )
    return {"examined": report.examined, "recomputed": report.recomputed, "moved": len(report.moved)}


def job_file(job_id: int, filename: str) -> Path:
    """Where a job's output file lives (outside the web root, in the data folder)."""
    folder = get_settings().data_dir / "jobs" / str(job_id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / Path(filename).name


def _stats_workbook(ctx, year: int, kind: str | None = None, session_label: str | None = None) -> dict:
    from app.services.stats.export import StatisticsQuery, export_filename, export_workbook, parse_kind

    query = StatisticsQuery(year=int(year), kind=parse_kind(kind), session_label=session_label or None)
    filename = export_filename(query)
    path = job_file(ctx.job_id, filename)
    export_workbook(ctx.session, ctx.actor, query, path, progress=ctx.progress)
    return {"file": filename, "bytes": path.stat().st_size}


def _export_items(ctx, suffix: str = ".xlsx", **filters) -> dict:
    from app.services.item_list import ItemFilters, export_to

    filename = f"items-{ctx.job_id}{suffix}"
    path = job_file(ctx.job_id, filename)
    ctx.progress(0, None, N_("writing rows"))
    count = export_to(
        ctx.session,
        ctx.actor,
        ItemFilters(**filters).validate(),
        path,
        lambda rows: ctx.progress(rows, None, N_("writing rows")),
    )
    ctx.progress(count, count, N_("done"))
    return {"file": filename, "rows": count, "bytes": path.stat().st_size}


def _import_batch(ctx, token: str, confirm_changes: bool = False, skip_locked: bool = False) -> dict:
    """A previewed upload imported in the background (all or nothing), rows read shown as progress."""
    from app.importing.reader import estimate_rows
    from app.services import importing

    pending = importing.load_pending(ctx.actor, token)
    total = estimate_rows(pending.path) or 0
    ctx.progress(0, total, N_("reading rows"))

    def rows_read(rows: int) -> None:
        ctx.progress(rows, max(total, rows), N_("reading rows"))

    batch, preview = importing.commit_import(
        ctx.session,
        ctx.actor,
        pending.path,
        kind=pending.kind,
        session_label=pending.session_label,
        file_name=pending.file_name,
        confirm_changes=confirm_changes,
        skip_locked=skip_locked,
        progress=rows_read,
    )
    ctx.progress(max(total, 1), max(total, 1), N_("written"))
    importing.discard_pending(pending)
    return {"batch_id": batch.id, "counts": preview.counts}


def _similarity_batch(ctx, batch_id: int) -> dict:
    """A large batch's similarity index and 并案 suggestions, after its import committed."""
    from app.services import batch_similarity

    ctx.progress(0, 1, N_("looking for near-duplicates"))
    result = batch_similarity.run_for_batch(ctx.actor, batch_id)
    ctx.progress(1, 1, N_("done"))
    return {"batch_id": batch_id, **result}


KINDS: dict[str, JobKind] = {
    kind.name: kind
    for kind in (
        JobKind("noop", _noop, timeout=600),
        JobKind("supervision", _supervision, timeout=1800),
        JobKind("recompute_deadlines", _recompute, timeout=1800),
        JobKind("stats_workbook", _stats_workbook, timeout=1800),
        JobKind("export_items", _export_items, timeout=1800),
        JobKind("import_batch", _import_batch, timeout=3600),
        JobKind("similarity_batch", _similarity_batch, timeout=3600),
    )
}


def register(kind: JobKind) -> None:
    """Other features add their kinds (e.g. the import's `import_batch`) at import time."""
    KINDS[kind.name] = kind
