"""The API's contract through the test client: bounded integers, one error body, request ids,
security headers, one charset."""

from __future__ import annotations

import re

import pytest
from litestar.testing import TestClient

from tests.helpers import login

HUGE = ("3000000000", "9223372036854775808", "99999999999999999999", "0", "-1")
ERROR_KEYS = {"error", "message", "request_id"}


def _int_path_routes(app):
    """(method, path template) of every route with an integer path parameter: pages and API."""
    found = []
    for route in app.routes:
        params = re.findall(r"\{(\w+):int\}", _typed_path(route))
        if not params:
            continue
        for method in sorted(getattr(route, "methods", ()) or ()):
            if method in ("HEAD", "OPTIONS"):
                continue
            found.append((method, _typed_path(route), params))
    return found


def _typed_path(route) -> str:
    """The route's path with its parameter types, e.g. /api/items/{item_id:int}/handling."""
    return route.path


def _fill(path: str, names: list[str], value: str) -> str:
    for name in names:
        path = re.sub(r"\{" + name + r"(:int)?\}", value, path)
    return path


def _office(client, make_user):
    login(client, make_user("office_admin"))
    client.headers["X-CSRF-Token"] = client.csrf
    return client


def test_every_integer_path_parameter_out_of_range_is_404(app, client, make_user):
    office = _office(client, make_user)
    routes = _int_path_routes(app)
    assert len(routes) >= 50  # pages and API alike
    for method, template, names in routes:
        for value in HUGE:
            url = _fill(template, names, value)
            response = office.request(method, url, json={} if url.startswith("/api/") else None)
            assert response.status_code == 404, (method, url, response.status_code, response.text[:200])
            if url.startswith("/api/"):
                body = response.json()
                assert body["error"] == "not_found" and set(body) == ERROR_KEYS, body
                assert body["request_id"] == response.headers["x-request-id"]


def _int_query_routes(app):
    from app.web.middleware import _integer_query_keys

    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            keys = _integer_query_keys(handler)
            if keys and "GET" in handler.http_methods and not route.path_parameters:
                found.append((route.path, keys))
    return found


def test_every_integer_query_parameter_out_of_range_is_400(app, client, make_user):
    office = _office(client, make_user)
    routes = _int_query_routes(app)
    paths = {path for path, _keys in routes}
    assert {"/api/items", "/items", "/calendar", "/imports/{batch_id:int}"} & paths >= {"/api/items", "/items"}
    for path, keys in routes:
        for key in keys:
            for value in ("3000000000", "99999999999999999999", "-3000000000"):
                response = office.get(path, params={key: value})
                assert response.status_code == 400, (path, key, value, response.status_code, response.text[:200])
                if path.startswith("/api/"):
                    body = response.json()
                    assert body["error"] == "bad_request" and key in body["message"]
                else:
                    assert "<html" in response.text and key in response.text
    # inside the range the same lists answer
    assert office.get("/api/items", params={"page": "2147483647"}).status_code == 200
    assert office.get("/api/items", params={"page": "abc"}).json()["error"] == "bad_request"


def test_the_named_cases_of_the_issue(client, make_user, db_session):
    office = _office(client, make_user)
    for method, url in [
        ("GET", "/api/items/3000000000/handling"),
        ("GET", "/items/99999999999999999999"),
        ("GET", "/api/imports/3000000000"),
        ("GET", "/api/attachments/99999999999999999999"),
        ("POST", "/api/assignments/3000000000/return-reply"),
        ("POST", "/api/extension-requests/99999999999999999999/decision"),
    ]:
        assert office.request(method, url, json={"reason": "x", "approve": True}).status_code == 404, url
    assert office.get("/api/items?page=99999999999999999999").status_code == 400
    # numbers in bodies that no column can hold: 4xx, never 500
    merged = office.post("/api/items/1/merge", json={"into_item_id": 99999999999999999999, "reason": "x"})
    assert 400 <= merged.status_code < 500


