"""Turn errors into answers: JSON for /api, a page (or a redirect to the login page) otherwise."""

from __future__ import annotations

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, NotFoundException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from app.i18n import _
from app.services.errors import UserError
from app.web.transactions import mark_failed


def wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/schema")) or "application/json" in request.headers.get("accept", "")


def _page(request: Request, status: int, message: str) -> Response:
    return Template(
        "error.html", context={"status": status, "message": message}, status_code=status, media_type=MediaType.HTML
    )


def user_error_handler(request: Request, exc: UserError) -> Response:
    mark_failed(request.scope)
    if wants_json(request):
        return Response(exc.as_dict(), status_code=exc.status_code, media_type=MediaType.JSON)
    return _page(request, exc.status_code, exc.message)


def http_error_handler(request: Request, exc: HTTPException) -> Response:
    mark_failed(request.scope)
    if isinstance(exc, NotAuthorizedException) and not wants_json(request):
        return Redirect(f"/login?next={request.url.path}")
    message = exc.detail
    if isinstance(exc, NotFoundException):
        message = _("Page not found.")
    if wants_json(request):
        return Response({"error": type(exc).__name__, "message": message}, status_code=exc.status_code)
    return _page(request, exc.status_code, message)


def internal_error_handler(request: Request, exc: Exception) -> Response:
    mark_failed(request.scope)
    request.logger.exception("unhandled error on %s", request.url.path)
    message = _("Something went wrong on our side. The change was not saved.")
    if wants_json(request):
        return Response({"error": "internal", "message": message}, status_code=HTTP_500_INTERNAL_SERVER_ERROR)
    return _page(request, HTTP_500_INTERNAL_SERVER_ERROR, message)
