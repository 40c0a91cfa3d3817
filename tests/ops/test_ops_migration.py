"""0009_ops goes up and down on its own, and the jobs table matches its model."""

from __future__ import annotations

from sqlalchemy import inspect

from app.db import migrate


def test_ops_migration_up_and_down(scratch_engine):
    migrate.upgrade(scratch_engine)
    assert "jobs" in inspect(scratch_engine).get_table_names()
    assert migrate.drift(scratch_engine) == []
    migrate.downgrade("0008_portal", scratch_engine)
    assert "jobs" not in inspect(scratch_engine).get_table_names()
    migrate.upgrade(scratch_engine)
    assert "jobs" in inspect(scratch_engine).get_table_names()
