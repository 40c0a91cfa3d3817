"""The application as a whole: health, OpenAPI, static files served locally, handler wiring."""

from __future__ import annotations

import re

from litestar.utils.sync import AsyncCallable


def test_health(client):
    assert client.get("/health").json() == {"status": "ok", "database": "ok", "migrations": "current"}


def test_openapi_lists_the_api(client):
    spec = client.get("/schema/openapi.json").json()
    assert spec["info"]["title"].startswith("Jianti")
    assert {"/api/me", "/api/users", "/api/departments", "/health"} <= set(spec["paths"])


def test_schema_page_and_layout_load_nothing_from_other_hosts(client, make_user):
    from tests.helpers import login

    schema = client.get("/schema").text
    login(client, make_user("office_admin"))
    pages = [schema, client.get("/").text, client.get("/admin/users").text, client.get("/login").text]
    for html in pages:
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "external asset"
    assert client.get("/static/jianti.css").status_code == 200


def test_no_handler_is_wrapped_twice(app):
    """litestar 2.25 wraps standalone sync handlers sharing a path twice (they then answer 500)."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            fn = handler.fn
            assert not (isinstance(fn, AsyncCallable) and isinstance(getattr(fn, "func", None), AsyncCallable)), (
                f"{route.path} {handler.http_methods}: use a Controller"
            )


def test_every_page_of_the_shell_renders_for_each_role(client, make_user):
    from tests.helpers import login

    for role, dept in [
        ("office_admin", None),
        ("office_staff", None),
        ("dept_handler", "jtw"),
        ("dept_leader", "jtw"),
        ("leader_readonly", None),
    ]:
        client.cookies.clear()
        login(client, make_user(role, dept))
        assert client.get("/").status_code == 200
