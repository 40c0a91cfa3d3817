"""Backup and restore round trip of a populated demo, on the run's database (SQLite, or PostgreSQL
with JIANTI_TEST_DATABASE_URL): every table and every file compared; refusals."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db.base import Base
from app.db.engine import make_engine
from app.ops.backup import BackupError, backup, read_manifest, restore
from tests.conftest import _create_postgres_database, _on_postgres, demo_env, run_demo


def _new_database(tmp: Path, name: str):
    base = os.environ.get("JIANTI_TEST_DATABASE_URL", "")
    if base:
        return _create_postgres_database(base)
    return f"sqlite:///{tmp / name}.db", (lambda: None)


def _jianti(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", *args], env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory, seeded_demo_template):
    """A populated demo database with its data folder, backed up by `jianti backup`: on SQLite a copy of the run's
    seeded demo, on PostgreSQL seeded here by `jianti demo --no-serve`."""
    tmp = tmp_path_factory.mktemp("backup")
    if _on_postgres():
        url, drop = _new_database(tmp, "source")
        data = tmp / "source-files"
        env = demo_env(url, data)
        seeded = run_demo(env)
        assert seeded.returncode == 0, seeded.stderr[-2000:]
    else:
        source = seeded_demo_template.copy_to(tmp / "source")
        url, data, drop = source.url, source.files, (lambda: None)
        env = demo_env(url, data)
    archive = tmp / "demo.jianti-backup.tar"
    made = _jianti(env, "backup", "--out", str(archive), "--json")
    assert made.returncode == 0, made.stderr
    yield {"url": url, "data": data, "archive": archive, "tmp": tmp, "report": json.loads(made.stdout)}
    make_engine(url).dispose()
    drop()


def _tables(url: str) -> dict[str, list[tuple]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table.name: sorted(
                    (tuple(row) for row in connection.execute(select(table))), key=lambda r: tuple(map(repr, r))
                )
                for table in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def _files(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_round_trip_restores_every_table_and_file(demo):
    manifest = read_manifest(demo["archive"])
    assert manifest["migration_revision"] == demo["report"]["revision"]
    assert manifest["database"]["kind"] in ("sqlite", "postgresql")
    assert {"jianti", "python", "sqlalchemy", "alembic"} <= set(manifest["versions"])
    url, drop = _new_database(demo["tmp"], "target")
    target_files = demo["tmp"] / "target-files"
    try:
        env = {**os.environ, "JIANTI_DATABASE_URL": url, "JIANTI_DATA_DIR": str(target_files), "JIANTI_SECRET_KEY": "x"}
        done = _jianti(env, "restore", str(demo["archive"]), "--json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["migrations"] == "current"
        source, restored = _tables(demo["url"]), _tables(url)
        assert sum(len(rows) for rows in source.values()) > 10_000  # a populated demo, not an empty shell
        assert source["items"] and source["jobs"] is not None
        for name in source:
            assert restored[name] == source[name], name
        source_files = _files(demo["data"])
        assert source_files and _files(target_files) == source_files
        again = _jianti(env, "restore", str(demo["archive"]))  # the target is no longer empty
        assert again.returncode != 0 and "not empty" in again.stderr
    finally:
        make_engine(url).dispose()
        drop()


def _rewrite(archive: Path, out: Path, change) -> Path:
    with tarfile.open(archive) as source, tarfile.open(out, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            data = change(member.name, data)
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            target.addfile(info, io.BytesIO(data))
    return out


def test_refuses_a_newer_revision_and_a_damaged_archive(demo, tmp_path):
    def newer(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migration_revision"] = "0099_from_the_future"
        return json.dumps(manifest).encode()

    def damaged(name, data):
        return data[:-1] + bytes([data[-1] ^ 1]) if name.startswith("files/") else data

    url, drop = _new_database(tmp_path, "refused")
    engine = make_engine(url)
    try:
        with pytest.raises(BackupError, match="0099_from_the_future.*newer version"):
            restore(engine, tmp_path / "files", _rewrite(demo["archive"], tmp_path / "newer.tar", newer))
        with pytest.raises(BackupError, match="damaged"):
            restore(engine, tmp_path / "files", _rewrite(demo["archive"], tmp_path / "damaged.tar", damaged))
        from sqlalchemy import inspect

        assert inspect(engine).get_table_names() == []  # nothing was restored
        assert not (tmp_path / "files").exists() or not any((tmp_path / "files").iterdir())
    finally:
        engine.dispose()
        drop()


def test_sqlite_backup_is_consistent_while_writing(tmp_path):
    """The online backup API copies a consistent state while another connection keeps writing."""
    import sqlite3
    import threading

    path = tmp_path / "live.db"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        connection.execute("INSERT INTO alembic_version VALUES ('0009_ops')")
        connection.execute("CREATE TABLE pairs (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER)")
    stop = threading.Event()

    def writer() -> None:
        connection = sqlite3.connect(path, timeout=5)
        n = 0
        while not stop.is_set():
            with connection:  # a and b always change together in one transaction
                connection.execute("INSERT INTO pairs (a, b) VALUES (?, ?)", (n, -n))
            n += 1
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        engine = make_engine(f"sqlite:///{path}")
        report = backup(engine, tmp_path / "no-files", tmp_path / "live.tar")
    finally:
        stop.set()
        thread.join()
    with tarfile.open(report.path) as tar:
        tar.extract("database.sqlite", tmp_path / "out", filter="data")
    copy = sqlite3.connect(tmp_path / "out" / "database.sqlite")
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("SELECT count(*) FROM pairs WHERE a != -b").fetchone() == (0,)
    copy.close()
