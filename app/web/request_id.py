"""The one request id: a sane X-Request-ID given by a proxy, else a new random one.

Kept in the ASGI scope so the request log line, the API error body and the error page quote the same id.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

REQUEST_ID_KEY = "jianti_request_id"
REQUEST_ID_HEADER = "x-request-id"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")


def request_id(scope: Any) -> str:
    """The request's id (made once per request and kept in the scope)."""
    existing = scope.get(REQUEST_ID_KEY)
    if existing:
        return str(existing)
    sent = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"x-request-id"), "")
    value = sent if _SANE_REQUEST_ID.fullmatch(sent) else secrets.token_hex(8)
    scope[REQUEST_ID_KEY] = value
    return value
