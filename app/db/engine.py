"""Engines and sessions. SQLite gets foreign keys, WAL and a busy timeout on every connection;
PostgreSQL gets bounded lock waits, statements and idle transactions (settings db_*), so no request
can wait for ever on another's row lock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from app.settings import get_settings


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached; the message is one line for the user."""


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    settings = get_settings()
    options = " ".join(
        f"-c {name}={value}"
        for name, value in (
            ("lock_timeout", settings.db_lock_timeout_ms),
            ("statement_timeout", settings.db_statement_timeout_ms),
            ("idle_in_transaction_session_timeout", settings.db_idle_in_transaction_ms),
        )
    )
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        pool_timeout=settings.db_pool_timeout_s,
        connect_args={"options": options},
    )


@lru_cache(maxsize=4)
def _probe_engine_for(url: str) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        return engine_for(url)  # no pool to wait on: SQLite opens the file per connection
    return create_engine(
        url,
        poolclass=NullPool,
        connect_args={"connect_timeout": 2, "options": "-c statement_timeout=2000"},
    )


def probe_engine() -> Engine:
    """For the readiness ping: a connection of its own, never one the handlers are queueing for."""
    return _probe_engine_for(get_settings().database_url)


@lru_cache(maxsize=4)
def engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    return engine_for(get_settings().database_url)


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    return sessionmaker(bind=engine or get_engine(), expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One transaction: committed when the block ends normally, rolled back on any error."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def check_connection(engine: Engine | None = None) -> None:
    engine = engine or get_engine()
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except OperationalError as exc:
        url = engine.url.render_as_string(hide_password=True)
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(f"cannot reach the database {url}: {reason}") from None
