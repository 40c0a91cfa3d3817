"""Readiness, checked cheaply: the database ping and the migration check are cached.

`/health/ready` must answer a load balancer many times a second without touching Alembic: the
migration revision is read at start-up and refreshed at most every MIGRATIONS_TTL seconds, the
database ping at most every DATABASE_TTL seconds, the queue ping likewise. A refresh runs in a
worker thread, one at a time; callers in between get the cached answer. Once a check has an
answer, a stale one is refreshed in the background and the caller gets the cached answer at once
(a probe stuck behind a busy server must not make the load balancer think the server is dead);
only an answer older than MAX_STALE_FACTOR × its ttl is waited for. The database is pinged on a
connection of its own, never one from the handlers' pool (issue 10: /health took 2 s while 50
conflicting writes held the pool).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

DATABASE_TTL = 2.0
MIGRATIONS_TTL = 60.0
QUEUE_TTL = 2.0
MAX_STALE_FACTOR = 5


@dataclass
class Check:
    name: str
    probe: Callable[[], str]  # returns "ok" / "current" or raises / returns another word for "not ready"
    ttl: float
    good: frozenset[str] = frozenset({"ok", "current"})
    value: str = "unknown"
    checked_at: float = field(default=-1e9)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def stale(self, now: float) -> bool:
        return now - self.checked_at >= self.ttl

    def too_old(self, now: float) -> bool:
        """No answer yet, or one so old it must not be served while the refresh runs."""
        return now - self.checked_at >= self.ttl * MAX_STALE_FACTOR

    def refresh(self) -> None:
        if not self.lock.acquire(blocking=False):
            return  # another thread is refreshing: keep the cached answer
        try:
            try:
                self.value = self.probe()
            except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
                self.value = f"error: {type(exc).__name__}"
            self.checked_at = time.monotonic()
        finally:
            self.lock.release()

    @property
    def ready(self) -> bool:
        return self.value in self.good


class Readiness:
    def __init__(self, checks: list[Check]) -> None:
        self.checks = checks

    def stale(self) -> bool:
        now = time.monotonic()
        return any(c.stale(now) for c in self.checks)

    def must_wait(self) -> bool:
        now = time.monotonic()
        return any(c.too_old(now) for c in self.checks)

    def refresh_in_background(self) -> None:
        """Each check refreshes one at a time (its lock), so a burst of callers starts at most one probe each."""
        threading.Thread(target=self.refresh_stale, name="readiness-refresh", daemon=True).start()

    def refresh_stale(self) -> None:
        now = time.monotonic()
        for check in self.checks:
            if check.stale(now):
                check.refresh()

    def refresh_all(self) -> None:
        for check in self.checks:
            check.refresh()

    def report(self) -> tuple[bool, dict[str, str]]:
        ready = all(c.ready for c in self.checks)
        return ready, {"status": "ok" if ready else "unavailable", **{c.name: c.value for c in self.checks}}


def database_probe() -> str:
    from app.db.engine import check_connection, probe_engine

    check_connection(probe_engine())
    return "ok"


def migrations_probe() -> str:
    from app.db.migrate import is_up_to_date

    return "current" if is_up_to_date() else "behind"


def default_readiness() -> Readiness:
    from app.ops import queue

    checks = [
        Check("database", database_probe, DATABASE_TTL),
        Check("migrations", migrations_probe, MIGRATIONS_TTL),
    ]
    if queue.configured():
        checks.append(Check("queue", queue.ping, QUEUE_TTL))
    return Readiness(checks)
