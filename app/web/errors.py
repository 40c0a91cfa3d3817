"""Turn errors into answers: one JSON body for /api, a readable page (or the login redirect) otherwise.

Every 4xx/5xx of the API has the same body, built only here:

    {"error": <code>, "message": <text in the user's language>,
     "problems": [{"field": ..., "message": ...}, ...],   # 422 only
     "details": {...},                                     # optional, the service's own facts
     "request_id": <the X-Request-ID of the request>}

Litestar's own exceptions (route guards, unknown routes, 405, validation, 413) come through here
too, so no English "Request Entity Too Large" or exception class name ever reaches a user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import DataError, DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app.domain.dates import EARLIEST, LATEST, DateOutOfRange
from app.domain.text import N_
from app.i18n import _, get_locale, locale_scope
from app.services.errors import Problem, UserError, ValidationFailed
from app.settings import get_settings
from app.web.request_id import request_id
from app.web.transactions import mark_failed

# Litestar's default body limit for routes that set none (10 MB)
DEFAULT_BODY_LIMIT = 10 * 1024 * 1024


# ----------------------------------------------------------------------------- the documented shape


@dataclass
class ProblemOut:
    field: str  # where: "reason", "plan[0].role", "sheet 建议, row 12, column C (标题)"
    message: str  # what is wrong, in the user's language


@dataclass
class ErrorOut:
    """The one error body of the API."""

    error: str  # not_found | forbidden | not_authenticated | conflict | bad_request | validation_failed | ...
    message: str  # in the user's language
    request_id: str  # the X-Request-ID header of the answer; quote it when reporting a problem
    problems: list[ProblemOut] | None = None  # 422 only
    details: dict[str, Any] | None = field(default=None)  # some errors add facts, e.g. the conflicting rows


# codes of Litestar's HTTP exceptions by status, and what to tell the user
_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
    500: "internal",
    503: "unavailable",
}


def _generic_message(status: int) -> str:
    messages = {
        400: _("The request is not valid."),
        401: _("Please log in."),
        403: _("You may not do this."),
        404: _("No such page or record."),
        405: _("This address does not accept this method."),
        406: _("This address cannot answer in the requested format."),
        409: _("The record was changed in the meantime. Reload and try again."),
        415: _("This kind of content is not accepted here."),
        422: _("Please check the request."),
        429: _("Too many requests. Wait a moment and try again."),
        503: _("The service is busy. Try again in a moment."),
    }
    return messages.get(status) or (
        _("Something went wrong on our side. The change was not saved.")
        if status >= 500
        else _("The request is not valid.")
    )


def wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/schema")) or "application/json" in request.headers.get("accept", "")


def _problems_out(problems: list[Problem]) -> list[dict[str, Any]]:
    out = []
    for p in problems:
        entry: dict[str, Any] = {"field": str(p.place), "message": str(p.reason)}
        if p.value is not None:
            entry["value"] = p.value
        entry.update({k: v for k, v in p.extra.items() if k not in entry})
        out.append(entry)
    return out


def error_body(
    scope,
    status: int,
    code: str,
    message: str,
    problems: list[Problem] | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"error": code, "message": str(message)}
    if status == 422:
        body["problems"] = _problems_out(problems or [])
    if details:
        body["details"] = details
    body["request_id"] = request_id(scope)
    return body


def _answer(
    request: Request,
    status: int,
    code: str,
    message: str,
    *,
    problems: list[Problem] | None = None,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    mark_failed(request.scope)
    if wants_json(request):
        return Response(
            error_body(request.scope, status, code, message, problems, details),
            status_code=status,
            media_type=MediaType.JSON,
            headers=headers,
        )
    context = {
        "status": status,
        "message": message,
        "problems": _problems_out(problems or []),
        "request_id": request_id(request.scope),
    }
    return Template("error.html", context=context, status_code=status, media_type=MediaType.HTML, headers=headers)


def _in_users_language(request: Request):
    """Unknown routes and 405s never pass the identity middleware: pick the language here."""
    scope: dict[str, Any] = request.scope  # type: ignore[assignment]
    locale = scope.get("jianti_locale")
    if not isinstance(locale, str):
        from app.web.middleware import locale_of_scope

        locale = locale_of_scope(scope)
        scope["jianti_locale"] = locale
    return locale_scope(locale) if locale != get_locale() else _NullScope()


class _NullScope:
    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None


# ----------------------------------------------------------------------------- handlers


def user_error_handler(request: Request, exc: UserError) -> Response:
    problems = exc.problems if isinstance(exc, ValidationFailed) else None
    details = {k: v for k, v in exc.details.items() if k != "problems"} if not isinstance(exc, ValidationFailed) else {}
    if not isinstance(exc, ValidationFailed) and "problems" in exc.details:
        details["problems"] = exc.details["problems"]
    return _answer(request, exc.status_code, exc.code, exc.message, problems=problems, details=_plain(details))


_PERIOD_UNITS = {"months": N_("months"), "working_days": N_("working days"), "days": N_("days")}


def out_of_range_problem(exc: DateOutOfRange) -> Problem:
    """The bound that was crossed, in the user's words, at the parameter that crossed it."""
    if exc.kind in ("date", "year"):
        reason = _(
            "must be a date between %(earliest)s and %(latest)s",
            earliest=EARLIEST.isoformat(),
            latest=LATEST.isoformat(),
        )
    else:
        reason = _("may be at most %(limit)s %(unit)s", limit=exc.limit, unit=_(_PERIOD_UNITS.get(exc.kind, exc.kind)))
    return Problem(exc.field, reason, exc.value)


