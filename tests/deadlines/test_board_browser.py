"""The supervision board in Chromium: a section's 'show all', its pager, a department filter."""

from __future__ import annotations

import pytest

from tests.deadlines.test_board_list import DAY, _seed
from tests.helpers import browser_login

pytestmark = pytest.mark.browser


def test_board_section_paging_and_filter_in_the_browser(page, make_user, clean_db):
    _seed(clean_db, jtw=23)
    browser_login(page, make_user("office_staff"))
    page.goto(f"/supervision?day={DAY}")
    assert page.locator("[data-testid=count-overdue]").inner_text() == "25"
    page.click("[data-testid=show-all-overdue]")
    page.wait_for_url("**section=overdue**")
    assert page.locator("section[data-section=overdue] tr[data-item]").count() == 20
    page.click("section[data-section=overdue] [data-testid=pager] a[data-rel=next]")
    page.wait_for_url("**page=2**")
    assert page.locator("section[data-section=overdue] tr[data-item]").count() == 5
    page.select_option("[data-testid=board-filters] select[name=department]", "jw")
    page.click("[data-testid=board-filters] button[type=submit]")
    page.wait_for_url("**department=jw**")
    assert "section=overdue" in page.url  # the section survives a new filter
    assert page.locator("section[data-section=overdue] tr[data-item]").count() == 2
