"""Running a job row: claim it, run its kind's function in one transaction, record the outcome.

Both engines call `execute(job_id)`: SAQ workers (`jianti worker`, app/ops/worker.py) and the
in-process runner used when no queue is configured. Guarantees:
- at most one run at a time: the claim is one UPDATE … WHERE status IN (queued, retrying), so a
  job delivered twice (SAQ sweep after a lost worker, the re-dispatch sweeper) runs once;
- the work and the "complete" status commit in the same transaction: a job that finished is never
  redone, a job that failed changed nothing;
- failures are retried (max_attempts, growing delay) unless they are the user's (UserError);
  the error stays on the row for the jobs page, the traceback goes to the log.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from app.db.base import utcnow
from app.db.engine import get_engine, session_scope
from app.db.models.jobs import JobRecord
from app.i18n import DEFAULT_LOCALE, locale_scope
from app.ops import queue
from app.ops.logs import log_event
from app.services.actor import Actor
from app.services.errors import UserError
from app.services.jobs import LOCALE_PARAM

log = logging.getLogger("jianti.jobs")

WORKER_NAME = f"{socket.gethostname()}:{os.getpid()}"
PROGRESS_EVERY_S = 0.5
RETRY_DELAYS_S = (2, 10, 60)
LIVE: dict[int, tuple[int, int, str]] = {}  # job id -> progress, for pages in this process (SQLite write lock)


class JobContext:
    """What a job function gets: its id, the actor, the work session, and a progress reporter."""

    def __init__(self, job: JobRecord, session: Session, actor: Actor) -> None:
        self.job_id = job.id
        self.kind = job.kind
        self.session = session
        self.actor = actor
        self.done = 0
        self.total = 0
        self._last = 0.0

    def progress(self, done: int, total: int | None = None, note: str = "") -> None:
        self.done = done
        if total is not None:
            self.total = total
        LIVE[self.job_id] = (done, self.total, note)
        now = time.monotonic()
        if now - self._last < PROGRESS_EVERY_S and done != self.total:
            return
        self._last = now
        _write_progress(self.job_id, done, self.total, note)


def _write_progress(job_id: int, done: int, total: int, note: str) -> None:
    """Own short transaction so other servers see it; on SQLite the job's write lock may refuse: skip."""
    engine = get_engine()
    # progress is best effort (a refused write lock, a dropped connection); the outcome is always recorded
    with contextlib.suppress(Exception), engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA busy_timeout=50")
        connection.execute(
            update(JobRecord)
            .where(JobRecord.id == job_id)
            .values(progress_done=done, progress_total=total, progress_note=note[:200])
        )
        connection.commit()
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA busy_timeout=5000")


