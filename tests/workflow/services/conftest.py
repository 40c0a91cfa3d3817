from __future__ import annotations

import pytest

from app.i18n import locale_scope


@pytest.fixture(autouse=True)
def english_messages():
    """Refusals are checked by their English wording."""
    with locale_scope("en"):
        yield
