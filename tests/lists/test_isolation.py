"""A department never widens its scope through a list filter: /items, /api/items, export, overview."""

from __future__ import annotations

import json

import pytest

from tests.lists.conftest import numbers

# 市教委 (jw) has parts only on 0003 (lead); 市交通委 on 0001, 0003, 0004, 0005
OWN = {"jw": ["0003"], "jtw": ["0001", "0003", "0004", "0005"]}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"lead": "jtw"},
        {"lead": "cgw"},
        {"co": "cgw"},
        {"split": "cgw"},
        {"department": "cgw"},
        {"q": "停车"},
        {"submitter": "钱玉兰"},
        {"overdue": "1"},
        {"key": "1"},
        {"state": ["registered", "assigned"]},
        {"category": "cxjs"},
        {"due_to": "2100-01-01"},
        {"delegation": "海淀"},
        {"sort": "lead"},
    ],
)
def test_department_sees_only_its_own_items_whatever_the_filter(login_as, dataset, params):
    client, _user = login_as("dept_handler", "jw")
    listed = client.get("/api/items", params={**params, "per_page": 200}).json()
    assert set(numbers(listed)) <= set(OWN["jw"]) and listed["total"] == len(numbers(listed))
    page = client.get("/items", params=params).text
    for other in ("0001", "0002", "0004", "0005", "0006", "0007"):
        assert f">{other}</a>" not in page
    exported = client.get("/items/export", params={**params, "format": "json", "all_matching": "1"})
    assert {r["number"] for r in json.loads(exported.content)} <= set(OWN["jw"])


def test_selected_ids_of_other_departments_are_not_exported(login_as, dataset):
    client, _user = login_as("dept_handler", "jw")
    others = [dataset.id(k) for k in ("bridge", "parking", "bus", "fresh")]
    exported = client.get("/api/items/export", params={"format": "json", "selected": others})
    assert exported.json() == []
    assert client.get("/api/items", params={"ids": others}).json()["total"] == 0


def test_another_departments_code_as_lead_narrows_to_shared_items(login_as, dataset):
    client, _user = login_as("dept_handler", "jtw")
    assert numbers(client.get("/api/items").json()) == OWN["jtw"]
    # jtw is co-handler of 0003 (lead jw): asking for jw's lead items shows only that shared one
    assert numbers(client.get("/api/items", params={"lead": "jw"}).json()) == ["0003"]
    assert numbers(client.get("/api/items", params={"lead": "cgw"}).json()) == []


def test_overview_is_not_open_to_departments(login_as, dataset):
    client, _user = login_as("dept_handler", "jw")
    assert client.get("/overview", params={"lead": "jtw"}).status_code == 403
