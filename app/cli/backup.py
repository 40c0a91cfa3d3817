"""`jianti backup --out F` and `jianti restore F` (app/ops/backup.py)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from app.db.engine import check_connection, get_engine
from app.ops.backup import BackupError, backup, restore
from app.settings import get_settings

from .progress import progress_bar


@click.command("backup", help="Write one archive with the database, the data folder and a manifest.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def backup_command(out: Path, as_json: bool) -> None:
    check_connection()
    try:
        with progress_bar("backup", quiet=as_json) as progress:
            report = backup(get_engine(), get_settings().data_dir, out, progress)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        return
    click.echo(
        f"backup written: {out} ({report.bytes / 1e6:.1f} MB; database {report.database_bytes / 1e6:.1f} MB, "
        f"{report.files} files, revision {report.revision}) in {report.seconds:.1f} s"
    )


@click.command("restore", help="Restore an archive into an EMPTY database and an empty data folder.")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def restore_command(archive: Path, as_json: bool) -> None:
    from app.db import migrate

    check_connection()
    try:
        with progress_bar("restore", quiet=as_json) as progress:
            result = restore(get_engine(), get_settings().data_dir, archive, progress)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    behind = not migrate.is_up_to_date()
    result["migrations"] = "behind: run `jianti db upgrade`" if behind else "current"
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    click.echo(
        f"restored {archive}: revision {result['revision']}, {result['files']} files, in {result['seconds']:.1f} s; "
        f"migrations {result['migrations']}"
    )


commands = [backup_command, restore_command]
