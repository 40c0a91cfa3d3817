"""`jianti db …`: migrations and the drift check."""

from __future__ import annotations

import click

from app.db import list_columns, migrate
from app.db.engine import check_connection, session_scope
from app.services import similarity

from . import similarity as similarity_cli


@click.group("db", help="Database migrations.")
def db() -> None:
    """Group."""


@db.command("upgrade", help="Migrate the database to the newest revision (or REVISION).")
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    check_connection()
    migrate.upgrade(revision=revision)
    click.echo(f"database at {', '.join(sorted(migrate.current_revisions())) or 'base'}")


@db.command("downgrade", help="Migrate the database down to REVISION ('base' empties it).")
@click.argument("revision")
def downgrade(revision: str) -> None:
    check_connection()
    migrate.downgrade(revision)
    click.echo(f"database at {', '.join(sorted(migrate.current_revisions())) or 'base'}")


@db.command("check", help="Fail when the database is behind the migrations or differs from the models.")
@click.option(
    "--repair", is_flag=True, help="recompute items' stored list columns and similarity index when they differ"
)
def check(repair: bool) -> None:
    check_connection()
    if not migrate.is_up_to_date():
        current = ", ".join(sorted(migrate.current_revisions())) or "base"
        raise click.ClickException(
            f"database at {current}, migrations at {', '.join(sorted(migrate.head_revisions()))}"
        )
    differences = migrate.drift()
    if differences:
        for difference in differences:
            click.echo(f"  drift: {difference}", err=True)
        raise click.ClickException("models and migrations differ; write a migration")
    with session_scope() as session:
        stale = list_columns.mismatches(session)
        if stale and repair:
            fixed = list_columns.refresh(session)
            click.echo(f"list columns recomputed for {fixed} items")
    if stale and not repair:
        raise click.ClickException(
            "items whose stored lead department / deadline differ from their assignments: "
            f"{', '.join(map(str, stale))}; run `jianti db check --repair`"
        )
    with session_scope() as session:
        index = similarity.drift(session)
        if not index.ok:
            click.echo(similarity_cli.describe(index), err=True)
            if not repair:
                raise click.ClickException(
                    "the similarity index differs from the items; run `jianti db check --repair`"
                )
            click.echo(f"similarity index: reindexed {similarity.repair(session, index)} items")
    click.echo("database is current and matches the models")


@db.command("current", help="Show the database's revision.")
def current() -> None:
    check_connection()
    click.echo(", ".join(sorted(migrate.current_revisions())) or "base")


commands = [db]
