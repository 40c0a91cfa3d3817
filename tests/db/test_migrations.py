"""Migrations: empty -> head -> base on the run's database kind, no drift, append-only audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from app.db import migrate
from app.db.base import Base


def test_upgrade_from_empty_to_head_then_down_to_base(scratch_engine):
    assert migrate.current_revisions(scratch_engine) == set()
    migrate.upgrade(scratch_engine)
    assert migrate.current_revisions(scratch_engine) == migrate.head_revisions()
    tables = set(inspect(scratch_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert migrate.drift(scratch_engine) == []

    migrate.downgrade("base", scratch_engine)
    assert migrate.current_revisions(scratch_engine) == set()
    assert set(inspect(scratch_engine).get_table_names()) <= {"alembic_version"}


def test_drift_is_detected(scratch_engine):
    migrate.upgrade(scratch_engine)
    with scratch_engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE stray (id INTEGER PRIMARY KEY)")
    differences = migrate.drift(scratch_engine)
    assert any(d[0] == "remove_table" and d[1].name == "stray" for d in differences)


def test_test_database_is_migrated_and_matches_models(engine):
    assert migrate.is_up_to_date(engine)
    assert migrate.drift(engine) == []


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"])
def test_audit_log_is_append_only(clean_db, statement):
    with clean_db.begin() as connection:
        connection.execute(
            text("INSERT INTO audit_log (at, actor_name, entity, action) VALUES (CURRENT_TIMESTAMP, 'x', 'item', 'a')")
        )
    with pytest.raises(DatabaseError, match="append-only"):
        with clean_db.begin() as connection:
            connection.exec_driver_sql(statement)
    with clean_db.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM audit_log WHERE action = 'a'").scalar_one() == 1


@pytest.mark.sqlite_only  # SQLite pragmas
def test_sqlite_connections_have_foreign_keys_wal_and_busy_timeout(engine):
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


@pytest.mark.postgres_only  # TRUNCATE is PostgreSQL's
def test_audit_log_cannot_be_truncated_on_postgresql(clean_db):
    with pytest.raises(DatabaseError, match="append-only"):
        with clean_db.begin() as connection:
            connection.exec_driver_sql("TRUNCATE audit_log")


def test_migrations_form_one_line():
    """One head and no merge points: `jianti db downgrade REV` means the same on every database."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert len(script.get_heads()) == 1
    for revision in script.walk_revisions():
        assert not isinstance(revision.down_revision, (tuple, list)), revision.revision
