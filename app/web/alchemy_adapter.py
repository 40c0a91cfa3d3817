"""The one place Jianti touches advanced-alchemy's private internals.

app/web/transactions.py needs two things the library does not export publicly: the request's
session as the plugin stored it in the ASGI scope, and the plugin's own status-based
commit/rollback handler (to run it after our "this request failed" rollback). Both live in
private modules (`_utils`, `plugins.init.config.sync`) that may move in any release.

CHECKED_VERSIONS lists the releases these were checked against; tests/web/test_alchemy_adapter.py
fails loudly when the installed release is another one, so an upgrade means: read the two
functions below in the new release, then add its version here.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import version
from typing import Any

from advanced_alchemy.extensions.litestar._utils import get_aa_scope_state
from advanced_alchemy.extensions.litestar.plugins.init.config.sync import autocommit_handler_maker

CHECKED_VERSIONS = frozenset({"1.12.0"})


def installed_version() -> str:
    return version("advanced-alchemy")


def request_session(scope: Any, session_scope_key: str) -> Any:
    """The SQLAlchemy session the plugin opened for this request, or None if it opened none."""
    return get_aa_scope_state(scope, session_scope_key)


def status_commit_handler(session_scope_key: str) -> Callable[[Any, Any], None]:
    """The plugin's before-send handler: commit on 2xx and 3xx, roll back otherwise."""
    return autocommit_handler_maker(commit_on_redirect=True, session_scope_key=session_scope_key)


__all__ = [
    "CHECKED_VERSIONS",
    "autocommit_handler_maker",
    "get_aa_scope_state",
    "installed_version",
    "request_session",
    "status_commit_handler",
]