def test_one_error_body_for_litestar_and_service_errors(client, make_user):
    anonymous = client.get("/api/review-queue")
    assert anonymous.status_code == 401
    assert anonymous.json() == {
        "error": "not_authenticated",
        "message": "请先登录。",
        "request_id": anonymous.headers["x-request-id"],
    }
    login(client, make_user("dept_handler", "jtw"))
    client.headers["X-CSRF-Token"] = client.csrf
    guarded = client.get("/api/review-queue")  # a route guard (PermissionDeniedException)
    assert guarded.status_code == 403 and guarded.json()["error"] == "forbidden"
    assert set(guarded.json()) == ERROR_KEYS and "PermissionDenied" not in guarded.text
    unknown = client.get("/api/no-such-thing")
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"
    assert unknown.json()["message"] == "没有这个页面或记录。"
    wrong_method = client.delete("/api/inbox")
    assert wrong_method.status_code == 405 and wrong_method.json()["error"] == "method_not_allowed"
    assert "GET" in wrong_method.headers["allow"]
    invalid = client.post("/api/assignments/1/reassignment-request", json={"reason": 5})
    assert invalid.status_code == 422
    body = invalid.json()
    assert body["error"] == "validation_failed" and body["problems"] == [{"field": "reason", "message": "应为文本"}]
    no_csrf = client.post("/api/assignments/1/sign-for", json={}, headers={"X-CSRF-Token": "wrong"})
    assert no_csrf.status_code == 403 and set(no_csrf.json()) == ERROR_KEYS
    # English users read English
    client.cookies.set("jianti_lang", "en")
    assert client.get("/api/no-such-thing").json()["message"] == "No such page or record."


def test_request_ids_are_per_request_and_a_proxys_id_is_kept(client):
    first, second = client.get("/api/nope"), client.get("/api/nope")
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    kept = client.get("/api/nope", headers={"X-Request-ID": "proxy-1234abcd"})
    assert kept.headers["x-request-id"] == "proxy-1234abcd" and kept.json()["request_id"] == "proxy-1234abcd"
    odd = client.get("/api/nope", headers={"X-Request-ID": "<script>"})
    assert odd.headers["x-request-id"] != "<script>"


def test_error_pages_are_readable_and_carry_the_request_id(client, make_user):
    login(client, make_user("dept_handler", "jtw"))
    page = client.get("/items/99999999999999999999")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "没有这个页面或记录。" in page.text and page.headers["x-request-id"] in page.text


def test_too_large_bodies_say_the_limit_in_the_users_language(client, make_user):
    office = _office(client, make_user)
    too_big = office.post("/api/items/1/close", content=b"{" + b" " * (11 * 1024 * 1024) + b"}")
    assert too_big.status_code == 413
    body = too_big.json()
    assert body["error"] == "too_large" and "10 MB" in body["message"] and "Request Entity" not in body["message"]
    page = office.post("/items/1/act", content=b"x" * (11 * 1024 * 1024))
    assert page.status_code in (403, 413)  # the CSRF check reads the form first


SECURITY = {
    "content-security-policy",
    "x-frame-options",
    "x-content-type-options",
    "referrer-policy",
    "x-request-id",
}


def test_security_headers_on_pages_api_errors_and_static_files(client, make_user):
    login(client, make_user("office_admin"))
    for url in ("/", "/login", "/api/me", "/api/nope", "/items/5", "/static/jianti.css", "/schema/openapi.json"):
        response = client.get(url)
        assert SECURITY <= set(response.headers), url
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "strict-transport-security" not in response.headers  # plain HTTP setting


def test_hsts_when_cookies_are_secure(clean_db):
    from dataclasses import replace

    from app.settings import get_settings, use_settings
    from app.web.app import create_app

    before = get_settings()
    try:
        app = create_app(replace(before, cookie_secure=True))
        with TestClient(app) as client:
            assert "max-age=" in client.get("/login").headers["strict-transport-security"]
    finally:
        use_settings(before)


def test_no_inline_script_or_style_in_templates():
    from app import PROJECT_ROOT

    for path in (PROJECT_ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert not re.search(r"\son[a-z]+=", text), path  # onclick= and friends
        assert "style=" not in text and "<style" not in text, path


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_one_charset_in_content_type(client, make_user, fmt):
    _office(client, make_user)
    response = client.get("/api/items/export", params={"format": fmt})
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].lower().count("charset") <= 1


