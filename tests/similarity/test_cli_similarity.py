"""`jianti similarity reindex | check | show` and the index line of `jianti db check`."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import update

from app.cli.main import jianti
from app.db.engine import session_scope
from app.db.models import CongressSession, Item
from app.services import similarity
from tests.similarity.test_similarity_service import TEXTS


def test_check_finds_drift_repair_fixes_it_and_show_lists_similar_items(clean_db):
    with session_scope(clean_db) as session:
        congress = CongressSession(body="npc", label="s", year=2026)
        items = [
            Item(kind="npc_suggestion", session=congress, number=f"{n}", title=t, content=c, lead_submitter="x")
            for n, (t, c) in enumerate(TEXTS, start=1)
        ]
        session.add_all(items)
        session.flush()
        similarity.index_items(session, [i.id for i in items[:3]])  # two left out
        session.execute(update(Item).where(Item.id == items[0].id).values(content="改了"))  # a bulk edit
        first = items[0].id
    runner = CliRunner()
    refused = runner.invoke(jianti, ["similarity", "check"])
    assert refused.exit_code == 1 and "2 items not indexed, 1 changed since indexed" in refused.output
    assert "--repair" in runner.invoke(jianti, ["db", "check"]).output  # reported, not a schema failure
    assert "reindexed 3 items" in runner.invoke(jianti, ["similarity", "check", "--repair"]).output
    assert runner.invoke(jianti, ["similarity", "check"]).exit_code == 0
    assert "indexed 5 items" in runner.invoke(jianti, ["similarity", "reindex"]).output
    shown = runner.invoke(jianti, ["similarity", "show", str(first + 1)])
    assert shown.exit_code == 0 and "望京" in shown.output
    assert runner.invoke(jianti, ["similarity", "show", "999999"]).exit_code == 1
    assert runner.invoke(jianti, ["similarity", "show", "1", "--limit", "0"]).exit_code == 2