def date_out_of_range_handler(request: Request, exc: DateOutOfRange) -> Response:
    with _in_users_language(request):
        problem = out_of_range_problem(exc)
        return _answer(
            request,
            400,
            "bad_request",
            _("The request is not valid: %(problems)s", problems=problem.place + ": " + str(problem.reason)),
            details={"field": problem.place, "value": _plain(problem.value)},
        )


def _plain(value: Any) -> Any:
    """Details go out as JSON: dates as ISO text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


_MSGSPEC_HINTS = (
    (re.compile(r"Expected `int` >= (-?\d+)"), lambda m: _("must be at least %(n)s", n=m.group(1))),
    (re.compile(r"Expected `int` <= (-?\d+)"), lambda m: _("must be at most %(n)s", n=m.group(1))),
    (re.compile(r"Expected `int`"), lambda m: _("must be a whole number")),
    (re.compile(r"Expected `bool`"), lambda m: _("must be true or false")),
    (
        re.compile(r"Expected `date` between"),
        lambda m: _(
            "must be a date between %(earliest)s and %(latest)s",
            earliest=EARLIEST.isoformat(),
            latest=LATEST.isoformat(),
        ),
    ),
    (re.compile(r"Expected `(date|datetime)`|Invalid RFC 3339|Invalid ISO"), lambda m: _("must be a date")),
    (re.compile(r"Expected `array`"), lambda m: _("must be a list")),
    (re.compile(r"Expected `object`"), lambda m: _("must be an object")),
    (re.compile(r"Expected `str`"), lambda m: _("must be text")),
    (re.compile(r"Object missing required field `([^`]+)`"), lambda m: _("required")),
    (re.compile(r"Missing required"), lambda m: _("required")),
    (re.compile(r"Invalid enum value"), lambda m: _("is not one of the allowed values")),
)


def _problem_from_litestar(entry: dict[str, Any]) -> Problem:
    raw = str(entry.get("message", ""))
    key = str(entry.get("key") or "")
    missing = re.search(r"Object missing required field `([^`]+)`", raw)
    if missing:
        key = f"{key.rstrip('.')}.{missing.group(1)}" if key and key not in ("$", "data") else missing.group(1)
    key = key.removeprefix("$.").removeprefix("$") or "body"
    for pattern, say in _MSGSPEC_HINTS:
        match = pattern.search(raw)
        if match:
            return Problem(key, say(match))
    return Problem(key, _("is not valid"))


def _validation_answer(request: Request, exc: ValidationException) -> Response:
    extra = exc.extra if isinstance(exc.extra, list) else []
    entries = [e for e in extra if isinstance(e, dict)]
    problems = [_problem_from_litestar(e) for e in entries]
    body_problems = [p for p, e in zip(problems, entries, strict=True) if e.get("source") in (None, "body")]
    if entries and len(body_problems) == len(problems):
        return _answer(request, 422, "validation_failed", _("Please check the request."), problems=problems)
    if problems:
        listed = "; ".join(f"{p.place}: {p.reason}" for p in problems)
        return _answer(request, 400, "bad_request", _("The request is not valid: %(problems)s", problems=listed))
    return _answer(request, 400, "bad_request", _generic_message(400))


def _too_large_answer(request: Request) -> Response:
    route = request.scope.get("route_handler")
    resolve = getattr(route, "resolve_request_max_body_size", None)
    limit = (resolve() if resolve is not None else None) or DEFAULT_BODY_LIMIT
    files_mb = get_settings().max_upload_mb
    upload = request.headers.get("content-type", "").startswith("multipart/form-data")
    if upload or limit > files_mb * 1024 * 1024:
        mb = files_mb
        message = _("The upload is too large: each file may be at most %(mb)s MB.", mb=mb)
    else:
        mb = max(1, round(limit / (1024 * 1024)))
        message = _("The request is too large: at most %(mb)s MB are accepted here.", mb=mb)
    return _answer(request, 413, "too_large", message, details={"limit_mb": mb})


def http_error_handler(request: Request, exc: HTTPException) -> Response:
    with _in_users_language(request):
        if isinstance(exc, NotAuthorizedException) and not wants_json(request):
            mark_failed(request.scope)
            return Redirect(f"/login?next={request.url.path}")
        if isinstance(exc, ValidationException):
            return _validation_answer(request, exc)
        if isinstance(exc, RequestEntityTooLarge) or exc.detail == "Request Entity Too Large":
            return _too_large_answer(request)  # the multipart parser says it with a 400
        status = exc.status_code
        code = _CODES.get(status, "internal" if status >= 500 else "bad_request")
        headers = {k: v for k, v in (exc.headers or {}).items()} or None
        if isinstance(exc, NotFoundException):
            message = _("No such page or record.")
        elif isinstance(exc, MethodNotAllowedException):
            message = _generic_message(405)
        elif isinstance(exc, PermissionDeniedException | NotAuthorizedException) and _ours(exc):
            message = exc.detail  # the guards' and the CSRF check's own (translated) words
        else:
            message = _generic_message(status)
        return _answer(request, status, code, message, headers=headers)


def _ours(exc: HTTPException) -> bool:
    """Our guards raise with a translated sentence; Litestar's defaults are the bare status phrase."""
    return bool(exc.detail) and exc.detail not in ("Unauthorized", "Forbidden", "Not Authorized")