def test_openapi_documents_one_error_schema_and_the_bounds(client):
    spec = client.get("/schema/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert schemas["Error"]["required"] == ["error", "message", "request_id"]
    assert "detail" not in schemas["Error"]["properties"] and not any(
        n.startswith("ValidationException") for n in schemas
    )
    operations = [
        (path, method, op)
        for path, ops in spec["paths"].items()
        if path.startswith("/api/")
        for method, op in ops.items()
    ]
    assert len(operations) > 60
    for path, method, op in operations:
        errors = {s: r for s, r in op["responses"].items() if int(s) >= 400}
        assert {"400", "401", "403", "404", "422", "500"} <= set(errors), (path, method)
        if method in ("post", "put"):
            assert {"409", "413"} <= set(errors), (path, method)
        for response in errors.values():
            assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
        for parameter in op.get("parameters", []):
            if parameter["in"] == "path" and parameter["schema"].get("type") == "integer":
                assert parameter["schema"]["maximum"] == 2**31 - 1 and parameter["schema"]["minimum"] == 1
    assert "'detail'" not in str(spec["components"])


def test_an_upload_that_only_starts_like_a_pdf_is_refused_with_a_clear_message(client, make_user, db_session):
    import base64

    from tests.workflow.factory import OFFICE, assigned_item
    from tests.workflow.samples import FAKE_PDF_BYTES

    assigned_item(db_session, OFFICE, [("jtw", "lead")])
    db_session.commit()
    login(client, make_user("dept_handler", "jtw"))
    client.headers["X-CSRF-Token"] = client.csrf
    assignment_id = client.get("/api/inbox").json()[0]["assignment"]["id"]
    assert client.post(f"/api/assignments/{assignment_id}/sign-for", json={}).status_code == 200
    refused = client.post(
        f"/api/assignments/{assignment_id}/communications",
        json={
            "method": "phone",
            "happened_at": "2026-03-01T10:00:00",
            "participants": "张建华代表",
            "files": [{"filename": "通话记录.pdf", "content_base64": base64.b64encode(FAKE_PDF_BYTES).decode()}],
        },
    )
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["problems"] == [
        {
            "field": "file 通话记录.pdf",
            "message": "通话记录.pdf 看起来是 PDF 文件，但其内容不是可读的 PDF，文件可能已损坏",
        }
    ]


def test_numbers_typed_into_forms_are_bounded_too(client, make_user):
    office = _office(client, make_user)
    for session_id in ("abc", "99999999999999999999", "-1"):
        response = office.post("/routing/run", data={"session_id": session_id, "_csrf": office.csrf})
        assert response.status_code == 404, (session_id, response.status_code)
    refused = office.post(
        "/routing/accept",
        data={"session_id": "1", "item_ids": ["99999999999999999999"], "_csrf": office.csrf},
        follow_redirects=False,
    )
    assert 400 <= refused.status_code < 500


def test_a_too_large_page_request_answers_a_readable_page(client, make_user):
    office = _office(client, make_user)  # the CSRF header: the check does not need to read the body
    page = office.post(
        "/items/1/act",
        content=b"action=x&" + b"0" * (11 * 1024 * 1024),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"},
    )
    assert page.status_code == 413 and "text/html" in page.headers["content-type"]
    assert "请求过大：此处最多接受 10 MB。" in page.text and "Request Entity" not in page.text


def test_an_oversized_multipart_body_names_the_limit():
    from litestar.exceptions import ClientException

    from app.web.errors import http_error_handler

    class FakeRequest:
        scope = {"headers": [], "jianti_locale": "en"}
        headers = {"content-type": "multipart/form-data; boundary=x"}

        class url:
            path = "/api/imports/preview"

    answer = http_error_handler(FakeRequest(), ClientException("Request Entity Too Large"))  # type: ignore[arg-type]
    assert answer.status_code == 413
    assert b"each file may be at most 20 MB" in answer.render(answer.content, "application/json")


def test_a_nul_in_a_session_label_is_refused_not_a_server_error(client, make_user):
    """PostgreSQL refuses NUL in text; the schema fuzz found it answering 500 (POST /api/sessions)."""
    office = _office(client, make_user)
    answer = office.post("/api/sessions/", json={"label": "市十六届\x00人大", "body": "npc", "year": 2027})
    assert answer.status_code == 422, answer.text
    assert [p["field"] for p in answer.json()["problems"]] == ["label"]
