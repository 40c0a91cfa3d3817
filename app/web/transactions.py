"""One transaction per request: committed on 2xx/3xx, rolled back on errors.

advanced-alchemy's handler decides by status alone; an error answered with a redirect (the
login redirect for an expired session) must not commit what the handler wrote before failing,
so error handlers mark the request and the transaction is rolled back first.

The commit runs beside the handlers (app/web/threads.py), never on the threads they use:
when every handler thread waits on a row lock, the commit that frees the lock must still find
a thread, or the server hangs for good (issue 10: 20 concurrent assigns on one item did).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from app.web.alchemy_adapter import get_aa_scope_state, status_commit_handler  # advanced-alchemy internals
from app.web.threads import run_beside_handlers

FAILED_KEY = "jianti_request_failed"  # a per-request scope key: scope["state"] is shared lifespan state


def mark_failed(scope) -> None:
    scope[FAILED_KEY] = True


def make_before_send(session_scope_key: str) -> Callable[..., Awaitable[None]]:
    """The key differs per configuration (advanced-alchemy makes it unique per app), so take the config's."""
    commit_by_status = status_commit_handler(session_scope_key)

    def finish(message, scope) -> None:
        if message["type"] == "http.response.start" and scope.get(FAILED_KEY):
            session = get_aa_scope_state(scope, session_scope_key)
            if session is not None:
                session.rollback()
        commit_by_status(message, scope)

    async def before_send(message, scope) -> None:
        if get_aa_scope_state(scope, session_scope_key) is None:
            return  # no session was opened (static files, health, unknown routes): nothing to end
        await run_beside_handlers(finish, message, scope)

    return before_send
