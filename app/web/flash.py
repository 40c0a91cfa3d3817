"""Flash messages: the notice after a successful form ("已签收") comes from the server session.

A handler that succeeded calls `flash_redirect(request, db_session, url, message)`: the notice is
stored with the login session (in the request's transaction, so a failed request leaves none)
and the browser is sent on with 303 See Other. The next page the session opens reads and
deletes it; base.html shows it. No URL carries the text, so a crafted link cannot put words on
a page.

To spare the database on ordinary pages, a small cookie without content (`jianti_flash=1`) says
that a notice is waiting; the middleware only looks when it is there and clears it afterwards.
"""

from __future__ import annotations

from litestar import Request
from litestar.response import Redirect
from sqlalchemy.orm import Session

from app.db.engine import session_scope
from app.services import flash as notices
from app.settings import get_settings
from app.web.middleware import _cookies
from app.web.threads import run_beside_handlers

HINT_COOKIE = "jianti_flash"
SCOPE_KEY = "jianti_flashes"  # per request: the notices to show on this page
PUSHED_KEY = "jianti_flash_pushed"  # per request: a notice was stored, set the hint cookie
# requests that never show a page: they must not take the notice meant for the next page
NOT_PAGES = ("/static/", "/api/", "/schema", "/health", "/attachments/", "/favicon")


def flash(request: Request, db_session: Session, message: str, kind: str = "ok") -> None:
    auth = request.scope.get("auth")
    token = getattr(auth, "session_token", None)
    if not token:
        return  # Bearer-token callers get JSON answers, not pages
    notices.push(db_session, token, message, kind)
    request.scope[PUSHED_KEY] = True  # type: ignore[literal-required]


def see_other(url: str) -> Redirect:
    """After a successful POST: 303, so reloading the next page never repeats the POST."""
    return Redirect(url, status_code=303)


def flash_redirect(request: Request, db_session: Session, url: str, message: str, kind: str = "ok") -> Redirect:
    flash(request, db_session, message, kind)
    return see_other(url)


def shown(scope) -> list[notices.Notice]:
    """The notices for the page being rendered (Jinja global `flashes()`)."""
    return scope.get(SCOPE_KEY) or []


def _pop(token: str) -> list[notices.Notice]:
    with session_scope() as session:
        return notices.pop(session, token)


class FlashMiddleware:
    """Reads the waiting notices for a page request and keeps the hint cookie right.

    Runs inside IdentityMiddleware (it needs scope["auth"])."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        auth = scope.get("auth")
        token = getattr(auth, "session_token", None)
        hinted = _cookies(scope).get(HINT_COOKIE) == "1"
        popped = False
        if hinted and token and scope["method"] == "GET" and not scope["path"].startswith(NOT_PAGES):
            scope[SCOPE_KEY] = await run_beside_handlers(_pop, token)
            popped = True

        async def send_with_hint(message) -> None:
            if message["type"] == "http.response.start":
                cookie = None
                if scope.get(PUSHED_KEY) and message.get("status", 500) < 400:
                    cookie = f"{HINT_COOKIE}=1; Path=/; HttpOnly; SameSite=Lax"
                elif popped or (hinted and not token):
                    cookie = f"{HINT_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"
                if cookie and get_settings().cookie_secure:
                    cookie += "; Secure"
                if cookie:
                    headers = list(message.get("headers", []))
                    headers.append((b"set-cookie", cookie.encode("latin-1")))
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_hint)
