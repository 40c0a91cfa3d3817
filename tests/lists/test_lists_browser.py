"""The item list in headless Chromium: filter, sort, page, back button, select all N matching, export."""

from __future__ import annotations

import json

import pytest

from tests.helpers import browser_login

pytestmark = pytest.mark.browser


def test_filter_sort_page_and_export_all_matching(page, make_user, dataset):
    browser_login(page, make_user("office_staff"))
    page.goto("/items?per_page=20")
    page.select_option("[data-testid=item-filters] select[name=category]", "cxjs")
    page.click("[data-testid=item-filters] button[type=submit]")
    page.wait_for_url("**/items?*category=cxjs*")
    assert page.inner_text("[data-testid=items-total]") == "4"
    assert "per_page=20" in page.url  # the page size survives a new filter

    page.click("th[data-sort=due] a")
    page.wait_for_url("**sort=due**")
    first = page.locator("[data-testid=items] tbody tr").first.get_attribute("data-item")
    assert first == str(dataset.id("parking"))  # the overdue one comes first
    page.click("th[data-sort=due] a")
    page.wait_for_url("**dir=desc**")
    assert page.locator("[data-testid=items] tbody tr").first.get_attribute("data-item") == str(dataset.id("bus"))
    page.go_back()
    page.wait_for_url(lambda url: "dir=desc" not in url)
    assert page.locator("[data-testid=items] tbody tr").first.get_attribute("data-item") == str(dataset.id("parking"))

    page.goto("/items?category=cxjs&per_page=20")
    # a page of 20 shows all four: the "all matching" offer appears only with more rows than shown
    page.check("[data-testid=bulk-bar] input[data-select-all]")
    assert page.locator("[data-testid=select-matching]").is_hidden()

    page.goto("/items?category=cxjs&per_page=2")
    page.click("[data-testid=pager] a[data-rel=next]")
    page.wait_for_url("**page=2**")
    assert page.locator("[data-testid=items] tbody tr").count() == 2
    page.check("[data-testid=bulk-bar] input[data-select-all]")
    page.wait_for_selector("[data-testid=select-matching]:not([hidden])")
    page.check("[data-testid=select-matching] input")
    page.select_option("[data-testid=bulk-bar] select[name=format]", "json")
    with page.expect_download() as download:
        page.click("[data-testid=bulk-export]")
    exported = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert sorted(r["number"] for r in exported) == ["0001", "0002", "0004", "0005"]
