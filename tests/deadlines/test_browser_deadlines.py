"""In a real browser: the office admin loads the 2027 schedule on the calendar page and sees the moved deadline."""

from __future__ import annotations

from datetime import date

import pytest

from app.db.engine import session_scope
from app.rules.profiles import load_profile
from app.services import deadlines as deadline_service
from app.services.actor import Actor
from tests.deadlines.factories import make_assignment
from tests.helpers import browser_login

pytestmark = pytest.mark.browser

SCHEDULE_2027 = 'year = 2027\n[[holiday]]\nname = "元旦"\nfrom = 2027-01-01\nto = 2027-01-03\n'


def test_calendar_page_loads_a_year_and_the_board_shows_the_move(page, make_user, clean_db):
    admin = make_user("office_admin")
    with session_scope(clean_db) as session:
        assignment = make_assignment(session, assigned_on=date(2026, 10, 1))  # reply due 2027-01-01 (fallback)
        deadline_service.record_assignment_deadlines(
            session, Actor.system(), assignment, profile=load_profile("beijing")
        )
        assignment_id = assignment.id
    browser_login(page, admin)
    page.goto(f"/deadlines/assignments/{assignment_id}")
    assert "日历未录入" in page.inner_text("tr[data-rule=reply]")
    page.goto("/calendar?year=2027")
    assert "无节假日安排，按周一至周五计算" in page.inner_text("[data-testid=year-2027]")
    page.fill("textarea[name=text]", SCHEDULE_2027)
    page.click("button:has-text('载入该年安排')")
    report = page.inner_text("[data-testid=recompute-report]")
    assert "2027年1月1日 → 2027年1月4日" in report
    page.goto(f"/deadlines/assignments/{assignment_id}")
    row = page.locator("tr[data-rule=reply]")
    assert "2027年1月4日" in row.inner_text() and "日历未录入" not in row.inner_text()
    row.locator("summary").click()
    assert "元旦" in row.locator(".deadline-explanation").inner_text()
    page.goto("/supervision")
    assert "因日历或规则变化而调整的期限" in page.content()
