"""Login, logout, CSRF, throttling, role guards and Bearer tokens through the real HTTP stack."""

from __future__ import annotations

from sqlalchemy import func, select

from app.db.engine import session_scope
from app.db.models import User
from app.services import accounts
from app.services.actor import Actor
from tests.helpers import csrf_from, login


def test_pages_need_a_login_and_the_api_answers_401(client):
    response = client.get("/admin/users", follow_redirects=False)
    assert response.status_code in (302, 303) and response.headers["location"].startswith("/login?next=/admin/users")
    assert client.get("/api/me").status_code == 401


def test_login_and_logout(client, make_user):
    user = make_user("office_admin")
    login(client, user)
    me = client.get("/api/me").json()
    assert me["username"] == user.username and me["role"] == "office_admin"
    response = client.post("/logout", data={"_csrf": client.csrf}, follow_redirects=False)
    assert response.status_code in (302, 303)
    assert client.get("/api/me").status_code == 401


def test_wrong_password_gets_a_generic_error(client, make_user):
    user = make_user("office_staff")
    token = csrf_from(client.get("/login").text)
    response = client.post("/login", data={"username": user.username, "password": "nope", "_csrf": token})
    assert response.status_code == 401
    assert "用户名或密码错误" in response.text
    response = client.post("/login", data={"username": "ghost", "password": "nope", "_csrf": token})
    assert response.status_code == 401 and "用户名或密码错误" in response.text


def test_login_is_throttled_after_repeated_failures(client, make_user, clean_db):
    user = make_user("office_staff")
    token = csrf_from(client.get("/login").text)
    for _ in range(5):
        client.post("/login", data={"username": user.username, "password": "nope", "_csrf": token})
    response = client.post("/login", data={"username": user.username, "password": user.password, "_csrf": token})
    # locked: refused with the same message as a wrong password, so the lock does not reveal the account
    assert response.status_code == 401 and "用户名或密码错误" in response.text
    assert client.get("/api/me").status_code == 401


def test_login_form_without_csrf_is_refused(client, make_user):
    user = make_user("office_staff")
    client.get("/login")
    response = client.post("/login", data={"username": user.username, "password": user.password})
    assert response.status_code == 403
    assert client.get("/api/me").status_code == 401


def test_missing_or_wrong_csrf_is_403_and_changes_nothing(client, make_user, clean_db):
    admin = make_user("office_admin")
    login(client, admin)
    form = {"username": "newbie", "password": "long-enough-1", "role": "office_staff"}
    assert client.post("/admin/users", data=form).status_code == 403
    assert client.post("/admin/users", data=form | {"_csrf": "forged"}).status_code == 403
    assert client.post("/api/users", json=form).status_code == 403
    with session_scope(clean_db) as session:
        assert session.scalar(select(func.count(User.id)).where(User.username == "newbie")) == 0
    response = client.post("/admin/users", data=form | {"_csrf": client.csrf}, follow_redirects=False)
    assert response.status_code in (302, 303)
    response = client.post("/api/users", json=form | {"username": "newbie2"}, headers={"X-CSRF-Token": client.csrf})
    assert response.status_code == 201, response.text


def test_department_handler_gets_403_on_office_pages_and_api(login_as):
    client, _user = login_as("dept_handler", "jtw")
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/departments").status_code == 403
    assert client.get("/api/users").status_code == 403
    response = client.post(
        "/api/users",
        json={"username": "x", "password": "long-enough-1", "role": "office_admin"},
        headers={"X-CSRF-Token": client.csrf},
    )
    assert response.status_code == 403
    assert client.get("/api/departments").status_code == 200


def test_office_staff_is_not_an_administrator(login_as):
    client, _user = login_as("office_staff")
    assert client.get("/admin/departments").status_code == 200
    assert client.get("/admin/users").status_code == 403


def test_bearer_token_works_without_csrf(client, make_user, clean_db):
    make_user("office_admin", username="robot")
    with session_scope(clean_db) as session:
        token = accounts.issue_token(session, Actor.system(), "robot")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/me", headers=headers).json()["username"] == "robot"
    response = client.post(
        "/api/users",
        headers=headers,
        json={"username": "made_by_robot", "password": "long-enough-1", "role": "office_staff"},
    )
    assert response.status_code == 201
    assert client.get("/api/me", headers={"Authorization": "Bearer jt_wrong"}).status_code == 401


def test_create_user_through_the_page_reports_problems(login_as):
    client, _ = login_as("office_admin")
    response = client.post(
        "/admin/users",
        data={"username": "z", "password": "short", "role": "dept_handler", "department": "", "_csrf": client.csrf},
    )
    assert response.status_code == 422
    assert "密码至少需要 8 个字符" in response.text and "承办单位角色必须指定单位" in response.text


def test_language_switch(client, make_user):
    login(client, make_user("office_admin"))
    assert "退出" in client.get("/").text
    client.get("/lang/en?next=/", follow_redirects=False)
    page = client.get("/").text
    assert "Log out" in page and "Items by state" in page and "Registered" in page


def test_open_redirect_after_login_is_refused(client, make_user):
    user = make_user("office_staff")
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": user.username, "password": user.password, "_csrf": token, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_creating_an_account_lands_on_the_account_list(login_as):
    client, _ = login_as("office_admin")
    form = {"username": "new&x=1", "password": "long-enough-1", "role": "office_staff", "_csrf": client.csrf}
    response = client.post("/admin/users", data=form)
    assert response.status_code == 200 and "账号 new&amp;x=1 已创建" in response.text
    response = client.post("/admin/departments/sync", data={"_csrf": client.csrf})
    assert response.status_code == 200 and "无需修改" in response.text


def test_odd_cookies_of_other_apps_do_not_log_the_user_out(login_as):
    client, _ = login_as("office_staff")
    session_cookie = client.cookies.get("jianti_session")
    for other in ("other=a b", 'other={"a":1}'):
        headers = {"Cookie": f"{other}; jianti_session={session_cookie}"}
        client.cookies.clear()
        assert client.get("/api/me", headers=headers).status_code == 200


def test_non_ascii_csrf_token_is_a_403_not_a_crash(login_as):
    client, _ = login_as("office_staff")
    assert client.post("/logout", data={"_csrf": "é"}).status_code == 403


def test_every_unsafe_handler_is_csrf_checked(app):
    from app.web.csrf import enforce_csrf

    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if handler.http_methods & {"POST", "PUT", "PATCH", "DELETE"}:
                assert handler.resolve_before_request() is enforce_csrf, route.path


def test_cookies_are_secure_when_configured(app, make_user, monkeypatch):
    import dataclasses

    from litestar.testing import TestClient

    from app import settings as settings_module

    secure = dataclasses.replace(settings_module.get_settings(), cookie_secure=True)
    monkeypatch.setattr(settings_module, "_current", secure)
    user = make_user("office_staff")
    with TestClient(app, base_url="https://testserver.local") as client:
        login_page = client.get("/login")
        assert all("secure" in c.lower() for c in login_page.headers.get_list("set-cookie"))
        response = client.post(
            "/login",
            follow_redirects=False,
            data={"username": user.username, "password": user.password, "_csrf": csrf_from(login_page.text)},
        )
        assert response.status_code == 302, response.text[:300]
        cookies = [c.lower() for c in response.headers.get_list("set-cookie")]
        assert cookies and all("secure" in c for c in cookies), cookies
