"""The supervision board on the list mechanism: SQL sections with counts, a section paged, filters."""

from __future__ import annotations

import re
from datetime import date

from app.db.engine import session_scope
from app.rules.profiles import load_profile
from app.services import deadlines as deadline_service
from app.services.actor import Actor
from tests.deadlines.factories import make_assignment

DAY = "2027-03-01"  # every reply assigned 2026-07-01 (three months) is overdue by then


def _seed(clean_db, jtw: int = 5, jw: int = 2) -> None:
    with session_scope(clean_db) as session:
        parts = [make_assignment(session, "jtw", title=f"关于交通问题的建议{n}") for n in range(jtw)]
        parts += [make_assignment(session, "jw", title=f"关于学位问题的建议{n}") for n in range(jw)]
        for assignment in parts:
            deadline_service.record_assignment_deadlines(
                session, Actor.system(), assignment, profile=load_profile("beijing")
            )


def _rows(html: str, section: str) -> int:
    part = html.split(f'data-section="{section}"', 1)[1].split("</section>", 1)[0]
    return len(re.findall(r"<tr data-item=", part))


def test_each_section_counts_all_and_shows_its_first_rows_then_pages(login_as, clean_db):
    _seed(clean_db, jtw=23)
    client, _user = login_as("office_staff")
    page = client.get("/supervision", params={"day": DAY}).text
    assert 'data-testid="count-overdue">25<' in page
    assert _rows(page, "overdue") == 20 and 'data-testid="show-all-overdue"' in page
    second = client.get("/supervision", params={"day": DAY, "section": "overdue", "page": 2}).text
    assert _rows(second, "overdue") == 5 and 'data-section="due_this_week"' not in second
    assert 'data-testid="pager"' in second


def test_department_and_search_filters_narrow_every_section(login_as, clean_db):
    _seed(clean_db)
    client, _user = login_as("office_staff")
    only_jw = client.get("/supervision", params={"day": DAY, "department": "jw"}).text
    assert 'data-testid="count-overdue">2<' in only_jw and "关于交通问题" not in only_jw
    searched = client.get("/supervision", params={"day": DAY, "q": "交通问题的建议3"}).text
    assert 'data-testid="count-overdue">1<' in searched
    by_item = client.get("/supervision", params={"day": DAY, "sort": "item", "dir": "desc"})
    assert by_item.status_code == 200
    assert client.get("/supervision", params={"day": DAY, "section": "all"}).status_code == 400


def test_the_board_api_and_page_agree_on_the_counts(login_as, clean_db):
    _seed(clean_db)
    client, _user = login_as("office_staff")
    page = client.get("/supervision", params={"day": DAY}).text
    board = client.get("/api/supervision/board", params={"day": DAY}).json()
    for name, rows in board["sections"].items():
        assert f'data-testid="count-{name}">{len(rows)}<' in page, name
    assert date.fromisoformat(board["today"]) == date(2027, 3, 1)
