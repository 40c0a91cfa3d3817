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


def test_inbox_queues_search_sort_and_page_in_the_browser(page, make_user, dataset):
    """A department handler: the overdue queue, a search, a sort, the pager and the back button."""
    browser_login(page, make_user("dept_handler", "cgw"))
    page.goto("/inbox")
    assert page.locator("[data-testid=nav-count]").inner_text() == "5"  # 3 to sign for + 2 overdue
    page.click("[data-testid=inbox-queues] a[data-queue=overdue]")
    page.wait_for_url("**queue=overdue**")
    rows = page.locator("[data-testid=inbox-row]")
    assert sorted(int(rows.nth(i).get_attribute("data-item")) for i in range(rows.count())) == sorted(
        [dataset.id("bridge"), dataset.id("parking")]
    )
    page.click("th[data-sort=due] a")  # already by due ascending: now descending
    page.wait_for_url("**dir=desc**")
    assert rows.first.get_attribute("data-item") == str(dataset.id("bridge"))
    page.go_back()
    page.wait_for_url(lambda url: "dir=desc" not in url)
    assert rows.first.get_attribute("data-item") == str(dataset.id("parking"))

    page.fill("[data-testid=inbox-filters] input[name=q]", "河道")
    page.click("[data-testid=inbox-filters] button[type=submit]")
    page.wait_for_url("**q=**")
    assert "queue=overdue" in page.url  # the queue survives a search
    assert page.locator("[data-testid=inbox-empty]").is_visible()  # 河道 is due in 2099: not overdue
    page.click("[data-testid=inbox-queues] a[data-queue=open]")
    page.wait_for_url(lambda url: "queue=" not in url)
    page.goto("/inbox?per_page=1&page=2")
    assert rows.count() == 1
    page.click("[data-testid=pager] a[data-rel=next]")
    page.wait_for_url("**page=3**")
    assert rows.count() == 1


def test_review_queue_tabs_and_search_in_the_browser(page, make_user, dataset, clean_db):
    from sqlalchemy import update

    from app.db.engine import session_scope
    from app.db.models import Assignment

    with session_scope(clean_db) as session:
        for key in ("bridge", "bus"):
            session.execute(
                update(Assignment)
                .where(Assignment.item_id == dataset.id(key), Assignment.role == "lead")
                .values(state="under_review")
            )
    browser_login(page, make_user("office_staff"))
    page.goto("/")
    page.click("[data-testid=office-queues] a[data-queue=replies]")
    page.wait_for_url("**/review")
    assert page.locator("[data-testid=review-row]").count() == 2
    page.fill("[data-testid=review-filters] input[name=q]", "公交")
    page.click("[data-testid=review-filters] button[type=submit]")
    page.wait_for_url("**q=**")
    assert page.locator("[data-testid=review-row]").first.get_attribute("data-item") == str(dataset.id("bus"))
    page.click("[data-testid=review-tabs] a[data-tab=feedback]")
    page.wait_for_url("**tab=feedback**")
    assert page.locator("[data-testid=review-row]").count() == 0
