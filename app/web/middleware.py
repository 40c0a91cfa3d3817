"""ASGI middleware: who is calling (session cookie or Bearer token) and in which language.

The user is resolved in a worker thread with its own short transaction, so the request's own
session stays for the handler and the event loop is never blocked on the database.
"""

from __future__ import annotations

from dataclasses import dataclass

import anyio

from app.db.engine import session_scope
from app.i18n import DEFAULT_LOCALE, LOCALES, locale_scope
from app.services import accounts
from app.services.actor import Actor

SESSION_COOKIE = "jianti_session"
LOCALE_COOKIE = "jianti_lang"


@dataclass(frozen=True)
class Auth:
    method: str  # "session" | "token"
    csrf_token: str | None = None
    session_token: str | None = None


def _cookies(scope) -> dict[str, str]:
    """Split by hand: SimpleCookie gives up on the whole header at one odd cookie of another app on the host."""
    cookies: dict[str, str] = {}
    for name, value in scope.get("headers", []):
        if name != b"cookie":
            continue
        for pair in value.decode("latin-1").split(";"):
            key, sep, val = pair.strip().partition("=")
            if sep and key and key not in cookies:
                cookies[key] = val.strip().strip('"')
    return cookies


def _header(scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return value.decode("latin-1")
    return None


def _resolve(bearer: str | None, session_token: str | None) -> tuple[Actor | None, Auth | None]:
    with session_scope() as session:
        if bearer:
            user = accounts.resolve_token(session, bearer)
            return (Actor.of(user), Auth("token")) if user else (None, None)
        if session_token:
            web_session = accounts.resolve_session(session, session_token)
            if web_session is not None:
                return Actor.of(web_session.user), Auth("session", web_session.csrf_token, session_token)
    return None, None


def _locale_of(scope, cookies: dict[str, str]) -> str:
    if cookies.get(LOCALE_COOKIE) in LOCALES:
        return cookies[LOCALE_COOKIE]
    accept = (_header(scope, b"accept-language") or "").lower()
    if accept.startswith("en"):
        return "en"
    return DEFAULT_LOCALE


class IdentityMiddleware:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = _cookies(scope)
        authorization = _header(scope, b"authorization") or ""
        bearer = authorization[7:].strip() if authorization.lower().startswith("bearer ") else None
        actor, auth = None, None
        if bearer or cookies.get(SESSION_COOKIE):
            actor, auth = await anyio.to_thread.run_sync(_resolve, bearer, cookies.get(SESSION_COOKIE))
        scope["user"] = actor
        scope["auth"] = auth
        locale = _locale_of(scope, cookies)
        scope["jianti_locale"] = locale
        with locale_scope(locale):
            await self.app(scope, receive, send)
