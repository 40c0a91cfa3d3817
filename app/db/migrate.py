"""Migrations (Alembic) driven from code: upgrade, downgrade, and a drift check like warehouse's `db check`."""

from __future__ import annotations

from functools import lru_cache

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

import app.db.models  # noqa: F401
from app import PROJECT_ROOT
from app.db.base import Base
from app.db.engine import get_engine


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    engine = engine or get_engine()
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def upgrade(engine: Engine | None = None, revision: str = "head") -> None:
    engine = engine or get_engine()
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(revision: str, engine: Engine | None = None) -> None:
    engine = engine or get_engine()
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_revisions(engine: Engine | None = None) -> set[str]:
    engine = engine or get_engine()
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def head_revisions() -> set[str]:
    return set(_heads_of(_versions_state()))


def _versions_state() -> tuple[tuple[str, int, int], ...]:
    """The migration files as they are now (name, mtime, size): a new or edited one reads them again."""
    files = sorted((PROJECT_ROOT / "migrations" / "versions").glob("*.py"))
    return tuple((f.name, (stat := f.stat()).st_mtime_ns, stat.st_size) for f in files)


@lru_cache(maxsize=4)
def _heads_of(_state: tuple[tuple[str, int, int], ...]) -> tuple[str, ...]:
    # reading the scripts imports every migration file (~10 ms); the readiness probe asks often
    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())


def drift(engine: Engine | None = None) -> list:
    """Differences between the models and the migrated database (empty list: no drift)."""
    engine = engine or get_engine()
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def is_up_to_date(engine: Engine | None = None) -> bool:
    return current_revisions(engine) == head_revisions()
