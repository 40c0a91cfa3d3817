"""The accounts list on the list mechanism: filters, sort, paging, the API's total; admins only."""

from __future__ import annotations

import re

import pytest


def _listed(html: str) -> list[str]:
    return re.findall(r'data-testid="user-row" data-user="([^"]+)"', html)


def test_accounts_filter_sort_and_page(login_as, make_user):
    for _ in range(3):
        make_user("dept_handler", "jtw")
    make_user("dept_leader", "jw")
    client, admin = login_as("office_admin")
    everyone = _listed(client.get("/admin/users").text)
    assert len(everyone) == 5 and everyone == sorted(everyone)
    handlers = _listed(client.get("/admin/users", params={"role": "dept_handler"}).text)
    assert len(handlers) == 3
    assert len(_listed(client.get("/admin/users", params={"department": "jw"}).text)) == 1
    by_role = _listed(client.get("/admin/users", params={"sort": "role", "dir": "desc"}).text)
    assert by_role[0] == admin.username and by_role[-1].startswith("dept_handler")  # by role code, descending
    assert _listed(client.get("/admin/users", params={"q": admin.username}).text) == [admin.username]
    api = client.get("/api/users", params={"per_page": 2, "page": 3})
    assert api.status_code == 200 and api.headers["x-total-count"] == "5" and len(api.json()) == 1
    assert client.get("/api/users", params={"sort": "password"}).status_code == 400
    # a NUL byte in a text filter: PostgreSQL's driver refuses it, so the list refuses it first (once a 500)
    for path, name in (("/api/users", "department"), ("/api/items", "q"), ("/api/users", "q")):
        refused = client.get(path, params={name: "jtw\x00"})
        assert refused.status_code == 400 and name in refused.text


def test_only_the_administrator_lists_accounts(login_as):
    client, _user = login_as("office_staff")
    assert client.get("/api/users").status_code == 403
    client, _user = login_as("dept_handler", "jtw")
    assert client.get("/api/users", params={"role": "office_admin"}).status_code == 403


@pytest.mark.browser
def test_accounts_list_in_the_browser(page, make_user):
    from tests.helpers import browser_login

    for _ in range(3):
        make_user("dept_handler", "jtw")
    browser_login(page, make_user("office_admin"))
    page.goto("/admin/users")
    page.select_option("[data-testid=user-filters] select[name=role]", "dept_handler")
    page.click("[data-testid=user-filters] button[type=submit]")
    page.wait_for_url("**role=dept_handler**")
    assert page.locator("[data-testid=user-row]").count() == 3
    page.click("th[data-sort=username] a")
    page.wait_for_url("**dir=desc**")
    names = [page.locator("[data-testid=user-row]").nth(i).get_attribute("data-user") for i in range(3)]
    assert names == sorted(names, reverse=True)
