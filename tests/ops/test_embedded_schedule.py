"""The in-process schedule survives failing work without spinning: a failed sweep waits for its next time."""

from __future__ import annotations

import threading
import time

from app.ops import runner
from app.ops.schedule import EmbeddedScheduler


def test_a_failing_sweep_is_retried_at_its_next_time_not_in_a_loop(monkeypatch):
    calls: list[float] = []

    def sweep_fails() -> None:
        calls.append(time.monotonic())
        raise RuntimeError("database gone")

    monkeypatch.setattr(runner, "redispatch_lost", sweep_fails)
    scheduler = EmbeddedScheduler(sweep_every_s=0.4).start()
    try:
        time.sleep(1.0)
    finally:
        scheduler.stop()
        scheduler.thread.join(timeout=5)
    # sweeps at about 0.4 s and 0.8 s; before the fix a failure was retried every 50 ms (about 12 calls)
    assert 1 <= len(calls) <= 3, calls


def test_two_lifespans_of_one_app_share_one_schedule_that_stops_with_the_last(app):
    from litestar.testing import TestClient

    def schedules() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "jianti-schedule" and t.is_alive()]

    before = set(schedules())
    with TestClient(app):
        with TestClient(app):  # a second client on the same app (a test holding two sessions)
            running = [t for t in schedules() if t not in before]
            assert len(running) == 1
        assert running[0].is_alive()  # the first client's lifespan still runs
    running[0].join(timeout=5)
    assert not running[0].is_alive()
