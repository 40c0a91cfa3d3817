"""Routing in a real browser: review the proposals, read why, override with a reason, assign."""

from __future__ import annotations

import pytest

from app.db.engine import session_scope
from tests.helpers import browser_login
from tests.routing.services.factories import make_session

pytestmark = pytest.mark.browser


def test_review_override_and_assign(page, make_user, clean_db):
    user = make_user("office_staff")
    with session_scope(clean_db) as session:
        congress, items = make_session(session)
        session_id, parking_id = congress.id, items[0].id
    browser_login(page, user)

    page.goto(f"/routing?session={session_id}")
    page.click("[data-testid=route]")
    row = page.locator("tr[data-item='0001']")
    assert "市交通委" in row.inner_text()
    assert "待审核" in row.inner_text()
    row.locator("summary").click()  # the explanation is one click away
    assert "标题含“停车”" in row.locator("details").inner_text()

    row.locator("a").click()
    page.wait_for_url(f"**/routing/items/{parking_id}")
    form = page.locator("[data-testid=override-form]")
    form.locator("select[name=lead]").select_option("gaj")
    form.locator("select[name=co]").select_option(["jtw", "sjs"])
    form.locator("textarea[name=reason]").fill("以整治违法停车为主，由市公安局牵头")
    form.locator("[data-testid=override]").click()
    page.wait_for_selector(".alert.ok")
    assert page.locator("[data-testid=status]").inner_text() == "已改派"
    choice = page.locator("[data-testid=choice]").inner_text()
    assert "主办 市公安局" in choice and "以整治违法停车为主" in choice

    page.click("[data-testid=assign]")
    page.wait_for_selector(".alert.ok")
    assert page.locator("[data-testid=status]").inner_text() == "已交办"
    assert page.locator("[data-testid=history] [data-action=routing_override]").count() == 1

    page.goto(f"/routing?session={session_id}")
    page.check("input[name=item_ids][aria-label='0002']")
    page.click("[data-testid=bulk-accept]")
    page.wait_for_selector(".alert.ok")
    assert "已确认" in page.locator("tr[data-item='0002']").inner_text()