def claim(job_id: int) -> JobRecord | None:
    from app.ops.kinds import KINDS

    now = utcnow()
    with session_scope() as session:
        job = session.get(JobRecord, job_id)
        if job is None:
            return None
        timeout = KINDS[job.kind].timeout if job.kind in KINDS else 3600
        stale = now - timedelta(seconds=timeout)
        claimed = session.execute(  # type: ignore[attr-defined]  # an UPDATE: CursorResult
            update(JobRecord)
            .where(
                JobRecord.id == job_id,
                or_(
                    JobRecord.status.in_(("queued", "retrying")),
                    (JobRecord.status == "running") & (JobRecord.started_at < stale),  # its worker died
                ),
            )
            .values(status="running", attempts=JobRecord.attempts + 1, started_at=now, worker=WORKER_NAME)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            return None
        session.refresh(job)
        session.expunge(job)
        return job


def _actor_of(session: Session, job: JobRecord) -> Actor:
    from app.db.models import User

    if job.created_by_id is None:
        return Actor.system()
    user = session.get(User, job.created_by_id)
    return Actor.of(user) if user is not None else Actor.system()


def execute(job_id: int) -> str:
    """Run one job if it can be claimed; returns the status it ended in ("skipped" when not claimed)."""
    from app.ops.kinds import KINDS

    job = claim(job_id)
    if job is None:
        return "skipped"
    started = time.perf_counter()
    spec = KINDS[job.kind]
    try:
        params = dict(job.params or {})
        locale = params.pop(LOCALE_PARAM, DEFAULT_LOCALE)
        with locale_scope(locale), session_scope() as session:
            context = JobContext(job, session, _actor_of(session, job))
            result = spec.function(context, **params)
            session.execute(
                update(JobRecord)
                .where(JobRecord.id == job_id)
                .values(
                    status="complete",
                    result=result or {},
                    error=None,
                    finished_at=utcnow(),
                    progress_done=context.total or context.done,
                    progress_total=context.total,
                )
            )
        status = "complete"
    except Exception as exc:  # noqa: BLE001 - recorded on the row, logged with traceback
        final = isinstance(exc, UserError) or job.attempts >= job.max_attempts
        status = "failed" if final else "retrying"
        message = (
            _user_message(exc) if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"
        )  # translated when raised: in the job's locale
        if not isinstance(exc, UserError):
            log.exception("job %s (%s) attempt %s failed", job_id, job.kind, job.attempts)
        delay = RETRY_DELAYS_S[min(job.attempts, len(RETRY_DELAYS_S)) - 1]
        with session_scope() as session:
            session.execute(
                update(JobRecord)
                .where(JobRecord.id == job_id)
                .values(
                    status=status,
                    error=message[:4000],
                    finished_at=utcnow() if final else None,
                    run_after=None if final else utcnow() + timedelta(seconds=delay),
                )
            )
        if not final:
            dispatch(job_id, job.kind, delay=delay)
    finally:
        LIVE.pop(job_id, None)
    log_event(
        log,
        "job",
        job_id=job_id,
        kind=job.kind,
        status=status,
        attempt=job.attempts,
        duration_ms=round((time.perf_counter() - started) * 1000, 1),
        worker=WORKER_NAME,
    )
    return status


def _user_message(exc: UserError, shown: int = 5) -> str:
    """The user's error as the pages show it: the message, then the first problems with their place."""
    problems = getattr(exc, "problems", [])
    lines = [exc.message, *(f"{p.place}: {p.reason}" for p in problems[:shown])]
    if len(problems) > shown:
        lines.append(f"… +{len(problems) - shown}")
    return "\n".join(lines)


# ------------------------------------------------------------------------------ dispatch


class EmbeddedRunner:
    """No queue configured: run jobs in a small thread pool of this process (`jianti demo`, one machine)."""

    def __init__(self, threads: int = 2) -> None:
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="jianti-job")

    def dispatch(self, job_id: int, *, timeout: int, delay: float = 0.0, wait: bool = False) -> None:
        if delay:
            timer = threading.Timer(delay, lambda: self.pool.submit(execute, job_id))
            timer.daemon = True
            timer.start()
            return
        future = self.pool.submit(execute, job_id)
        if wait:
            future.result()


_dispatcher = None
_dispatcher_lock = threading.Lock()


def dispatcher():
    global _dispatcher
    with _dispatcher_lock:
        if _dispatcher is None:
            if queue.configured():
                from app.settings import get_settings

                _dispatcher = queue.RedisDispatcher(get_settings().queue_url)
            else:
                _dispatcher = EmbeddedRunner()
        return _dispatcher


def reset_dispatcher() -> None:
    """Tests and `jianti demo`: forget the dispatcher so the next one follows the settings in force."""
    global _dispatcher
    with _dispatcher_lock:
        _dispatcher = None


def dispatch(job_id: int, kind: str | None = None, *, delay: float = 0.0, wait: bool = False) -> None:
    from app.ops.kinds import KINDS

    if kind is None:
        with session_scope() as session:
            kind = session.scalar(select(JobRecord.kind).where(JobRecord.id == job_id))
    timeout = KINDS[kind].timeout if kind in KINDS else 3600
    dispatcher().dispatch(job_id, timeout=timeout, delay=delay, wait=wait)


def redispatch_lost(older_than_s: int = 60) -> int:
    """Queued rows nobody picked up (the process died between commit and enqueue): hand them out again."""
    cutoff = utcnow() - timedelta(seconds=older_than_s)
    with session_scope() as session:
        ids = list(
            session.scalars(
                select(JobRecord.id).where(
                    or_(
                        (JobRecord.status == "queued") & (JobRecord.created_at < cutoff),
                        (JobRecord.status == "retrying") & (JobRecord.run_after < cutoff),
                    )
                )
            )
        )
    for job_id in ids:
        dispatch(job_id)
    return len(ids)


def wait_for(job_id: int, timeout: float = 60.0, poll: float = 0.05) -> JobRecord:
    """Block until the job has finished (tests, CLI `--wait`)."""
    deadline = time.monotonic() + timeout
    while True:
        with session_scope() as session:
            job = session.get(JobRecord, job_id)
            if job is None:
                raise LookupError(f"job {job_id} does not exist")
            session.expunge(job)
        if job.status in ("complete", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(poll)


def submit_now(kind: str, params: dict | None = None, *, actor: Actor | None = None, **options) -> int:
    """Submit from code that has no transaction of its own (CLI, scheduler): commit, dispatch."""
    from app.services import jobs

    with session_scope() as session:
        job = jobs.submit(session, actor or Actor.system(), kind, params, **options)
        return job.id


Progress = Callable[[int, int | None, str], None]
