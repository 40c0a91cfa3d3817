"""Jobs on the real queue: SAQ on Redis, `jianti worker` processes, the schedule across two workers.

Needs Redis at 127.0.0.1:6379 (skipped otherwise); each test uses its own queue name.
"""

from __future__ import annotations

import dataclasses
import os
import re
import secrets
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import select

from app.db.engine import session_scope
from app.db.models.jobs import JobRecord
from app.ops import runner
from app.settings import get_settings, use_settings

REDIS_URL = os.environ.get("JIANTI_TEST_REDIS_URL", "redis://127.0.0.1:6379/8")


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001
        return False


pytestmark = pytest.mark.skipif(not _redis_up(), reason=f"no Redis at {REDIS_URL}")


@pytest.fixture
def on_queue(clean_db, database_url):
    """Settings with the Redis queue (a fresh queue name); yields the environment for worker processes."""
    before = get_settings()
    name = f"jianti-test-{secrets.token_hex(4)}"
    use_settings(dataclasses.replace(before, queue_url=REDIS_URL, queue_name=name))
    runner.reset_dispatcher()
    env = {
        **os.environ,
        "JIANTI_DATABASE_URL": database_url,
        "JIANTI_SECRET_KEY": before.secret_key,
        "JIANTI_DATA_DIR": str(before.data_dir),
        "JIANTI_QUEUE_URL": REDIS_URL,
        "JIANTI_QUEUE_NAME": name,
        "JIANTI_SUPERVISION_AT": "off",
    }
    yield env
    use_settings(before)
    runner.reset_dispatcher()
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"saq:{name}:*"):
        client.delete(key)
    for key in client.scan_iter(f"saq:job:{name}:*"):
        client.delete(key)


def _worker(env, *args):
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli.main", "worker", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_worker_runs_jobs_from_redis_with_retries(on_queue):
    ids = [runner.submit_now("noop") for _ in range(5)]
    flaky = runner.submit_now("noop", {"fail_times": 1})
    with session_scope() as session:
        assert {j.status for j in session.scalars(select(JobRecord))} == {"queued"}  # nothing runs in this process
    worker = _worker(on_queue, "--concurrency", "2")
    try:
        jobs = [runner.wait_for(i, timeout=30) for i in [*ids, flaky]]
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
    assert [j.status for j in jobs] == ["complete"] * 6, output
    assert jobs[-1].attempts == 2 and ":" in jobs[-1].worker
    assert len(re.findall(r"event=job|\"event\": \"job\"|INFO  job ", output)) >= 7, output


class _Output:
    """A worker's output, read line by line by a thread, so a test can poll it while the worker runs."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self.lines: list[str] = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait(self) -> str:
        """The whole output, once the worker has ended."""
        self.process.wait(timeout=30)
        self.thread.join(timeout=10)
        return "\n".join(self.lines)


def _until(condition, timeout: float, poll: float = 0.1) -> bool:
    """Poll `condition` until it holds or `timeout` seconds have passed; returns whether it held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(poll)
    return bool(condition())


def _supervision_rows() -> list[JobRecord]:
    with session_scope() as session:
        rows = session.scalars(select(JobRecord).where(JobRecord.kind == "supervision")).all()
        session.expunge_all()
        return list(rows)


def test_schedule_fires_once_per_occurrence_across_two_workers(on_queue):
    env = {**on_queue, "JIANTI_SUPERVISION_CRON": "* * * * * */3", "JIANTI_SUPERVISION_AT": ""}
    workers = [_Output(_worker(env, "--concurrency", "2")) for _ in range(2)]

    def fires() -> list[str]:
        return [line for w in workers for line in list(w.lines) if " schedule " in line]

    # polled, not slept: done as soon as two occurrences have fired and the day's run is recorded
    def enough() -> bool:
        return len(fires()) >= 2 and any(r.status == "complete" for r in _supervision_rows())

    reached = _until(enough, timeout=45)
    for w in workers:  # both at once: each stop waits out SAQ's shutdown grace period
        w.process.terminate()
    outputs = [w.wait() for w in workers]
    assert reached, outputs
    fired = fires()
    occurrences = [int(m) for m in re.findall(r"scheduled_for=([0-9]+)", "\n".join(fired))]
    lags = [float(m) for m in re.findall(r"lag_s=([0-9.]+)", "\n".join(fired))]
    assert len(occurrences) == len(fired) >= 2, fired
    # one fire per occurrence however many workers: no occurrence twice, each on the 3-second grid
    assert len(set(occurrences)) == len(occurrences), fired
    assert all(o % 3 == 0 for o in occurrences), fired
    assert all(lag < 3 for lag in lags), fired
    rows = _supervision_rows()
    assert len(rows) == 1 and rows[0].status == "complete"  # one run a day however often it fires
