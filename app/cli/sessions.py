"""`jianti session …`: the sessions items are numbered in."""

from __future__ import annotations

import click
from sqlalchemy import select

from app.db.engine import session_scope
from app.db.models import CongressSession
from app.services.actor import Actor
from app.services.sessions import add_session

from .util import require_database


@click.group("session", help="Sessions (届次/会议).")
def session_group() -> None:
    """Group."""


@session_group.command("add", help="Add a session, e.g. 市十六届人大四次会议.")
@click.argument("label")
@click.option("--body", type=click.Choice(["npc", "cppcc"]), required=True)
@click.option("--year", type=int, required=True)
@click.option("--level", type=click.Choice(["municipal", "national"]), default="municipal")
@click.option("--number-width", type=int, default=0, help="digits of item numbers (4: 259 -> 0259)")
def session_add(label: str, body: str, year: int, level: str, number_width: int) -> None:
    require_database()
    with session_scope() as session:
        add_session(session, Actor.system(), label=label, body=body, year=year, level=level, number_width=number_width)
    click.echo(f"added {label}")


@session_group.command("list", help="List sessions.")
def session_list() -> None:
    require_database()
    with session_scope() as session:
        for s in session.scalars(select(CongressSession).order_by(CongressSession.year.desc(), CongressSession.label)):
            click.echo(f"{s.label}\t{s.body}\t{s.year}\t{s.level}")


commands = [session_group]
