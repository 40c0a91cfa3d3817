"""/items and /api/items on the list mechanism: every filter, every sort, paging, links, export."""

from __future__ import annotations

import html
import json
import re

import pytest

from tests.lists.conftest import ROWS, numbers


@pytest.fixture
def office(login_as, dataset):
    client, _user = login_as("office_staff")
    return client


def api(client, **params):
    response = client.get("/api/items", params=params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["0001", "0002", "0003", "0004", "0005", "0006", "0007"]),
        ({"category": "cxjs"}, ["0001", "0002", "0004", "0005"]),  # first level includes its subs
        ({"category": "cxjs.jt"}, ["0001", "0004"]),
        ({"state": "registered"}, ["0006", "0007"]),
        ({"state": ["registered", "assigned"]}, ["0001", "0002", "0003", "0004", "0005", "0006", "0007"]),
        ({"lead": "jtw"}, ["0001", "0004"]),
        ({"co": "jtw"}, ["0003"]),
        ({"split": "cgw"}, ["0005"]),
        ({"department": "jtw"}, ["0001", "0003", "0004", "0005"]),
        ({"due_from": "2099-02-01"}, ["0001", "0004", "0005"]),
        ({"due_to": "2099-02-01"}, ["0002", "0003"]),
        ({"due_from": "2099-01-01", "due_to": "2099-03-31"}, ["0001", "0003"]),
        ({"overdue": "1"}, ["0002"]),
        ({"key": "1"}, ["0001", "0004"]),
        ({"delegation": "朝阳"}, ["0001", "0004"]),
        ({"submitter": "张建华"}, ["0001", "0006"]),  # lead submitter of one, co-signer of the other
        ({"q": "停车"}, ["0002", "0004"]),  # title of one, content of the other
        ({"q": "王芳"}, ["0003"]),  # a co-signer
        ({"q": "0005"}, ["0005"]),  # the number
        ({"q": "100%"}, ["0007"]),  # % taken literally
        ({"q": "率_"}, ["0007"]),
        ({"q": "%"}, ["0007"]),
        ({"kind": "cppcc_proposal"}, []),
        ({"lead": "nosuch"}, []),
        ({"lead": "jtw", "key": "1", "q": "公交"}, ["0004"]),
    ],
)
def test_filters(office, params, expected):
    body = api(office, **params)
    assert numbers(body) == expected and body["total"] == len(expected)


def test_session_and_ids_filters(office, dataset):
    assert api(office, session=dataset.session_id)["total"] == len(ROWS)
    chosen = api(office, ids=[dataset.id("bus"), dataset.id("split")])
    assert numbers(chosen) == ["0004", "0005"]


@pytest.mark.parametrize(
    ("sort", "ascending"),
    [
        ("number", ["0001", "0002", "0003", "0004", "0005", "0006", "0007"]),
        ("due", ["0002", "0003", "0001", "0005", "0004", "0006", "0007"]),  # no deadline: last
        ("key", ["0002", "0003", "0005", "0006", "0007", "0001", "0004"]),
        ("category", ["0001", "0004", "0005", "0002", "0003", "0006", "0007"]),
    ],
)
def test_sorts_with_a_stable_tiebreak(office, sort, ascending):
    assert numbers(api(office, sort=sort)) == ascending
    descending = numbers(api(office, sort=sort, dir="desc"))
    with_values = [n for n in ascending if n not in ("0006", "0007")] if sort == "due" else ascending
    if sort == "due":
        assert descending[: len(with_values)] == list(reversed(with_values))  # nulls stay last
    elif sort != "category":
        assert descending == list(reversed(ascending))


@pytest.mark.parametrize("sort", ["title", "lead", "state", "session", "submitter"])
def test_every_column_sorts(office, sort):
    first = numbers(api(office, sort=sort))
    assert sorted(first) == sorted(r.number for r in ROWS)
    assert api(office, sort=f"-{sort}")["dir"] == "desc"


