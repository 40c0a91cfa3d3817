"""A self-contained OpenAPI page: the office network has no CDN, so no Swagger/Redoc scripts."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request
from litestar.openapi.plugins import OpenAPIRenderPlugin
from markupsafe import escape

METHODS = ("get", "post", "put", "patch", "delete")


class LocalSchemaPage(OpenAPIRenderPlugin):
    def __init__(self, path: str = "/") -> None:
        super().__init__(path=path, media_type=MediaType.HTML)

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        info = openapi_schema.get("info", {})
        rows = []
        for path, operations in sorted(openapi_schema.get("paths", {}).items()):
            for method in METHODS:
                op = operations.get(method)
                if not op:
                    continue
                params = ", ".join(escape(p.get("name", "")) for p in op.get("parameters", []))
                codes = ", ".join(sorted(op.get("responses", {})))
                rows.append(
                    f"<tr><td><code>{method.upper()}</code></td><td><code>{escape(path)}</code></td>"
                    f"<td>{escape(op.get('summary') or op.get('operationId', ''))}<br><small>{escape(op.get('description') or '')}</small></td>"
                    f"<td>{params}</td><td>{codes}</td></tr>"
                )
        title = escape(info.get("title", "API"))
        return (
            "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
            f"<title>{title}</title><link rel='stylesheet' href='/static/jianti.css'></head><body class='schema'>"
            f"<main><h1>{title} <small>{escape(info.get('version', ''))}</small></h1>"
            "<p><a href='/schema/openapi.json'>openapi.json</a></p>"
            "<table class='table'><thead><tr><th>Method</th><th>Path</th><th>Summary</th><th>Parameters</th>"
            f"<th>Responses</th></tr></thead><tbody>{''.join(rows)}</tbody></table></main></body></html>"
        ).encode()
