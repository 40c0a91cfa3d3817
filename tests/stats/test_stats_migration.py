"""0007_stats goes up and down on its own, and the reply_publications table matches its model."""

from __future__ import annotations

from sqlalchemy import inspect

from app.db import migrate


def test_stats_migration_up_and_down(scratch_engine):
    migrate.upgrade(scratch_engine)
    assert "reply_publications" in inspect(scratch_engine).get_table_names()
    assert migrate.drift(scratch_engine) == []
    migrate.downgrade("0006_deadlines", scratch_engine)  # an absolute target: later migrations sit on top
    assert "reply_publications" not in inspect(scratch_engine).get_table_names()
    assert "assignments" in inspect(scratch_engine).get_table_names()
    migrate.upgrade(scratch_engine)
    assert "reply_publications" in inspect(scratch_engine).get_table_names()
