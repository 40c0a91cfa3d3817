"""The API's contract in the OpenAPI document: one error schema, the statuses every operation can
answer, and the bounds of integer parameters (the same ones app.web.middleware enforces).

Litestar documents its own default error shape (`status_code`, `detail`, `extra`), which the API
never answers; this runs once when the app is built (the document is cached), and replaces it.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar._openapi.plugin import OpenAPIPlugin

from app.web.middleware import MAX_INT

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
UNSAFE = ("put", "post", "delete", "patch")

ERROR_REF = {"$ref": "#/components/schemas/Error"}

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "One thing wrong with the input, naming where it is.",
    "required": ["field", "message"],
    "properties": {
        "field": {"type": "string", "description": "e.g. reason, plan[0].role, sheet 建议, row 12, column C (标题)"},
        "message": {"type": "string", "description": "what is wrong, in the user's language"},
    },
}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Error",
    "description": "The one error body of every 4xx/5xx answer of the API.",
    "required": ["error", "message", "request_id"],
    "properties": {
        "error": {
            "type": "string",
            "description": "a stable code: bad_request, not_authenticated, forbidden, not_found, "
            "method_not_allowed, conflict, too_large, validation_failed, internal, ...",
        },
        "message": {"type": "string", "description": "what happened, in the user's language"},
        "problems": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/Problem"},
            "description": "422 only: each problem names its field",
        },
        "details": {"type": "object", "description": "facts some errors add (e.g. the conflicting rows)"},
        "request_id": {"type": "string", "description": "the X-Request-ID header of the answer"},
    },
}

DESCRIPTIONS = {
    "400": "A query parameter or the request is not valid (the message names it)",
    "401": "Not logged in (session cookie or Bearer token)",
    "403": "Your role or department may not do this, or the CSRF token is missing",
    "404": "No such record (another department's records look missing; ids out of range too)",
    "409": "The state or a rule refuses the action, or someone else changed the record first",
    "413": "The request or an uploaded file is larger than the limit (the message names it)",
    "422": "Invalid input; each problem names its field",
    "500": "Something went wrong on our side; nothing was changed",
}


def _error_response(status: str) -> dict[str, Any]:
    return {
        "description": DESCRIPTIONS[status],
        "headers": {"X-Request-ID": {"schema": {"type": "string"}, "description": "the request's id"}},
        "content": {"application/json": {"schema": ERROR_REF}},
    }


def statuses_of(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    """Every error status this operation can answer."""
    found = ["400", "401", "403", "404", "422", "500"]
    if method in UNSAFE:
        found += ["409", "413"]
    return sorted(found)


def _bound_integer(schema: dict[str, Any], minimum: int) -> None:
    if schema.get("type") == "integer":
        schema.setdefault("minimum", minimum)
        schema.setdefault("maximum", MAX_INT)
    for option in schema.get("oneOf", []) + schema.get("anyOf", []):
        _bound_integer(option, minimum)
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        _bound_integer(schema["items"], minimum)


def finish(document: dict[str, Any]) -> dict[str, Any]:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    schemas["Problem"] = PROBLEM_SCHEMA
    for path, path_item in document.get("paths", {}).items():
        for method in METHODS:
            operation = path_item.get(method)
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema")
                if isinstance(schema, dict):
                    _bound_integer(schema, 1 if parameter.get("in") == "path" else -MAX_INT)
            if not path.startswith("/api/"):
                continue
            responses = operation.setdefault("responses", {})
            for response in responses.values():
                content = response.get("content") or {}
                if "" in content:  # Litestar leaves a File answer's media type empty: it varies by file
                    content["*/*"] = content.pop("")
            for status in [s for s in responses if s.isdigit() and int(s) >= 400]:
                del responses[status]  # Litestar's own {status_code, detail, extra}: never answered
            for status in statuses_of(path, method, operation):
                responses[status] = _error_response(status)
    # Litestar's default error schemas, now referenced by nothing
    for name in [n for n in schemas if n.startswith(("ClientException", "ValidationException"))]:
        del schemas[name]
    return document


def install(app: Litestar) -> None:
    """Rewrite the document Litestar builds (and caches), before anyone reads it."""
    plugin = app.plugins.get(OpenAPIPlugin)
    finish(plugin.provide_openapi_schema())
