from __future__ import annotations

from tests.workflow.conftest import actors, as_user, users  # noqa: F401  (shared fixtures)
