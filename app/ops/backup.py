"""`jianti backup` and `jianti restore`: one archive with the database, the data folder and a manifest.

Archive (an uncompressed tar; the database dump is compressed by pg_dump, workbooks and attachments
are compressed already):
    manifest.json        format, Jianti/Python/SQLAlchemy/Alembic versions, database kind and server
                         version, the migration revision, and a sha256 + size for every other member
    database.pgdump      PostgreSQL: `pg_dump --format=custom` (consistent snapshot, server may run)
    database.sqlite      SQLite: the online backup API (consistent copy while the server writes)
    files/...            the data folder (JIANTI_DATA_DIR): attachments, stored imports, job outputs

Restore goes into an empty database and an empty (or missing) data folder only, checks every
checksum first, and refuses an archive whose migration revision this code does not know (made by
a newer Jianti): upgrade the code, then restore. An older revision is restored as is and then
migrated with `jianti db upgrade`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url

from app.settings import child_environment

FORMAT = "jianti-backup/1"
Progress = Callable[[int, int, str], None]


class BackupError(RuntimeError):
    """One line for the user: what is wrong with the archive or the target."""


def _noop(_done: int, _total: int, _note: str) -> None:
    return None


@dataclass(frozen=True)
class BackupReport:
    path: Path
    bytes: int
    files: int
    database_bytes: int
    revision: str
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "archive": str(self.path),
            "bytes": self.bytes,
            "files": self.files,
            "database_bytes": self.database_bytes,
            "revision": self.revision,
            "seconds": round(self.seconds, 2),
        }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password (that goes in PGPASSWORD, not on a command line)."""
    url = engine.url
    env = child_environment(**({"PGPASSWORD": str(url.password)} if url.password else {}))
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)") from None
    except subprocess.CalledProcessError as exc:
        raise BackupError(
            f"{command[0]} failed: {exc.stderr.strip().splitlines()[-1] if exc.stderr else exc}"
        ) from None


def _dump_database(engine: Engine, folder: Path) -> Path:
    if engine.dialect.name == "postgresql":
        target = folder / "database.pgdump"
        url, env = _libpq(engine)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", url], env)
        return target
    target = folder / "database.sqlite"
    source = sqlite3.connect(str(make_url(str(engine.url)).database))
    destination = sqlite3.connect(str(target))
    try:
        with destination:
            source.backup(destination, pages=4096)  # in steps: writers are not held up for the whole copy
    finally:
        destination.close()
        source.close()
    return target


def _server_version(engine: Engine) -> str:
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            return str(connection.exec_driver_sql("SHOW server_version").scalar())
        return str(connection.exec_driver_sql("SELECT sqlite_version()").scalar())


def _versions() -> dict[str, str]:
    return {
        "jianti": version("jianti"),
        "python": platform.python_version(),
        "sqlalchemy": version("sqlalchemy"),
        "alembic": version("alembic"),
    }


def backup(engine: Engine, data_dir: Path, out: Path, progress: Progress = _noop) -> BackupReport:
    from app.db.migrate import current_revisions

    started = time.perf_counter()
    revisions = sorted(current_revisions(engine))
    if len(revisions) != 1:
        raise BackupError("the database is not migrated (no single migration revision); nothing to back up")
    files = sorted(p for p in data_dir.rglob("*") if p.is_file()) if data_dir.exists() else []
    total = len(files) + 1
    progress(0, total, "database")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jianti-backup-", dir=out.parent) as tmp:
        dump = _dump_database(engine, Path(tmp))
        members: dict[str, dict[str, Any]] = {dump.name: {"sha256": _sha256(dump), "bytes": dump.stat().st_size}}
        progress(1, total, "files")
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(dump, arcname=dump.name)
            for index, path in enumerate(files, start=2):
                name = "files/" + path.relative_to(data_dir).as_posix()
                members[name] = {"sha256": _sha256(path), "bytes": path.stat().st_size}
                tar.add(path, arcname=name)
                progress(index, total, name)
            manifest = {
                "format": FORMAT,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "versions": _versions(),
                "database": {"kind": engine.dialect.name, "server_version": _server_version(engine)},
                "migration_revision": revisions[0],
                "members": members,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(data), int(time.time())
            tar.addfile(info, io.BytesIO(data))
        os.replace(partial, out)  # a half-written archive never carries the final name
    return BackupReport(
        out, out.stat().st_size, len(files), members[dump.name]["bytes"], revisions[0], time.perf_counter() - started
    )


def read_manifest(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r") as tar:
            member = tar.extractfile("manifest.json")
            if member is None:
                raise KeyError("manifest.json")
            manifest: dict[str, Any] = json.loads(member.read())
    except (tarfile.TarError, KeyError, json.JSONDecodeError, OSError) as exc:
        raise BackupError(f"{archive} is not a Jianti backup ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive}: unknown backup format {manifest.get('format')!r}")
    return manifest


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from app.db.migrate import alembic_config

    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def _database_is_empty(engine: Engine) -> bool:
    return not inspect(engine).get_table_names()


def restore(engine: Engine, data_dir: Path, archive: Path, progress: Progress = _noop) -> dict[str, Any]:
    started = time.perf_counter()
    manifest = read_manifest(archive)
    revision = manifest["migration_revision"]
    if revision not in _known_revisions():
        raise BackupError(
            f"the backup is at migration revision {revision}, which this version of Jianti does not know "
            "(it was made by a newer version): install that version, then restore"
        )
    kind = manifest["database"]["kind"]
    if kind != engine.dialect.name:
        raise BackupError(f"the backup holds a {kind} database; the target is {engine.dialect.name}")
    if not _database_is_empty(engine):
        raise BackupError("the target database is not empty; restore only into a new, empty database")
    if data_dir.exists() and any(data_dir.iterdir()):
        raise BackupError(f"the data folder {data_dir} is not empty; restore only into an empty data folder")
    members = manifest["members"]
    total = len(members)
    with tempfile.TemporaryDirectory(prefix="jianti-restore-") as tmp, tarfile.open(archive, "r") as tar:
        folder = Path(tmp)
        for index, (name, expected) in enumerate(sorted(members.items()), start=1):
            target = folder / name
            source = tar.extractfile(name)
            if source is None:
                raise BackupError(f"{archive}: {name} is missing")
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as fh:
                shutil.copyfileobj(source, fh)
            if _sha256(target) != expected["sha256"]:
                raise BackupError(f"{archive}: {name} is damaged (checksum differs); nothing was restored")
            progress(index, total * 2, f"checked {name}")
        _load_database(engine, folder, kind)
        progress(total + 1, total * 2, "database restored")
        data_dir.mkdir(parents=True, exist_ok=True)
        files = folder / "files"
        if files.exists():
            for path in sorted(p for p in files.rglob("*") if p.is_file()):
                destination = data_dir / path.relative_to(files)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(path), destination)
    progress(total * 2, total * 2, "done")
    return {
        "revision": revision,
        "files": sum(1 for n in members if n.startswith("files/")),
        "seconds": round(time.perf_counter() - started, 2),
        "made_by": manifest["versions"],
    }


def _load_database(engine: Engine, folder: Path, kind: str) -> None:
    if kind == "postgresql":
        url, env = _libpq(engine)
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--dbname={url}",
                str(folder / "database.pgdump"),
            ],
            env,
        )
        return
    engine.dispose()
    path = Path(str(make_url(str(engine.url)).database))
    source = sqlite3.connect(str(folder / "database.sqlite"))
    destination = sqlite3.connect(str(path))
    try:
        with destination:
            source.backup(destination)
    finally:
        destination.close()
        source.close()
