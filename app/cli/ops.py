"""`jianti worker` (SAQ on Redis) and `jianti jobs …` (list, run, show)."""

from __future__ import annotations

import contextlib
import json

import click

from app.ops import queue
from app.settings import get_settings

from .util import require_database


@click.command("worker", help="Run background jobs and the schedule from the Redis queue (JIANTI_QUEUE_URL).")
@click.option("--concurrency", default=4, show_default=True, type=click.IntRange(1, 64), help="jobs at a time")
@click.option("--burst", is_flag=True, help="stop once the queue is empty (tests, one-off catch-up)")
def worker(concurrency: int, burst: bool) -> None:
    from app.ops import logs
    from app.ops.worker import run_worker

    if not queue.configured():
        raise click.ClickException(
            "JIANTI_QUEUE_URL is not set: without a queue, `jianti serve` runs jobs and the schedule itself"
        )
    require_database()
    logs.configure(get_settings().log_format)
    run_worker(concurrency=concurrency, burst=burst)


@click.group("jobs", help="Background jobs: list, start, show.")
def jobs_group() -> None:
    """Group."""


def _job_dict(job) -> dict:
    from app.services.jobs import JobView

    view = JobView.of(job)
    data = {k: getattr(view, k) for k in view.__dataclass_fields__}
    for key in ("created_at", "started_at", "finished_at"):
        data[key] = data[key].isoformat() if data[key] else None
    return data


@jobs_group.command("list", help="Running and recent jobs.")
@click.option("--limit", default=20, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True)
def jobs_list(limit: int, as_json: bool) -> None:
    from app.db.engine import session_scope
    from app.services import jobs

    require_database()
    with session_scope() as session:
        rows = [_job_dict(j) for j in jobs.list_jobs(session, limit=limit)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        progress = f"{row['percent']}%" if row["percent"] is not None else ""
        duration = f"{row['duration_s']:.1f}s" if row["duration_s"] is not None else ""
        tail = row["error"] or (json.dumps(row["result"], ensure_ascii=False) if row["result"] else "")
        click.echo(f"{row['id']:>6} {row['kind']:<20} {row['status']:<9} {progress:>5} {duration:>8} {tail[:80]}")


@jobs_group.command(
    "run", help="Start a job (KIND: noop, supervision, recompute_deadlines, stats_workbook, export_items)."
)
@click.argument("kind")
@click.option("--param", "params", multiple=True, help="KEY=VALUE (numbers and true/false are converted)")
@click.option("--wait/--no-wait", default=True, show_default=True, help="wait for the outcome, with a progress bar")
@click.option("--json", "as_json", is_flag=True)
def jobs_run(kind: str, params: tuple[str, ...], wait: bool, as_json: bool) -> None:
    from app.ops.kinds import KINDS
    from app.ops.runner import submit_now

    require_database()
    if kind not in KINDS:
        raise click.BadParameter(f"unknown kind; one of {', '.join(sorted(KINDS))}", param_hint="KIND")
    values = {}
    for pair in params:
        key, sep, raw = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--param")
        values[key] = _convert(raw)
    job_id = submit_now(kind, values)
    if not wait:
        click.echo(json.dumps({"id": job_id}) if as_json else f"job {job_id} queued")
        return
    job = follow(job_id, quiet=as_json)
    if as_json:
        click.echo(json.dumps(_job_dict(job), ensure_ascii=False, indent=2))
    else:
        click.echo(f"job {job.id} {job.status}: {job.error or json.dumps(job.result, ensure_ascii=False)}")
    if job.status != "complete":
        raise click.exceptions.Exit(1)


def _convert(raw: str):
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    for number in (int, float):
        with contextlib.suppress(ValueError):
            return number(raw)
    return raw


def follow(job_id: int, quiet: bool = False, timeout: float = 24 * 3600):
    """Wait for a job; a progress bar while a person watches a terminal (app/cli/progress.py)."""
    import time

    from app.db.engine import session_scope
    from app.db.models.jobs import JobRecord

    from .progress import progress_bar

    deadline = time.monotonic() + timeout
    with progress_bar(f"job {job_id}", quiet=quiet) as progress:
        while True:
            with session_scope() as session:
                job = session.get(JobRecord, job_id)
                if job is None:
                    raise click.ClickException(f"job {job_id} does not exist")
                session.expunge(job)
            if job.status == "complete":
                progress(max(job.progress_total, 1), max(job.progress_total, 1), "")
            elif job.progress_total:
                progress(job.progress_done, job.progress_total, job.progress_note)
            if job.status in ("complete", "failed") or time.monotonic() > deadline:
                return job
            time.sleep(0.2)


commands = [worker, jobs_group]
