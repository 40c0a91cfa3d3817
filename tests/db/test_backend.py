"""The suite runs on the database it was asked for (CI fails if the PostgreSQL run fell back)."""

from __future__ import annotations

import os


def test_backend_is_the_requested_one(engine):
    expected = "postgresql" if os.environ.get("JIANTI_TEST_DATABASE_URL") else "sqlite"
    assert engine.dialect.name == expected
