"""The statistics page in headless Chromium: filter, charts drawn, workbook downloaded."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.db.engine import session_scope
from app.demo.stats_writer import seed_facts
from tests.helpers import browser_login
from tests.stats import known_dataset as K

pytestmark = pytest.mark.browser


def test_statistics_page_filters_draws_and_downloads(page, make_user, clean_db):
    with session_scope(clean_db) as session:
        seed_facts(session, K.build_items())
    browser_login(page, make_user("office_staff"))
    page.goto("/stats?year=2026")
    assert page.locator("h1").inner_text() == "年度统计与考核"
    assert page.locator("figure.chart svg").count() == 5
    page.select_option("select[name=kind]", "cppcc")
    page.click("button:has-text('查询')")
    page.wait_for_url("**kind=cppcc**")
    assert page.locator("figure.chart svg").count() == 4
    assert "政协提案" in page.locator("[data-testid=stats-summary] thead").inner_text()
    with page.expect_download() as info:
        page.click("[data-testid=stats-download]")
    data = open(info.value.path(), "rb").read()
    wb = load_workbook(BytesIO(data))
    assert wb["汇总"]["B5"].value == 3
