"""Login, logout and the language switch."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from app.db.engine import session_scope
from app.i18n import LOCALES
from app.services import accounts
from app.settings import get_settings
from app.web.csrf import set_anon_csrf_cookie
from app.web.middleware import LOCALE_COOKIE, SESSION_COOKIE


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect to another host after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _login_page(request: Request, *, error: str | None = None, username: str = "", next_: str = "/", status: int = 200):
    response = Template("login.html", context={"error": error, "username": username, "next": next_}, status_code=status)
    set_anon_csrf_cookie(response, request)
    return response


class LoginController(Controller):
    path = "/login"
    include_in_schema = False

    @get("/", name="login", include_in_schema=False)
    async def login_page(self, request: Request, next: FromQuery[str | None] = None) -> Template:
        if request.scope.get("user") is not None:
            return Redirect(_safe_next(next))  # type: ignore[return-value]
        return _login_page(request, next_=_safe_next(next))

    @post("/", include_in_schema=False, sync_to_thread=True)
    def login(self, request: Request, data: URLEncodedBody[dict[str, str]]) -> Response:
        username = data.get("username", "").strip()
        next_ = _safe_next(data.get("next"))
        error = None
        # Its own transaction: a failed attempt must be counted even though the answer is an error.
        with session_scope() as session:
            try:
                user = accounts.authenticate(session, username, data.get("password", ""))
                new_session = accounts.start_session(session, user)
                if user.role == "deputy" and not next_.startswith("/portal"):
                    next_ = "/portal"  # deputies and members only use the portal
            except accounts.LoginFailed as exc:
                error = exc.message
        if error:
            return _login_page(request, error=error, username=username, next_=next_, status=401)
        response = Redirect(next_)
        response.set_cookie(
            SESSION_COOKIE,
            new_session.token,
            httponly=True,
            samesite="lax",
            path="/",
            secure=get_settings().cookie_secure or request.url.scheme == "https",
        )
        return response


@post("/logout", include_in_schema=False, sync_to_thread=True)
def logout(request: Request) -> Redirect:
    auth = request.scope.get("auth")
    if auth is not None and auth.session_token:
        with session_scope() as session:
            accounts.end_session(session, auth.session_token)
    response = Redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@get("/lang/{locale:str}", include_in_schema=False)
async def switch_language(request: Request, locale: FromPath[str]) -> Redirect:
    back = _safe_next(request.query_params.get("next") or "/")
    response = Redirect(back)
    if locale in LOCALES:
        response.set_cookie(
            LOCALE_COOKIE,
            locale,
            samesite="lax",
            path="/",
            max_age=365 * 24 * 3600,
            secure=get_settings().cookie_secure,
        )
    return response


route_handlers = [LoginController, logout, switch_language]
