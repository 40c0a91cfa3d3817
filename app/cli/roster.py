"""`jianti roster import|link|unresolved`: the roster of deputies and members from the command line (thin)."""

from __future__ import annotations

from pathlib import Path

import click

from app.db.engine import session_scope
from app.i18n import gettext
from app.services import roster
from app.services.actor import Actor

from .util import require_database


@click.group(help="Roster of deputies and members (代表/委员名册).")
def roster_group() -> None:
    """Subcommands below."""


@roster_group.command("import", help="Import a roster workbook: all or nothing; every bad cell is named.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--term", required=True, help="e.g. 市十六届人大")
@click.option("--body", type=click.Choice(["npc", "cppcc"]), required=True)
@click.option("--dry-run", is_flag=True, help="preview only")
def roster_import(path: Path, term: str, body: str, dry_run: bool) -> None:
    require_database()
    with session_scope() as session:
        actor = Actor.system()
        if dry_run:
            preview = roster.preview_roster(session, actor, path, term=term, body=body, file_name=path.name)
        else:
            preview = roster.commit_roster(session, actor, path, term=term, body=body, file_name=path.name)
        for problem in preview.errors:
            click.echo(f"{problem.place()}: {problem.reason(gettext)}", err=True)
        if not preview.ok:
            raise click.exceptions.Exit(1)
        report = None if dry_run else roster.link_items(session, actor)
    click.echo(f"new {len(preview.new)}, changed {len(preview.changed)}, unchanged {len(preview.unchanged)}")
    if report is not None:
        click.echo(
            f"linked {report.linked}, ambiguous {report.ambiguous}, unknown {report.unknown}, kept {report.kept}"
        )


@roster_group.command("link", help="Match every item's lead submitter and co-signers against the roster.")
def roster_link() -> None:
    require_database()
    with session_scope() as session:
        report = roster.link_items(session, Actor.system())
    click.echo(
        f"items {report.items}: linked {report.linked}, ambiguous {report.ambiguous}, "
        f"unknown {report.unknown}, kept {report.kept}"
    )


roster_group.name = "roster"
commands = [roster_group]
