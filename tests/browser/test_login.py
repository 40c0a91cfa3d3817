"""Logging in through the real page in headless Chromium."""

from __future__ import annotations

import pytest

from tests.helpers import browser_login

pytestmark = pytest.mark.browser


def test_login_in_a_real_browser(page, make_user):
    user = make_user("dept_handler", "jtw")
    page.goto("/")
    assert "/login" in page.url
    assert page.locator("h1").inner_text() == "登录"
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.locator(".alert.error").inner_text()
    browser_login(page, user)
    assert "承办单位经办人" in page.locator("[data-testid=current-user]").inner_text()
    page.click("text=English")
    assert page.locator("h1").inner_text().startswith("Welcome")
    page.click("button:has-text('Log out')")
    page.wait_for_url("**/login")


def test_office_page_is_refused_to_a_department_user(page, make_user):
    browser_login(page, make_user("dept_handler", "jtw"))
    response = page.goto("/admin/users")
    assert response.status == 403
    assert "无权" in page.content()
