"""Import benchmark: end-to-end import (read, validate, insert, commit) of generated 10,000- and
50,000-row workbooks on SQLite and PostgreSQL, against bare openpyxl read-only iteration.

    python -m tests.benchmarks.bench_import                  # SQLite, plus PostgreSQL when reachable
    JIANTI_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres python -m tests.benchmarks.bench_import
    python -m tests.benchmarks.bench_import --sizes 10000    # fewer sizes

Each measurement runs in its own process so that its peak memory (max RSS) is its own.
Targets: end-to-end within 2x of the bare read; peak memory under 400 MB for 50,000 rows.
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
from pathlib import Path

from app import PROJECT_ROOT

CACHE = PROJECT_ROOT / "tests" / "_output" / "bench"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SESSION = "市政协十四届四次会议"


def workbook(rows: int) -> Path:
    """A realistic CPPCC workbook (two sheets, two-row header, merged cells), built once and cached."""
    from app.domain.enums import ItemKind
    from app.importing.samples import build_batch
    from app.rules.profiles import load_profile

    path = CACHE / f"cppcc_{rows}.xlsx"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        build_batch(load_profile("beijing"), ItemKind.CPPCC_PROPOSAL, rows, 7, path, SESSION, expected=False)
    return path


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_bare(path: Path) -> dict:
    from openpyxl import load_workbook

    start = time.perf_counter()
    book = load_workbook(path, read_only=True, data_only=True)
    rows = 0
    for sheet in book.worksheets:
        for _row in sheet.iter_rows(values_only=True):
            rows += 1
    book.close()
    return {"seconds": time.perf_counter() - start, "rows": rows, "peak_mb": peak_mb()}


def _database(backend: str, pg_url: str, workdir: Path) -> tuple[str, callable]:
    if backend == "sqlite":
        return f"sqlite:///{workdir / 'bench.db'}", (lambda: None)
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url = make_url(pg_url)
    name = f"jianti_bench_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        from app.db.engine import engine_for

        engine_for(str(url.set(database=name).render_as_string(hide_password=False))).dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def measure_import(path: Path, backend: str, pg_url: str) -> dict:
    from app.db import migrate
    from app.db.engine import engine_for, session_scope
    from app.rules.profiles import load_profile
    from app.services import departments, importing
    from app.services.actor import Actor
    from app.services.sessions import add_session
    from app.settings import load_settings, use_settings

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url, drop = _database(backend, pg_url, workdir)
        try:
            use_settings(
                load_settings(
                    {
                        "JIANTI_DATABASE_URL": url,
                        "JIANTI_SECRET_KEY": "bench",
                        "JIANTI_DATA_DIR": str(workdir / "files"),
                        "JIANTI_IMPORT_ROW_LIMIT": "100000",
                        "JIANTI_MAX_UPLOAD_MB": "100",
                    }
                )
            )
            engine = engine_for(url)
            migrate.upgrade(engine)
            with session_scope(engine) as session:
                departments.sync_departments(session, Actor.system(), load_profile("beijing"))
                add_session(session, Actor.system(), label=SESSION, body="cppcc", year=2026)
            start = time.perf_counter()
            with session_scope(engine) as session:
                batch, preview = importing.commit_import(
                    session, Actor.system(), path, kind="cppcc_proposal", session_label=SESSION
                )
                new = batch.new_count
            seconds = time.perf_counter() - start
            import_peak = peak_mb()  # before the re-import: the peak of parse, validate, insert, commit
            del batch, preview
            start = time.perf_counter()
            with session_scope(engine) as session:  # the same file again: every item unchanged
                again, _ = importing.commit_import(
                    session, Actor.system(), path, kind="cppcc_proposal", session_label=SESSION
                )
                unchanged = again.unchanged_count
            reimport = time.perf_counter() - start
            engine.dispose()
        finally:
            drop()
    return {
        "seconds": seconds,
        "new": new,
        "peak_mb": import_peak,
        "reimport_seconds": reimport,
        "unchanged": unchanged,
        "reimport_peak_mb": peak_mb(),
    }


def _child(args: list[str]) -> dict:
    completed = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.bench_import", "--child", *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(completed.stderr[-3000:])
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _pg_reachable(url: str) -> bool:
    try:
        from sqlalchemy import create_engine

        with create_engine(url).connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        return True
    except Exception:  # noqa: BLE001  a benchmark skips what it cannot reach
        return False


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,50000")
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    pg_url = os.environ.get("JIANTI_BENCH_PG_URL") or os.environ.get("JIANTI_TEST_DATABASE_URL") or DEFAULT_PG
    if args.child:
        what, size, *rest = args.child
        path = workbook(int(size))
        result = measure_bare(path) if what == "bare" else measure_import(path, what, pg_url)
        print(json.dumps(result))
        return 0

    backends = ["sqlite"] + (["postgresql"] if _pg_reachable(pg_url) else [])
    print(f"backends: {', '.join(backends)}  (python {sys.version.split()[0]}, {os.cpu_count()} cpus)")
    print("each bare read is measured right before the import it is compared with (the machine may be shared)")
    print(
        f"{'rows':>7} {'backend':<11} {'bare read':>10} {'import':>9} {'ratio':>6} {'peak MB':>8} "
        f"{'re-import':>10} {'peak MB':>8}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        path = workbook(size)
        for backend in backends:
            bare = _child(["bare", str(size)])
            result = _child([backend, str(size)])
            ratio = result["seconds"] / bare["seconds"]
            print(
                f"{size:>7} {backend:<11} {bare['seconds']:>9.2f}s {result['seconds']:>8.2f}s {ratio:>5.2f}x "
                f"{result['peak_mb']:>8.0f} {result['reimport_seconds']:>9.2f}s {result['reimport_peak_mb']:>8.0f}"
                + ("" if result["new"] == size else f"  (imported {result['new']}!)")
            )
        print(f"{'':>7} {'':<11} bare read peak {bare['peak_mb']:.0f} MB, {path.stat().st_size / 1e6:.1f} MB file")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
