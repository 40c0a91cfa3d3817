"""Benchmark: jobs, the schedule, backup and restore.

    python -m tests.benchmarks.bench_jobs [--jobs 1000] [--postgres URL] [--skip-big]

SQLite under a temporary folder, or with --postgres postgresql+psycopg://postgres@127.0.0.1/postgres a
database jianti_ops_bench_<pid> created and dropped by the run. Redis: redis://127.0.0.1:6379/8
(JIANTI_BENCH_REDIS_URL), a queue name of its own. Figures:
1. trivial jobs per second: --jobs `noop` job rows (claim, run, record: three transactions each)
   through `jianti worker --concurrency 4` (SAQ) and through the in-process runner; baseline: bare SAQ
   with an empty async function and no database, same Redis, same run;
2. schedule to start: a 2-second cron for ~12 s across two workers, the lag from the cron time to
   the start of the supervision job (each fire logged once);
3. the supervision run over 50,000 open deadlines (20,000 assignments) as a job on the worker,
   against calling run_supervision directly in this process (same database, second run);
4. backup and restore of `jianti demo` and of 50,000 items (100,000 assignments, 250,000 deadlines):
   seconds and archive size.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REDIS_URL = os.environ.get("JIANTI_BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")


class Database:
    def __init__(self, postgres: str | None, tmp: Path, name: str) -> None:
        self.postgres = postgres
        if postgres:
            from sqlalchemy import create_engine
            from sqlalchemy.engine import make_url

            base = make_url(postgres)
            self.name = f"jianti_ops_bench_{os.getpid()}_{name}"
            self.admin = create_engine(base, isolation_level="AUTOCOMMIT")
            with self.admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}"')
                connection.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
            self.url = base.set(database=self.name).render_as_string(hide_password=False)
        else:
            self.url = f"sqlite:///{tmp / name}.db"
        self.data = tmp / f"{name}-files"

    def drop(self) -> None:
        from app.db.engine import engine_for

        engine_for(self.url).dispose()
        if self.postgres:
            with self.admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            **os.environ,
            "JIANTI_DATABASE_URL": self.url,
            "JIANTI_DATA_DIR": str(self.data),
            "JIANTI_SECRET_KEY": "bench",
            "JIANTI_SUPERVISION_AT": "off",
            **extra,
        }
        env.pop("JIANTI_QUEUE_URL", None) if "JIANTI_QUEUE_URL" not in extra else None
        return env


def jianti(env, *args, check=True):
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", *args], env=env, capture_output=True, text=True, check=check
    )


def use(db: Database, **settings) -> None:
    import dataclasses

    from app.ops import runner
    from app.settings import load_settings, use_settings

    use_settings(dataclasses.replace(load_settings(db.env()), **settings))
    runner.reset_dispatcher()


def submit_many(count: int) -> list[int]:
    from app.db.engine import session_scope
    from app.services import jobs
    from app.services.actor import Actor

    with session_scope() as session:
        return [jobs.submit(session, Actor.system(), "noop").id for _ in range(count)]


def wait_all(ids: list[int], timeout: float = 600) -> None:
    from sqlalchemy import func, select

    from app.db.engine import session_scope
    from app.db.models.jobs import JobRecord

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_scope() as session:
            done = session.scalar(
                select(func.count(JobRecord.id)).where(
                    JobRecord.id.in_(ids), JobRecord.status.in_(("complete", "failed"))
                )
            )
        if done == len(ids):
            return
        time.sleep(0.1)
    raise RuntimeError("jobs did not finish")


def bare_saq(count: int, queue_name: str) -> float:
    from saq import Queue, Worker

    async def nothing(ctx):
        return None

    async def run() -> float:
        queue = Queue.from_url(REDIS_URL, name=queue_name)
        await queue.connect()
        worker = Worker(queue, [("nothing", nothing)], concurrency=4, dequeue_timeout=1.0, burst=True)
        for _ in range(count):
            await queue.enqueue("nothing")
        started = time.perf_counter()
        await worker.start()
        elapsed = time.perf_counter() - started
        await queue.disconnect()
        return elapsed

    return count / asyncio.run(run())


def worker(env, concurrency=4):
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli.main", "worker", "--concurrency", str(concurrency)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def clean_redis(name: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for pattern in (f"saq:{name}:*", f"saq:job:{name}:*"):
        for key in client.scan_iter(pattern):
            client.delete(key)


def backup_restore(source: Database, tmp: Path, label: str, postgres: str | None) -> None:
    archive = tmp / f"{label}.tar"
    started = time.perf_counter()
    jianti(source.env(), "backup", "--out", str(archive), "--json")
    backup_s = time.perf_counter() - started
    target = Database(postgres, tmp, f"{label}_restored")
    try:
        started = time.perf_counter()
        jianti(target.env(), "restore", str(archive), "--json")
        restore_s = time.perf_counter() - started
    finally:
        target.drop()
    print(
        f"  {label:<28} backup {backup_s:6.1f} s   restore {restore_s:6.1f} s   archive {archive.stat().st_size / 1e6:7.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--skip-big", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="jianti-bench-jobs-"))
    queue_name = f"jianti-bench-{secrets.token_hex(3)}"
    print(f"database: {'postgresql' if args.postgres else 'sqlite'}; redis {REDIS_URL}, queue {queue_name}")
    small = Database(args.postgres, tmp, "small")
    try:
        jianti(small.env(), "db", "upgrade")
        qenv = small.env(JIANTI_QUEUE_URL=REDIS_URL, JIANTI_QUEUE_NAME=queue_name)

        # 1. trivial jobs
        print("1. trivial jobs")
        bare = bare_saq(args.jobs, queue_name + "-bare")
        print(f"  bare SAQ (empty async function, no database)   {bare:8.0f} jobs/s")
        use(small, queue_url=REDIS_URL, queue_name=queue_name)
        ids = submit_many(args.jobs)
        proc = worker(qenv)
        started = time.perf_counter()
        wait_all(ids)
        saq_rate = args.jobs / (time.perf_counter() - started)
        proc.terminate()
        proc.communicate(timeout=30)
        print(
            f"  jianti worker (SAQ, concurrency 4, job rows)   {saq_rate:8.0f} jobs/s   ({saq_rate / bare:.2f} x bare)"
        )
        use(small)
        started = time.perf_counter()
        ids = submit_many(args.jobs)
        wait_all(ids)
        embedded = args.jobs / (time.perf_counter() - started)
        print(
            f"  in-process runner (2 threads, job rows)        {embedded:8.0f} jobs/s   ({embedded / bare:.2f} x bare)"
        )

        # 2. schedule to start
        print("2. schedule to start (cron every 2 s, two workers, ~12 s)")
        cron_env = {**qenv, "JIANTI_SUPERVISION_CRON": "* * * * * */2", "JIANTI_SUPERVISION_AT": ""}
        procs = [worker(cron_env, 2) for _ in range(2)]
        time.sleep(14)
        outputs = []
        for proc in procs:
            proc.terminate()
            outputs.append(proc.communicate(timeout=30)[0])
        lags = sorted(float(x) for out in outputs for x in re.findall(r"lag_s=([0-9.]+)", out))
        per_worker = [len(re.findall(r"lag_s=", out)) for out in outputs]
        if lags:
            print(
                f"  fires {len(lags)} (per worker {per_worker}); lag min {lags[0]:.3f} s, median "
                f"{lags[len(lags) // 2]:.3f} s, max {lags[-1]:.3f} s"
            )
        else:
            print("  no fire seen", outputs)

        # 4a. backup / restore of the demo
        print("4. backup and restore")
        demo = Database(args.postgres, tmp, "demo")
        try:
            jianti(demo.env(), "demo", "--no-serve")
            backup_restore(demo, tmp, "demo", args.postgres)
        finally:
            demo.drop()
        if args.skip_big:
            return

        # 3. supervision over 50,000 open deadlines
        from tests.benchmarks.bench_deadlines import _setup

        big = Database(args.postgres, tmp, "supervision")
        try:
            _engine, _profile, assignments, deadlines = _setup(big.url, 20_000)
            print(f"3. supervision over {deadlines} open deadlines ({assignments} assignments)")
            use(big, queue_url=REDIS_URL, queue_name=queue_name)
            from app.ops.runner import submit_now, wait_for

            proc = worker(big.env(JIANTI_QUEUE_URL=REDIS_URL, JIANTI_QUEUE_NAME=queue_name))
            started = time.perf_counter()
            job = wait_for(submit_now("supervision", {"day": "2026-09-01"}), timeout=900)
            job_s = time.perf_counter() - started
            proc.terminate()
            proc.communicate(timeout=30)
            print(f"  as a job on the worker: {job_s:.1f} s ({job.status}: {job.result or job.error})")
            from datetime import date

            from app.db.engine import session_scope
            from app.services.actor import Actor
            from app.services.supervision import run_supervision

            use(big)
            started = time.perf_counter()
            with session_scope() as session:
                run = run_supervision(session, Actor.system(), profile_name="beijing", today=date(2026, 9, 2))
            direct_s = time.perf_counter() - started
            print(
                f"  run_supervision called directly (next day): {direct_s:.1f} s ({run.evaluated} evaluated, {len(run.new)} new)"
            )
        finally:
            big.drop()

        items = Database(args.postgres, tmp, "items50k")
        try:
            _setup(items.url, 100_000)
            backup_restore(items, tmp, "50,000 items", args.postgres)
        finally:
            items.drop()
    finally:
        small.drop()
        clean_redis(queue_name)
        clean_redis(queue_name + "-bare")


if __name__ == "__main__":
    main()
