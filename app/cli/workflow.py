"""`jianti workflow …`: audit-log integrity and reply letters from the command line."""

from __future__ import annotations

from pathlib import Path

import click

from app.db.engine import session_scope
from app.documents.reply_letter import docx_filename, render_docx, render_html
from app.services.actor import Actor
from app.services.workflow import integrity, letters, views

from .util import require_database


@click.group("workflow", help="Handling workflow (办理).")
def workflow_group() -> None:
    """Group."""


@workflow_group.command("verify", help="Replay the audit log of every item and assignment; fail on any mismatch.")
def verify() -> None:
    require_database()
    with session_scope() as session:
        problems = integrity.verify(session)
    for line in problems:
        click.echo(line, err=True)
    if problems:
        raise SystemExit(1)
    click.echo("every state is explained by the audit log")


@workflow_group.command("letter", help="Write the reply letter of REPLY_ID as .docx (or --html).")
@click.argument("reply_id", type=int)
@click.option("--out", type=click.Path(path_type=Path), help="file to write (default: the letter's own name)")
@click.option("--html", is_flag=True, help="the print view instead of .docx")
def letter(reply_id: int, out: Path | None, html: bool) -> None:
    require_database()
    with session_scope() as session:
        reply = views.reply_for(session, Actor.system(), reply_id)
        document = letters.letter_of(session, reply)
    target = out or Path(docx_filename(document).replace(".docx", ".html" if html else ".docx"))
    if html:
        target.write_text(render_html(document), encoding="utf-8")
    else:
        target.write_bytes(render_docx(document))
    click.echo(f"wrote {target}")


commands = [workflow_group]
