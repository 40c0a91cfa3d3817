"""After a wrong password the login form carries a fresh CSRF token, and the retry logs in."""

from __future__ import annotations

from tests.helpers import csrf_from


def test_retry_after_a_wrong_password_succeeds(client, make_user):
    user = make_user("dept_handler", "jtw")
    first = csrf_from(client.get("/login").text)
    wrong = client.post(
        "/login",
        data={"username": user.username, "password": "typo", "_csrf": first, "next": "/"},
        follow_redirects=False,
    )
    assert wrong.status_code == 401
    assert "用户名或密码错误" in wrong.text
    token = csrf_from(wrong.text)
    assert token, "the returned form has an empty _csrf"
    assert f'value="{user.username}"' in wrong.text  # the user name is kept
    retry = client.post(
        "/login",
        data={"username": user.username, "password": user.password, "_csrf": token, "next": "/inbox"},
        follow_redirects=False,
    )
    assert retry.status_code == 302, retry.text[:300]
    assert retry.headers["location"] == "/inbox"
    assert client.get("/").status_code == 200


def test_the_retry_token_is_checked(client, make_user):
    user = make_user("dept_handler", "jtw")
    first = csrf_from(client.get("/login").text)
    client.post("/login", data={"username": user.username, "password": "typo", "_csrf": first})
    forged = client.post("/login", data={"username": user.username, "password": user.password, "_csrf": "forged"})
    assert forged.status_code == 403
