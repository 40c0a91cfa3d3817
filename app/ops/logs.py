"""Structured logs: one line per request and per job; JSON with JIANTI_LOG_FORMAT=json.

No personal data and no secrets: a request line carries the request id, the user's numeric id and
role (never the name), the route template (never the query string), the status and the duration.
"""

from __future__ import annotations

import atexit
import json
import logging
import logging.handlers
import os
import queue
import sys
import time
from datetime import UTC, datetime

from app.web.request_id import request_id as scope_request_id

request_log = logging.getLogger("jianti.request")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if fields:
            data.update(fields)
        else:
            data["message"] = record.getMessage()
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%d %H:%M:%S")
        fields = getattr(record, "fields", None)
        if fields:
            event = fields.get("event", "")
            rest = " ".join(f"{k}={v}" for k, v in fields.items() if k != "event" and v is not None)
            text = f"{stamp} {record.levelname:<5} {event} {rest}"
        else:
            text = f"{stamp} {record.levelname:<5} {record.name}: {record.getMessage()}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def log_event(logger: logging.Logger, event: str, level: int = logging.INFO, **fields) -> None:
    if logger.isEnabledFor(level):
        logger.log(level, event, extra={"fields": {"event": event, **fields}})


_configured: str | None = None
_listener: logging.handlers.QueueListener | None = None


def configure(log_format: str = "text", level: int = logging.INFO) -> None:
    """Send the `jianti.*` loggers to stderr in the chosen format (idempotent)."""
    global _configured
    if _configured == log_format:
        return
    logger = logging.getLogger("jianti")
    for handler in list(logger.handlers):
        if getattr(handler, "_jianti", False):
            logger.removeHandler(handler)
    global _listener
    if _listener is not None:
        _listener.stop()
    # the line is formatted by the caller, written to stderr by a background thread: no disk or pipe
    # wait on the event loop
    stream = logging.StreamHandler(sys.stderr)
    stream.setFormatter(logging.Formatter("%(message)s"))
    handler = logging.handlers.QueueHandler(queue.SimpleQueue())
    handler._jianti = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    _listener = logging.handlers.QueueListener(handler.queue, stream)
    _listener.start()
    atexit.register(_listener.stop)
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    _configured = log_format


def _route_of(scope) -> str:
    """The route's template (/items/{item_id:int}), never the path itself: no ids or text from the user."""
    return scope.get("path_template") or "(no route)"


class RequestLogMiddleware:
    """Outermost ASGI wrapper (around Litestar's exception handling, so 404s and 500s are logged too).

    Takes a well-formed X-Request-ID from the proxy or makes one, puts it in the scope for error
    pages and bodies, answers it in the X-Request-ID header, and writes one line when the response ends.
    """

    def __init__(self, app, enabled: bool = True) -> None:
        self.app = app
        self.enabled = enabled

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = scope_request_id(scope)  # the one id of app/web/errors.py (proxy-given or new)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", ()))
                if not any(name.lower() == b"x-request-id" for name, _value in headers):
                    # answers Litestar never saw (its before_send adds the header otherwise)
                    headers.append((b"x-request-id", request_id.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if self.enabled:
                user = scope.get("user")
                log_event(
                    request_log,
                    "request",
                    request_id=request_id,
                    method=scope.get("method"),
                    route=_route_of(scope),
                    status=status,
                    duration_ms=round((time.perf_counter() - started) * 1000, 2),
                    user_id=getattr(user, "user_id", None),
                    role=getattr(getattr(user, "role", None), "value", None),
                    pid=os.getpid(),
                )
