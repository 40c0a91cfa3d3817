"""Alembic environment: the database URL comes from the caller (app.db.migrate) or settings."""

from __future__ import annotations

from alembic import context

import app.db.models  # noqa: F401  (registers every table)
from app.db.base import Base
from app.db.engine import make_engine
from app.settings import get_settings

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def render_item(type_, obj, autogen_context):
    """Render our column types as plain SQLAlchemy types so migrations never import app code."""
    if type_ == "type" and obj.__class__.__name__ == "UtcDateTime":
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # a migration may wait for the server's locks and rewrite big tables: no web bounds here
            connection.exec_driver_sql("SET LOCAL lock_timeout = 0")
            connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
            connection.exec_driver_sql("SET LOCAL idle_in_transaction_session_timeout = 0")
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `jianti db upgrade` against a database")
run_migrations()
