"""`jianti worker`: SAQ workers on Redis run job rows and the schedule (app/ops/schedule.py)."""

from __future__ import annotations

import logging
import time

from app.ops import queue
from app.ops.runner import execute, redispatch_lost

log = logging.getLogger("jianti.jobs")


def run_job(ctx, *, job_id: int) -> str:
    """The one SAQ function: everything about the job is in its row."""
    return execute(job_id)


def scheduled_supervision(ctx) -> None:
    from app.ops.schedule import fire_supervision

    job = ctx.get("job")
    fire_supervision(float(job.scheduled) if job is not None and job.scheduled else None)


def sweep_lost(ctx) -> int:
    return redispatch_lost()


def worker_settings(concurrency: int = 4) -> dict:
    from saq.job import CronJob

    from app.clock import OFFICE_TZ as OFFICE_TIMEZONE
    from app.ops.schedule import supervision_cron

    cron_jobs = [CronJob(sweep_lost, cron="* * * * *", timeout=120)]
    cron = supervision_cron()
    if cron:
        cron_jobs.append(CronJob(scheduled_supervision, cron=cron, timeout=1800, retries=1))
    return {
        "queue": queue.make_queue(),
        "functions": [run_job],
        "cron_jobs": cron_jobs,
        "cron_tz": OFFICE_TIMEZONE,
        "concurrency": concurrency,
        # on SIGTERM SAQ waits this long for its loops (its upkeep sleeps up to 60 s) before cancelling them;
        # a job's own thread is not cut short: the thread pool is shut down with wait=True, and a redelivery
        # of a job that did finish is skipped by runner.claim
        "shutdown_grace_period_s": 2,
        "dequeue_timeout": 1.0,
    }


def run_worker(concurrency: int = 4, burst: bool = False) -> None:
    import asyncio

    from saq import Worker

    settings = worker_settings(concurrency)
    if burst:
        settings.update(burst=True)
    worker = Worker(**settings)
    started = time.time()

    async def main() -> None:
        await worker.queue.connect()
        try:
            await worker.start()
        finally:
            await worker.queue.disconnect()

    log.info("worker started: queue %s, concurrency %s", worker.queue.name, concurrency)
    asyncio.run(main())
    log.info("worker stopped after %.0f s", time.time() - started)
