"""The schedule: supervision every working day at JIANTI_SUPERVISION_AT (office time), and a sweeper.

Exactly once per day across any number of workers and servers, by two locks that do not depend on
each other: SAQ's cron job has a unique key in Redis (one enqueue per occurrence, whichever worker
gets there first), and the job row has the dedupe key "supervision:<day>" (unique in the database),
so even a second enqueue, a restart, or the in-process scheduler of several servers create one run.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

from app.clock import OFFICE_TZ as OFFICE_TIMEZONE
from app.ops.logs import log_event
from app.settings import get_settings

log = logging.getLogger("jianti.jobs")


def supervision_cron() -> str | None:
    if get_settings().supervision_cron:
        return get_settings().supervision_cron
    at = get_settings().supervision_at
    if at == "off":
        return None
    hour, minute = at.split(":")
    return f"{int(minute)} {int(hour)} * * *"


def fire_supervision(scheduled_for: float | None = None) -> int | None:
    """Create (once) and run today's supervision job in this process; returns its id."""
    from app.ops.runner import execute, submit_now

    now = datetime.now(OFFICE_TIMEZONE)
    day = now.date().isoformat()
    job_id = submit_now(
        "supervision",
        {"day": day},
        dedupe_key=f"supervision:{day}",
        dispatch=False,
    )
    lag = None if scheduled_for is None else round(time.time() - scheduled_for, 3)
    log_event(
        log,
        "schedule",
        job="supervision",
        day=day,
        job_id=job_id,
        scheduled_for=None if scheduled_for is None else int(scheduled_for),
        lag_s=lag,
    )
    execute(job_id)
    return job_id


class EmbeddedScheduler:
    """In-process schedule for servers without a queue; the database key keeps it to one run a day."""

    def __init__(self, sweep_every_s: float = 60.0) -> None:
        self.stop_event = threading.Event()
        self.sweep_every_s = sweep_every_s
        self.thread = threading.Thread(target=self._run, name="jianti-schedule", daemon=True)

    def start(self) -> EmbeddedScheduler:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()

    def _run(self) -> None:
        from croniter import croniter

        from app.ops.runner import redispatch_lost

        cron = supervision_cron()
        next_fire = croniter(cron, datetime.now(OFFICE_TIMEZONE)).get_next(float) if cron else None
        next_sweep = time.time() + self.sweep_every_s
        while not self.stop_event.is_set():
            now = time.time()
            try:
                # the next time is set before the work, so a failing run (database gone) waits for it, not 50 ms
                if next_fire is not None and now >= next_fire:
                    due, next_fire = next_fire, croniter(cron, datetime.now(OFFICE_TIMEZONE)).get_next(float)
                    fire_supervision(due)
                if now >= next_sweep:
                    next_sweep = now + self.sweep_every_s
                    redispatch_lost()
            except Exception:  # noqa: BLE001 - the schedule must survive a failed run (the row says why)
                log.exception("scheduled work failed")
            wake = min(t for t in (next_fire, next_sweep) if t is not None)
            self.stop_event.wait(max(0.05, min(wake - time.time(), 30)))
