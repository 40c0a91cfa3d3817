"""The office's review queue on the list mechanism: tabs with counts, search, sort and paging."""

from __future__ import annotations

import re

from sqlalchemy import select, update

from app.db.engine import session_scope
from app.db.models import Assignment, Item


def _listed(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'data-testid="review-row" data-item="(\d+)"', html)]


def _tab_count(html: str, tab: str) -> int:
    match = re.search(rf'data-tab="{tab}"[^>]*>[^<]*<small class="count">\((\d+)\)', html)
    assert match, tab
    return int(match.group(1))


def test_tabs_search_sort_and_page(login_as, dataset, clean_db):
    with session_scope(clean_db) as session:  # the states the queue shows (the workflow tests reach them for real)
        for key in ("bridge", "bus", "school"):
            session.execute(
                update(Assignment)
                .where(Assignment.item_id == dataset.id(key), Assignment.role == "lead")
                .values(state="under_review")
            )
        session.execute(update(Item).where(Item.id == dataset.id("parking")).values(state="replied"))
        assert session.scalar(select(Item.state).where(Item.id == dataset.id("parking"))) == "replied"
    client, _user = login_as("office_staff")
    page = client.get("/review").text
    assert _tab_count(page, "replies") == 3 and _tab_count(page, "feedback") == 1
    assert sorted(_listed(page)) == sorted(dataset.id(k) for k in ("bridge", "bus", "school"))
    by_title = _listed(client.get("/review", params={"sort": "title", "dir": "desc"}).text)
    assert len(by_title) == 3
    assert _listed(client.get("/review", params={"q": "公交"}).text) == [dataset.id("bus")]
    assert _listed(client.get("/review", params={"department": "jw"}).text) == [dataset.id("school")]
    second = client.get("/review", params={"per_page": 2, "page": 2}).text
    assert len(_listed(second)) == 1
    assert _listed(client.get("/review?tab=feedback").text) == [dataset.id("parking")]
    assert client.get("/review", params={"sort": "nonsense"}).status_code == 400


def test_departments_have_no_review_queue(login_as, dataset):
    client, _user = login_as("dept_handler", "jtw")
    assert client.get("/review").status_code == 403