# PostgreSQL's SQLSTATEs for a bounded wait that ended (app/db/engine.py sets the bounds)
_LOCK_STATES = {"55P03", "40P01", "40001"}  # lock_timeout / NOWAIT, deadlock, serialization failure
_CANCELLED_STATES = {"57014"}  # statement_timeout


def _sqlstate(exc: Exception) -> str | None:
    return getattr(getattr(exc, "orig", None), "sqlstate", None) if isinstance(exc, DBAPIError) else None


def internal_error_handler(request: Request, exc: Exception) -> Response:
    with _in_users_language(request):
        state = _sqlstate(exc)
        if state in _LOCK_STATES:
            # another request holds the record: nothing was changed, the usual conflict answer
            return _answer(request, 409, "conflict", _generic_message(409))
        if state in _CANCELLED_STATES or isinstance(exc, PoolTimeout):
            request.logger.warning(
                "database busy on %s (request %s): %s", request.url.path, request_id(request.scope), exc
            )
            return _answer(request, 503, "unavailable", _generic_message(503), headers={"Retry-After": "2"})
        if _out_of_range(exc):
            # a number no column can hold reached the database: the caller's mistake, nothing was changed
            return _answer(request, 400, "bad_request", _("A number in the request is out of range."))
        request.logger.exception("unhandled error on %s (request %s)", request.url.path, request_id(request.scope))
        return _answer(
            request,
            HTTP_500_INTERNAL_SERVER_ERROR,
            "internal",
            _("Something went wrong on our side. The change was not saved."),
        )


def _out_of_range(exc: Exception) -> bool:
    if isinstance(exc, OverflowError):
        return True
    return isinstance(exc, DataError) and "out of range" in str(exc).lower()
