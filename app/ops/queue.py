"""Where jobs go once their row is committed: SAQ on Redis, or the in-process runner.

Why SAQ (and not arq, RQ, Celery, or litestar-saq):
- asyncio-native, small (one dependency besides redis: croniter), and its cron jobs are deduplicated
  by a unique key in Redis, so N workers enqueue one run per occurrence; a Redis lock makes only one
  worker move scheduled jobs to the queue each second;
- it also ships a PostgreSQL queue, should an office run without Redis later;
- litestar-saq was tried: it wires the worker to the Litestar app's lifespan and to `litestar workers`;
  Jianti needs `jianti worker` without the web app, and job state kept in the database (the jobs table)
  rather than in the queue, so plain SAQ with a 60-line wrapper is less to carry.

The queue only carries a job row's id. With JIANTI_QUEUE_URL unset, the same `execute` runs in a
thread pool of the process that committed the row (app/ops/runner.py).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from concurrent.futures import Future
from typing import Any

from app.settings import get_settings

log = logging.getLogger("jianti.jobs")


def configured() -> bool:
    return bool(get_settings().queue_url)


def make_queue(url: str | None = None):
    from saq.queue.redis import RedisQueue

    return RedisQueue.from_url(url or get_settings().queue_url, name=get_settings().queue_name)


def ping() -> str:
    import redis

    client = redis.Redis.from_url(get_settings().queue_url, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


class RedisDispatcher:
    """A daemon thread with its own event loop and SAQ queue: `dispatch` works from any thread, sync or async."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.loop = asyncio.new_event_loop()
        self.queue: Any = None
        self._ready = threading.Event()
        self.thread = threading.Thread(target=self._run, name="jianti-dispatch", daemon=True)
        self.thread.start()
        self._ready.wait(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.queue = make_queue(self.url)
        self._ready.set()
        self.loop.run_forever()

    async def _enqueue(self, job_id: int, timeout: int, delay: float) -> None:
        scheduled = int(time.time() + delay) if delay else 0
        await self.queue.enqueue(
            "run_job",
            job_id=job_id,
            key=f"job:{job_id}:{scheduled}",
            timeout=timeout,
            retries=2,  # a worker that dies mid-job: SAQ's sweep hands it out again; runner.claim decides
            ttl=3600,
            scheduled=scheduled,
        )

    def dispatch(self, job_id: int, *, timeout: int, delay: float = 0.0, wait: bool = False) -> None:
        future: Future = asyncio.run_coroutine_threadsafe(self._enqueue(job_id, timeout, delay), self.loop)
        if wait:
            future.result(timeout=10)
        else:
            future.add_done_callback(_log_failure(job_id))


def _log_failure(job_id: int):
    def done(future: Future) -> None:
        if future.exception() is not None:
            log.error("job %s could not be put on the queue: %s (the sweeper retries)", job_id, future.exception())

    return done
