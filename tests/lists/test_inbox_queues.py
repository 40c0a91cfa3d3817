"""The department's inbox on the list mechanism: queues with counts, filters, sort, paging, the
navigation badge, and a department never seeing another's assignments whatever the filter."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.db.engine import session_scope
from app.db.models import Assignment, Department
from app.services.workflow import actions
from tests.lists.conftest import ROWS


def _listed(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'data-testid="inbox-row" data-item="(\d+)"', html)]


def _ids(dataset, *keys: str) -> list[int]:
    return [dataset.id(k) for k in keys]


def _count(html: str, queue: str) -> int:
    match = re.search(rf'data-queue="{queue}"[^>]*>[^<]*<small class="count[^"]*">\((\d+)\)', html)
    assert match, f"no {queue} tab"
    return int(match.group(1))


def test_queues_count_and_filter_the_departments_own_work(login_as, dataset):
    client, _user = login_as("dept_handler", "cgw")
    page = client.get("/inbox").text
    # 市城管委: co on 0001 (opinion due weeks after 2026-03-02: passed), lead on 0002 (reply due 2020:
    # passed), split on 0005 (due 2099); nothing signed for yet
    assert sorted(_listed(page)) == sorted(_ids(dataset, "bridge", "parking", "split"))
    assert _count(page, "to_sign") == 3 and _count(page, "overdue") == 2 and _count(page, "returned") == 0
    assert 'data-queue="to_sign_off"' not in page  # the unit head's queue only
    assert sorted(_listed(client.get("/inbox?queue=overdue").text)) == sorted(_ids(dataset, "bridge", "parking"))
    assert _listed(client.get("/inbox", params={"q": "停车"}).text) == _ids(dataset, "parking")
    assert _listed(client.get("/inbox", params={"role": "split"}).text) == _ids(dataset, "split")
    by_due = _listed(client.get("/inbox", params={"sort": "due", "role": "lead"}).text)
    assert by_due == _ids(dataset, "parking")
    badge = re.search(r'data-testid="nav-count"[^>]*>(\d+)<', page)
    assert badge and int(badge.group(1)) == 3 + 2  # to sign for + overdue


def test_signing_for_moves_an_assignment_between_queues(login_as, dataset, clean_db):
    client, user = login_as("dept_handler", "jtw")
    before = client.get("/inbox").text
    assert _count(before, "to_sign") == 4 and _count(before, "in_hand") == 4
    with session_scope(clean_db) as session:
        jtw = session.scalar(select(Department.id).where(Department.code == "jtw"))
        part = session.scalar(
            select(Assignment).where(Assignment.item_id == dataset.id("bus"), Assignment.department_id == jtw)
        )
        actions.sign_for(session, user.actor, part.id, expected_version=part.version)
    after = client.get("/inbox").text
    assert _count(after, "to_sign") == 3 and _count(after, "in_hand") == 4
    assert _listed(client.get("/inbox?queue=to_sign").text).count(dataset.id("bus")) == 0


def test_the_unit_head_has_a_sign_off_queue(login_as, dataset):
    client, _user = login_as("dept_leader", "jtw")
    page = client.get("/inbox").text
    assert _count(page, "to_sign_off") == 0
    assert client.get("/inbox?queue=to_sign_off").status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "停车"},
        {"queue": "overdue"},
        {"queue": "to_sign"},
        {"finished": "1"},
        {"state": "pending_signature"},
        {"role": "lead"},
        {"key": "1"},
        {"sort": "title", "dir": "desc"},
    ],
)
def test_a_department_never_sees_anothers_assignments_through_the_inbox(login_as, dataset, params):
    client, _user = login_as("dept_handler", "jw")  # 市教委: lead on 0003 only
    page = client.get("/inbox", params=params)
    assert page.status_code == 200
    assert set(_listed(page.text)) <= {dataset.id("school")}
    for row in ROWS:
        if row.key != "school":
            assert row.title not in page.text


def test_a_bad_inbox_parameter_is_a_400_naming_it(login_as, dataset):
    client, _user = login_as("dept_handler", "jtw")
    response = client.get("/inbox?queue=everything")
    assert response.status_code == 400 and "queue" in response.text


def test_the_office_home_lists_its_queues_with_links(login_as, dataset):
    client, _user = login_as("office_staff")
    page = client.get("/").text
    assert 'data-testid="office-queues"' in page
    overdue = re.search(r'data-queue="overdue" href="([^"]+)"[^>]*>.*?<span class="count">(\d+)</span>', page, re.S)
    assert overdue and overdue.group(1) == "/items?overdue=1" and int(overdue.group(2)) == 1


def test_the_inbox_api_takes_the_same_parameters_and_says_the_total(login_as, dataset):
    client, _user = login_as("dept_handler", "cgw")
    overdue = client.get("/api/inbox", params={"queue": "overdue", "sort": "-due"})
    assert overdue.status_code == 200 and overdue.headers["x-total-count"] == "2"
    assert [r["item_number"] for r in overdue.json()] == ["0001", "0002"]  # latest deadline first: 2026 co, 2020 lead
    one = client.get("/api/inbox", params={"per_page": 1, "page": 2})
    assert len(one.json()) == 1 and one.headers["x-total-count"] == "3"
    bad = client.get("/api/inbox", params={"queue": "nope"})
    assert bad.status_code == 400 and bad.json()["error"] == "bad_request"
    other, _ = login_as("dept_handler", "jw")
    assert {r["item_number"] for r in other.get("/api/inbox", params={"q": "停车", "finished": "1"}).json()} == set()
