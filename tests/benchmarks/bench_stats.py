"""Benchmark: the statistics export of a year of 50,000 items with full history.

    python -m tests.benchmarks.bench_stats [--items 50000] [--postgres URL]

Seeds a fresh database (SQLite file; PostgreSQL too when --postgres or JIANTI_BENCH_POSTGRES_URL
names a server), then runs the export in a fresh child process so that its time and peak memory
(ru_maxrss) are the export's alone. Targets: under 10 s and under 500 MB. Baselines: the bare
library doing the same raw work (fetching the same rows with plain SELECTs; writing the same
number of cells with openpyxl alone).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

TARGET_SECONDS, TARGET_MB = 10.0, 500.0
YEAR, AS_OF = 2026, date(2026, 12, 31)


def _settings_for(url: str, data_dir: Path):
    from app.settings import load_settings, use_settings

    use_settings(
        load_settings(
            {
                "JIANTI_DATABASE_URL": url,
                "JIANTI_PROFILE": "beijing",
                "JIANTI_SECRET_KEY": "bench",
                "JIANTI_DATA_DIR": str(data_dir),
            }
        )
    )


def seed(url: str, items: int, data_dir: Path) -> dict:
    from app.db import migrate
    from app.db.engine import engine_for, session_scope
    from app.demo.stats_writer import seed_facts
    from app.rules.profiles import load_profile
    from app.services import departments
    from app.services.actor import Actor
    from tests.stats.random_dataset import generate_items

    _settings_for(url, data_dir)
    engine = engine_for(url)
    migrate.upgrade(engine)
    profile = load_profile("beijing")
    facts = generate_items(profile, items, year=YEAR, seed=2026)
    started = time.perf_counter()
    with session_scope(engine) as session:
        departments.sync_departments(session, Actor.system(), profile)
    with session_scope(engine) as session:
        seed_facts(session, facts)
    # a database in use has planner statistics (autovacuum on PostgreSQL); fresh bulk inserts have none
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    return {
        "seed_seconds": round(time.perf_counter() - started, 1),
        "items": len(facts),
        "assignments": sum(len(f.assignments) for f in facts),
        "replies": sum(len(f.replies) for f in facts),
        "communications": sum(len(f.communications) for f in facts),
        "feedback": sum(len(f.feedback) for f in facts),
        "extensions": sum(len(f.extensions) for f in facts),
    }


def export_child(url: str, out: str, data_dir: str) -> None:
    """Runs in the child process: one export, timed, then prints JSON."""
    started = time.perf_counter()
    _settings_for(url, Path(data_dir))
    from app.db.engine import engine_for, session_scope
    from app.reports.statistics_workbook import write_statistics_workbook
    from app.services import stats
    from app.services.actor import Actor
    from app.services.stats import export as export_module

    imported = time.perf_counter()
    query = stats.StatisticsQuery(year=YEAR, as_of=AS_OF)
    with session_scope(engine_for(url)) as session:
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        report = stats.statistics_report(session, Actor.system(), query)
        t1 = time.perf_counter()
        with export_module._collector_paused():
            write_statistics_workbook(report, out)
        t2 = time.perf_counter()
        cpu = time.process_time() - cpu0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from app.reports.statistics_workbook import build_sheets

    cells = sum(len(row) for sheet in build_sheets(report) for row in sheet.rows)
    print(
        json.dumps(
            {
                "export_seconds": round(t2 - t0, 2),
                "export_cpu_seconds": round(cpu, 2),
                "load_and_compute_seconds": round(t1 - t0, 2),
                "write_seconds": round(t2 - t1, 2),
                "startup_seconds": round(imported - started, 2),
                "peak_mb": round(peak_mb, 1),
                "late_rows": len(report.late),
                "departments": len(report.departments),
                "received": report.summary[None]["received"],
                "cells": cells,
            }
        )
    )


def baseline(url: str, out: str, data_dir: str, cells: int) -> dict:
    """The bare libraries: fetch the same tables with plain SELECTs; write as many cells with openpyxl."""
    _settings_for(url, Path(data_dir))
    from openpyxl import Workbook
    from sqlalchemy import text

    from app.db.engine import engine_for

    tables = ["items", "assignments", "reply_publications", "congress_sessions", "categories", "departments"]
    for optional in ("replies", "communications", "feedback", "deadline_extensions"):
        tables.append(optional)
    engine = engine_for(url)
    t0 = time.perf_counter()
    with engine.connect() as connection:
        existing = set(engine.dialect.get_table_names(connection))
        for table in tables:
            if table in existing:
                connection.execute(text(f"SELECT * FROM {table}")).fetchall()
    t1 = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("x")
    row = list(range(14))
    for _ in range(cells // len(row)):
        ws.append(row)
    wb.save(out)
    t2 = time.perf_counter()
    return {"fetch_seconds": round(t1 - t0, 2), "write_seconds": round(t2 - t1, 2)}


def run(url: str, label: str, items: int, workdir: Path) -> dict:
    seeded = seed(url, items, workdir)
    out = str(workdir / f"stats-{label}.xlsx")
    child = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.bench_stats", "--child", url, out, str(workdir)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    bare = baseline(url, str(workdir / "bare.xlsx"), str(workdir), figures["cells"])
    return {"database": label, **seeded, **figures, "baseline": bare, "size_kb": os.path.getsize(out) // 1024}


def report(result: dict) -> None:
    ok_time = result["export_seconds"] < TARGET_SECONDS
    ok_mem = result["peak_mb"] < TARGET_MB
    bare = result["baseline"]
    print(f"\n== {result['database']}: {result['items']} items, {result['assignments']} assignments, "
          f"{result['replies']} replies, {result['communications']} communications, {result['feedback']} ratings, "
          f"{result['extensions']} extensions (seeded in {result['seed_seconds']} s)")  # fmt: skip
    print(f"export: {result['export_seconds']} s wall, {result['export_cpu_seconds']} s CPU (load+compute {result['load_and_compute_seconds']} s, "
          f"write {result['write_seconds']} s)  target < {TARGET_SECONDS} s: {'OK' if ok_time else 'MISSED'}")  # fmt: skip
    print(
        f"peak memory of the export process: {result['peak_mb']} MB  target < {TARGET_MB} MB: {'OK' if ok_mem else 'MISSED'}"
    )
    print(f"workbook: {result['cells']} cells, {result['size_kb']} KB, {result['late_rows']} late/overdue rows, "
          f"{result['departments']} departments")  # fmt: skip
    fetch_ratio = result["load_and_compute_seconds"] / max(bare["fetch_seconds"], 0.01)
    write_ratio = result["write_seconds"] / max(bare["write_seconds"], 0.01)
    print(f"baseline: plain SELECT of the same tables {bare['fetch_seconds']} s (load+compute is {fetch_ratio:.1f}x); "
          f"bare openpyxl writing as many cells {bare['write_seconds']} s (our write is {write_ratio:.1f}x)")  # fmt: skip


def _create_postgres(base_url: str) -> tuple[str, callable]:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url = make_url(base_url)
    name = f"jianti_bench_{secrets.token_hex(3)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        export_child(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--postgres", default=os.environ.get("JIANTI_BENCH_POSTGRES_URL", ""))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jianti-bench-stats-") as tmp:
        workdir = Path(tmp)
        report(run(f"sqlite:///{workdir / 'bench.db'}", "SQLite", args.items, workdir))
        if args.postgres:
            url, drop = _create_postgres(args.postgres)
            try:
                report(run(url, "PostgreSQL", args.items, workdir))
            finally:
                from app.db.engine import engine_for

                engine_for(url).dispose()
                drop()


if __name__ == "__main__":
    main()
