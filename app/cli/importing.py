"""`jianti import FILE …` and `jianti export items …`.

Exit codes of `jianti import`: 0 imported (or nothing to do), 1 problems in the workbook or
changes that need --confirm-changes (nothing written), 2 the file cannot be used at all.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path

import click

from app.db.engine import session_scope
from app.domain.enums import ItemKind
from app.i18n import gettext
from app.importing.reader import estimate_rows
from app.services import importing
from app.services.actor import Actor
from app.services.item_list import ItemFilters, export_to

from . import progress as bars
from .progress import progress_bar
from .util import require_database

KINDS = {"npc": ItemKind.NPC_SUGGESTION, "cppcc": ItemKind.CPPCC_PROPOSAL}
PROGRESS_FROM_ROWS = 2_000


class _Progress:
    """A progress bar for large files while a person watches (app/cli/progress.py); silent otherwise."""

    def __init__(self, path: Path, quiet: bool) -> None:
        self._stack = ExitStack()
        self._update = None
        self.total = 0
        if quiet or not bars.on_terminal():  # reading the estimate costs time: only for a bar
            return
        estimate = estimate_rows(path)
        if estimate and estimate >= PROGRESS_FROM_ROWS:
            self.total = estimate
            self._update = self._stack.enter_context(progress_bar("reading rows", total=estimate))

    def __call__(self, rows: int) -> None:
        if self._update is not None:
            self._update(rows, max(self.total, rows))

    def close(self) -> None:
        self._stack.close()


def _print_problems(preview: importing.ImportPreview, limit: int = 50) -> None:
    for problem in preview.problems[:limit]:
        value = problem.as_dict(gettext)["value"]
        shown = f" '{value}'" if value not in (None, "") else ""
        click.echo(f"  {problem.place()}{shown}: {problem.reason(gettext)}", err=True)
    if preview.error_count > limit:
        click.echo(f"  … and {preview.error_count - limit} more", err=True)


def _summary(preview: importing.ImportPreview) -> str:
    c = preview.counts
    locked = f", {c['locked']} locked" if c.get("locked") else ""
    return (
        f"{c['rows']} rows: {c['new']} new, {c['unchanged']} unchanged, {c['changed']} changed{locked}, "
        f"{c['errors']} errors"
    )


def _print_diff(rows: list[dict], limit: int = 30) -> None:
    for row in rows[:limit]:
        state = f" [{row['state_label']}]" if "state_label" in row else ""
        click.echo(f"  {row['sheet']} row {row['row']} No. {row['number']}{state}", err=True)
        for d in row["diff"]:
            click.echo(f"    {d['label']}: {d['old']} → {d['new']}", err=True)


def _print_locked(preview: importing.ImportPreview) -> None:
    if preview.only_locked_rows_block:
        _print_diff(preview.locked_rows())
        click.echo("run again with --skip-locked to import the others and leave these rows as they are", err=True)


@click.command("import", help="Import a workbook of NPC suggestions or CPPCC proposals (all or nothing).")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(sorted(KINDS)), required=True, help="npc (suggestions) or cppcc (proposals)")
@click.option("--session", "session_label", required=True, help="session label, e.g. 市十六届人大四次会议")
@click.option("--dry-run", is_flag=True, help="only preview: read, validate, compare; write nothing")
@click.option("--errors-out", type=click.Path(dir_okay=False, path_type=Path), help="write the marked-up workbook here")
@click.option("--confirm-changes", is_flag=True, help="update items already imported whose content changed")
@click.option(
    "--skip-locked",
    is_flag=True,
    help="import the others, leave rows of items already assigned (交办) as they are (listed in the batch)",
)
@click.option("--json", "as_json", is_flag=True, help="print the outcome as JSON")
@click.option("--user", "username", default=None, help="record the import as this office user (default: system)")
def import_command(
    file: Path,
    kind: str,
    session_label: str,
    dry_run: bool,
    errors_out: Path | None,
    confirm_changes: bool,
    skip_locked: bool,
    as_json: bool,
    username: str | None,
) -> None:
    if not file.is_file():
        _finish(as_json, 2, {"error": "unusable_file", "message": f"{file}: no such file"})
    require_database()
    progress = _Progress(file, quiet=as_json)
    code, outcome = 0, {}
    try:
        with session_scope() as session:
            actor = _actor(session, username)
            if dry_run:
                preview = importing.preview_import(
                    session,
                    actor,
                    file,
                    kind=KINDS[kind],
                    session_label=session_label,
                    progress=progress,
                    skip_locked=skip_locked,
                )
                code = 0 if preview.ok else 1
                outcome = {"dry_run": True, **preview.as_dict()}
            else:
                batch, preview = importing.commit_import(
                    session,
                    actor,
                    file,
                    kind=KINDS[kind],
                    session_label=session_label,
                    confirm_changes=confirm_changes,
                    progress=progress,
                    skip_locked=skip_locked,
                )
                outcome = {"dry_run": False, **preview.as_dict(), "batch": importing.batch_as_dict(batch)}
    except importing.UnusableUpload as exc:
        progress.close()
        _finish(as_json, 2, exc.as_dict())
    except importing.ImportHasErrors as exc:
        progress.close()
        preview = exc.preview
        _write_errors(preview, file, errors_out)
        if not as_json:
            click.echo(f"{file.name}: {_summary(preview)}; nothing was imported", err=True)
            _print_problems(preview)
            _print_locked(preview)
        _finish(as_json, 1, {"dry_run": dry_run, **preview.as_dict()})
    except importing.ChangesNeedConfirmation as exc:
        progress.close()
        if not as_json:
            click.echo(f"{file.name}: {_summary(exc.preview)}", err=True)
            _print_diff(exc.preview.changed_rows())
            click.echo("nothing was imported; run again with --confirm-changes to update them", err=True)
        _finish(as_json, 1, {"dry_run": False, **exc.preview.as_dict(), "needs_confirmation": True})
    progress.close()
    if not preview.ok:  # only a dry run gets here with problems
        _write_errors(preview, file, errors_out)
    if as_json:
        _finish(True, code, outcome)
    click.echo(f"{file.name}: {_summary(preview)}")
    if not preview.ok:
        _print_problems(preview)
    elif dry_run:
        click.echo("dry run: nothing was written")
    elif preview.plan is not None and preview.plan.nothing_to_do:
        click.echo(f"nothing to do: every item is already imported unchanged (batch {outcome['batch']['id']})")
    else:
        click.echo(f"imported as batch {outcome['batch']['id']}")
        if preview.skip_locked and preview.plan is not None and preview.plan.locked:
            click.echo(f"left as they are (already assigned): {len(preview.plan.locked)} row(s)")
    _finish(False, code, None)


def _write_errors(preview: importing.ImportPreview, file: Path, errors_out: Path | None) -> None:
    if errors_out is not None and preview.problems:
        importing.write_error_report(preview, file, errors_out)
        click.echo(f"marked-up workbook: {errors_out}", err=True)


def _finish(as_json: bool, code: int, payload) -> None:
    if as_json and payload is not None:
        click.echo(json.dumps({"exit_code": code, **payload}, ensure_ascii=False, indent=1, default=str))
    elif payload is not None and code == 2:
        click.echo(f"error: {payload.get('message')}", err=True)
    raise click.exceptions.Exit(code)


def _actor(session, username: str | None) -> Actor:
    if username is None:
        return Actor.system()
    from sqlalchemy import select

    from app.db.models import User

    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if user is None:
        raise click.ClickException(f"no active user {username}")
    return Actor.of(user)


@click.group("export", help="Export data.")
def export_group() -> None:
    """Group."""


@export_group.command("items", help="Export items to .xlsx (re-importable), .csv or .json.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--session", "session_label", default=None, help="only this session")
@click.option("--kind", type=click.Choice(sorted(KINDS)), default=None)
@click.option("--category", default=None, help="category code (a first-level code includes its sub-categories)")
@click.option("--state", default=None)
@click.option("--department", default=None, help="department code")
@click.option("--key-only", is_flag=True, help="only key-supervision items")
@click.option("--q", default=None, help="text in the title or number")
@click.option("--json", "as_json", is_flag=True, help="print the outcome as JSON")
def export_items_command(
    out: Path,
    session_label: str | None,
    kind: str | None,
    category: str | None,
    state: str | None,
    department: str | None,
    key_only: bool,
    q: str | None,
    as_json: bool,
) -> None:
    require_database()
    with session_scope() as session:
        session_id = None
        if session_label:
            from app.services.sessions import get_session_by_label

            session_id = get_session_by_label(session, session_label).id
        filters = ItemFilters(
            session_id=session_id,
            kind=KINDS[kind].value if kind else None,
            category=category,
            state=state,
            department=department,
            key_only=key_only,
            q=q,
        )
        with progress_bar("exporting items", quiet=as_json) as progress:
            count = export_to(session, Actor.system(), filters, out, lambda rows: progress(rows, None, ""))
    if as_json:
        click.echo(json.dumps({"out": str(out), "items": count}, ensure_ascii=False))
        return
    click.echo(f"exported {count} items to {out}")


commands = [import_command, export_group]
