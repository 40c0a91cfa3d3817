"""`jianti similarity …`: rebuild or check the similarity index, and list an item's similar items."""

from __future__ import annotations

import click
from sqlalchemy import select

from app.db.engine import session_scope
from app.db.models import CongressSession, Item
from app.services import similarity

from .util import require_database


@click.group("similarity", help="The similarity index of items' titles and contents (duplicates, similar items).")
def similarity_group() -> None:
    """Group."""


@similarity_group.command("reindex", help="Rebuild the whole index from the items (after bulk writes or an upgrade).")
def reindex() -> None:
    require_database()
    with session_scope() as session:
        count = similarity.reindex_all(session)
    click.echo(f"indexed {count} items")


@similarity_group.command("check", help="Fail when the index differs from the items (--repair fixes it).")
@click.option("--repair", is_flag=True, help="reindex what differs")
def check(repair: bool) -> None:
    require_database()
    with session_scope() as session:
        found = similarity.drift(session)
        if found.ok:
            click.echo("similarity index matches the items")
            return
        click.echo(describe(found), err=True)
        if not repair:
            raise click.ClickException(
                "similarity index differs from the items; run `jianti similarity check --repair`"
            )
        click.echo(f"reindexed {similarity.repair(session, found)} items")


def describe(found: similarity.Drift) -> str:
    return (
        f"  similarity index: {len(found.missing)} items not indexed, {len(found.stale)} changed since indexed, "
        f"{found.orphans} documents of deleted items, {found.frequency_errors} term counts off"
    )


@similarity_group.command("show", help="The items most similar to item ITEM_ID (its database id).")
@click.argument("item_id", type=click.IntRange(1, 2**31 - 1))
@click.option("--limit", type=click.IntRange(1, similarity.MAX_LIMIT), default=5, show_default=True)
def show(item_id: int, limit: int) -> None:
    require_database()
    with session_scope() as session:
        item = session.get(Item, item_id)
        if item is None:
            raise click.ClickException(f"no item with id {item_id}")
        click.echo(f"{item.session.label} {item.number} {item.title}")
        found = similarity.similar_items(session, item_id, limit=limit)
        rows = dict(
            (row[0], row[1:])
            for row in session.execute(
                select(Item.id, CongressSession.label, Item.number, Item.title)
                .join(CongressSession, CongressSession.id == Item.session_id)
                .where(Item.id.in_([f.item_id for f in found]))
            ).all()
        )
        for similar in found:
            label, number, title = rows[similar.item_id]
            click.echo(f"  {similar.score:.2f}  {label} {number} {title}  ({'、'.join(similar.shared_terms)})")
        if not found:
            click.echo("  no similar items")


commands = [similarity_group]