def test_lead_department_and_due_date_are_shown(office, dataset):
    rows = {i["number"]: i for i in api(office)["items"]}
    assert rows["0001"]["lead_department"] == "jtw" and rows["0001"]["due_on"] == "2099-03-01"
    assert rows["0002"]["overdue"] is True and rows["0001"]["overdue"] is False
    assert rows["0005"]["lead_department"] is None and rows["0005"]["due_on"] == "2099-05-05"
    assert rows["0006"]["due_on"] is None


def test_paging_bounds(office):
    first = api(office, per_page=3)
    assert (first["total"], first["pages"], numbers(first)) == (7, 3, ["0001", "0002", "0003"])
    assert numbers(api(office, per_page=3, page=3)) == ["0007"]
    beyond = api(office, per_page=3, page=4)
    assert beyond["items"] == [] and beyond["total"] == 7
    assert api(office, page=2147483647)["items"] == []
    for params in ({"page": 0}, {"page": -1}, {"per_page": 201}, {"page": 2**31}, {"sort": "colour"}, {"dir": "up"}):
        refused = office.get("/api/items", params=params)
        assert refused.status_code == 400, (params, refused.text)
        body = refused.json()
        assert body["error"] == "bad_request" and next(iter(params)) in body["message"]
    assert office.get("/items?per_page=500").status_code == 400


def test_page_links_keep_the_whole_state(office):
    page = office.get("/items", params={"lead": "jtw", "sort": "due", "dir": "desc", "per_page": 1}).text
    assert 'data-testid="items-total">2<' in page and "共 2 条" in page
    hrefs = [html.unescape(h) for h in re.findall(r'href="(/items\?[^"]*)"', page)]
    nxt = next(h for h in hrefs if "page=2" in h)
    assert "lead=jtw" in nxt and "sort=due" in nxt and "dir=desc" in nxt and "per_page=1" in nxt
    second = office.get(nxt).text
    assert "0001" in second and "/items/" in second  # rows link to the item page
    # the sort header of the active column toggles the direction
    header = re.search(r'data-sort="due"><a class="sort active" href="([^"]+)"', page)
    assert header and "dir=desc" not in html.unescape(header.group(1)) and "lead=jtw" in html.unescape(header.group(1))


def test_rows_link_to_the_item_and_show_lead_and_due(office, dataset):
    page = office.get("/items").text
    assert f'href="/items/{dataset.id("bridge")}"' in page
    assert "市交通委" in page or "交通委" in page
    assert "2099" in page


def test_export_of_a_selection_and_of_all_matching(office, dataset):
    picked = office.get(
        "/items/export", params={"format": "json", "lead": "jtw", "selected": [dataset.id("bus"), dataset.id("school")]}
    )
    assert picked.status_code == 200
    assert [r["number"] for r in json.loads(picked.content)] == ["0004"]  # the selection never leaves the filter
    everything = office.get(
        "/items/export",
        params={"format": "json", "lead": "jtw", "all_matching": "1", "selected": [dataset.id("bus")]},
    )
    assert sorted(r["number"] for r in json.loads(everything.content)) == ["0001", "0004"]
    api_export = office.get("/api/items/export", params={"format": "json", "q": "停车"})
    assert sorted(r["number"] for r in api_export.json()) == ["0002", "0004"]


def test_bulk_bar_is_above_the_table(office):
    page = office.get("/items").text
    assert page.index('data-testid="bulk-bar"') < page.index('data-testid="items"')
    assert "全部 7 条" in page or "7" in page


def test_openapi_documents_the_list_parameters(office):
    schema = office.get("/schema/openapi.json").json()
    names = {p["name"] for p in schema["paths"]["/api/items"]["get"]["parameters"]}
    expected = {"session", "kind", "category", "state", "lead", "co", "split", "due_from", "due_to", "overdue"}
    assert expected | {"key", "delegation", "submitter", "q", "sort", "dir", "page", "per_page"} <= names


def test_an_empty_filter_form_is_no_filter(office):
    empty = {k: "" for k in ("session", "kind", "category", "state", "lead", "co", "split", "due_from", "due_to", "q")}
    assert office.get("/items", params=empty).status_code == 200
    assert api(office, **empty)["total"] == 7
    assert office.get("/api/items", params={"session": "x"}).status_code == 400
