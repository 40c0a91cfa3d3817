"""ASGI middleware and hooks: who is calling and in which language, bounded integer parameters,
the request id and the security headers of every answer.

The user is resolved in a thread beside the handlers' (app/web/threads.py) with its own short
transaction, so the request's own session stays for the handler, the event loop is never blocked
on the database, and handlers waiting on locks cannot starve the lookup.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from litestar.exceptions import NotFoundException, ValidationException

from app.db.engine import session_scope
from app.domain.dates import EARLIEST, LATEST
from app.i18n import DEFAULT_LOCALE, LOCALES, locale_scope
from app.services import accounts
from app.services.actor import Actor
from app.settings import get_settings
from app.web.threads import run_beside_handlers

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


def locale_of_scope(scope) -> str:
    return _locale_of(scope, _cookies(scope))


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
            actor, auth = await run_beside_handlers(_resolve, bearer, cookies.get(SESSION_COOKIE))
        scope["user"] = actor
        scope["auth"] = auth
        locale = _locale_of(scope, cookies)
        scope["jianti_locale"] = locale
        with locale_scope(locale):
            check_integer_parameters(scope)
            await self.app(scope, receive, send)


# ----------------------------------------------------------------------------- bounded integers

# Every integer the web takes must fit the database's INTEGER (PostgreSQL int4): ids are serials,
# counts and pages are small. Larger numbers used to reach the database and answer 500.
MAX_INT = 2**31 - 1


def _is_type(annotation, wanted: type) -> bool:
    if annotation is wanted:
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _is_type(typing.get_args(annotation)[0], wanted)
    if origin in (typing.Union, types.UnionType, list, tuple, set, frozenset):
        args = [a for a in typing.get_args(annotation) if a is not type(None) and a is not Ellipsis]
        return bool(args) and all(_is_type(a, wanted) for a in args)
    return False


def _is_int_type(annotation) -> bool:
    return _is_type(annotation, int)


@lru_cache(maxsize=4096)
def _query_keys(handler, wanted: type) -> tuple[str, ...]:
    """The query-string keys whose values a handler takes as `wanted` (int, date) by its signature."""
    keys = []
    signature = getattr(handler, "parsed_fn_signature", None)
    for name, field_definition in signature.parameters.items() if signature else ():
        kwarg = field_definition.kwarg_definition
        if kwarg is not None and (getattr(kwarg, "header", None) or getattr(kwarg, "cookie", None)):
            continue
        if name in ("data", "request", "db_session", "state", "scope", "headers", "cookies", "query"):
            continue
        if _is_type(field_definition.annotation, wanted):
            keys.append(getattr(kwarg, "query", None) or name)
    return tuple(keys)


def _integer_query_keys(handler) -> tuple[str, ...]:
    return _query_keys(handler, int)


def _outside_dates(text: str) -> bool:
    """A well-formed date outside the bounds (malformed ones are left to the parameter parser)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return False
    return not EARLIEST <= day <= LATEST


def check_integer_parameters(scope) -> None:
    """404 for an integer path parameter (an id, a year) outside 1..2^31-1; 400 for an integer
    query parameter outside ±(2^31-1). Path parameters are parsed by the router before any middleware."""
    for value in scope.get("path_params", {}).values():
        if isinstance(value, int) and not isinstance(value, bool) and not 1 <= value <= MAX_INT:
            raise NotFoundException()
    handler = scope.get("route_handler")
    if handler is None or not scope.get("query_string"):
        return
    keys = _integer_query_keys(handler)
    date_keys = _query_keys(handler, date)
    if not keys and not date_keys:
        return
    from urllib.parse import parse_qsl

    bad = []
    for key, raw in parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True):
        text = raw.strip()
        if key in keys and text.lstrip("+-").isdigit() and abs(int(text)) > MAX_INT:
            bad.append({"message": f"Expected `int` <= {MAX_INT}", "key": key, "source": "query"})
        elif key in date_keys and _outside_dates(text):
            bad.append({"message": f"Expected `date` between {EARLIEST} and {LATEST}", "key": key, "source": "query"})
    if bad:
        raise ValidationException(detail="out of range", extra=bad)


# ----------------------------------------------------------------------------- headers of every answer

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",  # no inline script anywhere: JS lives in app/static/*.js
        "style-src 'self'",  # no inline styles either: classes in app/static/*.css
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


async def security_headers(message, scope) -> None:
    """before_send hook (runs for every answer, also unknown routes and errors): security headers,
    the X-Request-ID, and one charset in the Content-Type."""
    if message["type"] != "http.response.start":
        return
    from app.web.request_id import request_id

    headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
    present = {k.lower() for k, _v in headers}
    for name, value in SECURITY_HEADERS:
        if name not in present:
            headers.append((name, value))
    if get_settings().cookie_secure and HSTS[0] not in present:
        headers.append(HSTS)
    headers = [(k, _one_charset(v) if k.lower() == b"content-type" else v) for k, v in headers]
    headers.append((b"x-request-id", request_id(scope).encode()))
    message["headers"] = headers


def _one_charset(value: bytes) -> bytes:
    """'text/csv; charset=utf-8; charset=utf-8' -> 'text/csv; charset=utf-8' (the first charset wins)."""
    if value.lower().count(b"charset=") < 2:
        return value
    parts = [p.strip() for p in value.split(b";")]
    seen, kept = False, []
    for part in parts:
        if part.lower().startswith(b"charset="):
            if seen:
                continue
            seen = True
        kept.append(part)
    return b"; ".join(kept)
