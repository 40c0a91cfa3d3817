"""Background jobs as records: submit (dispatched once the transaction commits), read, list.

A job row is written in the caller's transaction; when that transaction commits, the ids collected
on the session are handed to the queue (app/ops/queue.py, app/ops/runner.py). A rolled-back request
therefore never starts a job, and a job never starts before its row is visible to the worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db.base import utcnow
from app.db.models.jobs import JobRecord
from app.i18n import get_locale
from app.services.actor import Actor
from app.services.errors import Forbidden, NotFound

PENDING_KEY = "jianti_jobs_to_dispatch"
#: kept with the job's params: the job runs in the language of whoever started it, so the messages it
#: stores (a user's error, the problems of a workbook) read as that user reads them
LOCALE_PARAM = "_locale"
ACTIVE = ("queued", "running", "retrying")


def submit(
    session: Session,
    actor: Actor,
    kind: str,
    params: dict[str, Any] | None = None,
    *,
    dedupe_key: str | None = None,
    max_attempts: int = 3,
    request_id: str | None = None,
    dispatch: bool = True,
) -> JobRecord:
    """A new job row (or the existing one with the same dedupe_key); it starts after the commit."""
    from app.ops.kinds import KINDS

    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    if dedupe_key is not None:
        existing = session.scalar(select(JobRecord).where(JobRecord.dedupe_key == dedupe_key))
        if existing is not None:
            return existing
    job = JobRecord(
        kind=kind,
        status="queued",
        dedupe_key=dedupe_key,
        params={**(params or {}), LOCALE_PARAM: get_locale()},
        max_attempts=max_attempts,
        created_by_id=actor.user_id,
        request_id=request_id,
        created_at=utcnow(),
    )
    if dedupe_key is not None:
        try:  # a savepoint: losing the race to the same key must not spoil the caller's transaction
            with session.begin_nested():
                session.add(job)
        except IntegrityError:  # another worker or server created it a moment ago
            return session.scalars(select(JobRecord).where(JobRecord.dedupe_key == dedupe_key)).one()
    else:
        session.add(job)
    session.flush()
    if dispatch:
        session.info.setdefault(PENDING_KEY, []).append((job.id, job.kind))
    return job


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released (SQLAlchemy says after_commit for those too): not committed yet
    ids = session.info.pop(PENDING_KEY, None)
    if ids:
        from app.ops.runner import dispatch

        for job_id, kind in ids:
            dispatch(job_id, kind)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(PENDING_KEY, None)


def get_job(session: Session, actor: Actor, job_id: int) -> JobRecord:
    job = session.get(JobRecord, job_id)
    if job is None:
        raise NotFound(f"job {job_id} does not exist")
    if not (actor.is_system or job.created_by_id == actor.user_id or actor.role.value == "office_admin"):
        raise Forbidden("this job belongs to another user")
    return job


def list_jobs(session: Session, *, limit: int = 50, kind: str | None = None) -> list[JobRecord]:
    """Running and waiting jobs first, then the most recent."""
    active = select(JobRecord).where(JobRecord.status.in_(ACTIVE)).order_by(JobRecord.id.desc()).limit(limit)
    recent = select(JobRecord).where(JobRecord.status.not_in(ACTIVE)).order_by(JobRecord.id.desc()).limit(limit)
    if kind:
        active, recent = active.where(JobRecord.kind == kind), recent.where(JobRecord.kind == kind)
    return [*session.scalars(active), *session.scalars(recent)]


def list_own(session: Session, actor: Actor, kinds: tuple[str, ...], *, limit: int = 10) -> list[JobRecord]:
    """The actor's own jobs of these kinds (the import and statistics pages): running ones first.

    Only the jobs the actor started, whatever the role: a page never lists another user's work."""
    if actor.user_id is None:
        return []
    mine = select(JobRecord).where(JobRecord.created_by_id == actor.user_id, JobRecord.kind.in_(kinds))
    active = mine.where(JobRecord.status.in_(ACTIVE)).order_by(JobRecord.id.desc()).limit(limit)
    recent = mine.where(JobRecord.status.not_in(ACTIVE)).order_by(JobRecord.id.desc()).limit(limit)
    running = list(session.scalars(active))
    return [*running, *list(session.scalars(recent))[: max(limit - len(running), 0)]]


@dataclass(frozen=True)
class JobView:
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

    @classmethod
    def of(cls, job: JobRecord) -> JobView:
        percent = None
        if job.progress_total:
            percent = min(100, int(job.progress_done * 100 / job.progress_total))
        if job.status == "complete":
            percent = 100
        duration = None
        if job.started_at is not None:
            duration = round(((job.finished_at or utcnow()) - job.started_at).total_seconds(), 3)
        return cls(
            job.id,
            job.kind,
            job.status,
            job.progress_done,
            job.progress_total,
            job.progress_note,
            percent,
            job.attempts,
            job.max_attempts,
            job.created_at,
            job.started_at,
            job.finished_at,
            duration,
            job.result,
            job.error,
            job.worker,
        )
