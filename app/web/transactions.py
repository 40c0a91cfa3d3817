"""One transaction per request: committed on 2xx/3xx, rolled back on errors.

advanced-alchemy's handler decides by status alone; an error answered with a redirect (the
login redirect for an expired session) must not commit what the handler wrote before failing,
so error handlers mark the request and the transaction is rolled back first.
"""

from __future__ import annotations

from collections.abc import Callable

from app.web.alchemy_adapter import autocommit_handler_maker, get_aa_scope_state  # advanced-alchemy internals

FAILED_KEY = "jianti_request_failed"  # a per-request scope key: scope["state"] is shared lifespan state


def mark_failed(scope) -> None:
    scope[FAILED_KEY] = True


def make_before_send(session_scope_key: str) -> Callable:
    """The key differs per configuration (advanced-alchemy makes it unique per app), so take the config's."""
    commit_by_status = autocommit_handler_maker(commit_on_redirect=True, session_scope_key=session_scope_key)

    def before_send(message, scope) -> None:
        if message["type"] == "http.response.start" and scope.get(FAILED_KEY):
            session = get_aa_scope_state(scope, session_scope_key)
            if session is not None:
                session.rollback()
        commit_by_status(message, scope)

    return before_send
