"""CSRF protection for cookie-authenticated requests (forms and the JSON API alike).

A logged-in session carries a random token; every unsafe request made with the session cookie
must send it back as the form field `_csrf` or the header `X-CSRF-Token`. Bearer-token API
calls carry no ambient credentials and need no token. The login form, made before any session
exists, uses a double-submit cookie.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any, cast

from litestar import Request, Response
from litestar.exceptions import PermissionDeniedException

from app.i18n import _
from app.settings import get_settings

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
ANON_CSRF_COOKIE = "jianti_csrf"
FORM_FIELD = "_csrf"
# per-request scope keys (scope["state"] is the lifespan state, shared by every request)
ANON_CSRF_SCOPE_KEY = "jianti_anon_csrf"
HEADER = "x-csrf-token"


async def _sent_token(request: Request) -> str:
    header = request.headers.get(HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(FORM_FIELD)
        return value if isinstance(value, str) else ""
    return ""


def _scope(request: Request) -> dict[str, Any]:
    """The ASGI scope as the plain dict it is (Litestar types it as a closed TypedDict)."""
    return cast(dict[str, Any], request.scope)


async def enforce_csrf(request: Request) -> Response | None:
    """before_request hook: refuse an unsafe request whose token is missing or wrong (403, nothing changes)."""
    auth = request.scope.get("auth")
    if request.method in SAFE_METHODS:
        if auth is None:
            # anonymous pages (the login form) get a double-submit token
            token = request.cookies.get(ANON_CSRF_COOKIE) or secrets.token_urlsafe(32)
            _scope(request)[ANON_CSRF_SCOPE_KEY] = token
        return None
    if auth is not None and auth.method == "token":
        return None
    expected = auth.csrf_token if auth is not None else request.cookies.get(ANON_CSRF_COOKIE)
    sent = await _sent_token(request)
    if not expected or not sent or not hmac.compare_digest(expected.encode(), sent.encode("utf-8", "replace")):
        raise PermissionDeniedException(
            _("The form has expired or its security token is missing. Reload the page and try again.")
        )
    return None


def set_anon_csrf_cookie(response: Response, request: Request) -> None:
    token = _scope(request).get(ANON_CSRF_SCOPE_KEY)
    if isinstance(token, str) and token and request.cookies.get(ANON_CSRF_COOKIE) != token:
        response.set_cookie(
            ANON_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/", secure=get_settings().cookie_secure
        )
