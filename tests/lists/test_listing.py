"""The list mechanism itself: parsing and validation, URL state, links."""

from __future__ import annotations

from datetime import date

import pytest

from app.i18n import locale_scope
from app.services.item_list import ITEM_SPEC
from app.services.listing import MAX_INT, BadListQuery, ListPage, like_pattern, parse
from app.web.listing import ListView, raw_query


def _parse(**raw):
    return parse({k: v if isinstance(v, list) else [v] for k, v in raw.items()}, ITEM_SPEC)


def test_defaults_and_typed_filters():
    query = _parse(session="3", state=["assigned", "closed", "assigned"], key="1", due_from="2026-01-01", q=" 停车 ")
    assert (query.sort, query.direction, query.page, query.per_page) == ("number", "asc", 1, 50)
    assert query.filters == {
        "session": 3,
        "state": ("assigned", "closed"),
        "key": True,
        "due_from": date(2026, 1, 1),
        "q": "停车",
    }
    assert _parse(key="0", q="", lead="").filters == {}  # empty and false values mean "not given"


@pytest.mark.parametrize(
    ("raw", "place"),
    [
        ({"sort": "colour"}, "sort"),
        ({"dir": "sideways"}, "dir"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": str(MAX_INT + 1)}, "page"),
        ({"page": "abc"}, "page"),
        ({"per_page": "201"}, "per_page"),
        ({"per_page": "0"}, "per_page"),
        ({"session": "0"}, "session"),
        ({"session": str(2**31)}, "session"),
        ({"state": "nonsense"}, "state"),
        ({"kind": "memo"}, "kind"),
        ({"due_to": "yesterday"}, "due_to"),
        ({"overdue": "maybe"}, "overdue"),
        ({"q": "长" * 201}, "q"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(raw, place):
    with pytest.raises(BadListQuery) as refused:
        _parse(**raw)
    assert refused.value.status_code == 400 and refused.value.code == "bad_request"
    assert [p.place for p in refused.value.problems] == [place]
    assert place in refused.value.message


def test_the_message_is_in_the_users_language():
    with locale_scope("zh_CN"), pytest.raises(BadListQuery) as zh:
        _parse(per_page="500")
    with locale_scope("en"), pytest.raises(BadListQuery) as en:
        _parse(per_page="500")
    assert "200" in zh.value.message and "列表参数" in zh.value.message
    assert "at most 200" in en.value.message


def test_the_largest_page_is_accepted():
    assert _parse(page=str(MAX_INT)).page == MAX_INT


def test_descending_shorthand_and_explicit_direction():
    assert (_parse(sort="-due").sort, _parse(sort="-due").direction) == ("due", "desc")
    assert _parse(sort="title", dir="desc").direction == "desc"


def test_url_state_round_trips():
    query = _parse(
        session="2", state=["assigned", "closed"], lead="jtw", overdue="1", due_to="2026-12-31", q="天桥",
        sort="due", dir="desc", page="3", per_page="100",
    )  # fmt: skip
    params = query.params()
    again = parse(raw_query(_multi(params)), ITEM_SPEC)
    assert again == query and again.params() == params
    assert ("page", "3") in params and ("state", "assigned") in params and ("state", "closed") in params
    # defaults stay out of the URL
    assert _parse().params() == [] and _parse(sort="number", dir="asc", page="1", per_page="50").params() == []
    assert ("sort", "due") not in query.filter_params() and ("page", "3") not in query.filter_params()


def _multi(params):
    out: dict[str, list[str]] = {}
    for key, value in params:
        out.setdefault(key, []).append(value)
    return out


def test_sort_header_links_toggle_and_pager_links():
    query = _parse(sort="title", page="3", q="建议")
    view = ListView(ListPage([object()] * 50, 1000, query), "/items")
    title = view.sort_header("title")
    assert title["active"] and title["aria"] == "ascending" and "dir=desc" in title["href"]
    assert "page=" not in title["href"] and "q=" in title["href"]  # a new order starts on page 1, filters kept
    due = view.sort_header("due")
    assert not due["active"] and "sort=due" in due["href"]
    links = view.page_links()
    labels = [link.label for link in links]
    assert labels[0] == "首页" and labels[-1] == "末页"
    assert "1" in labels and "20" in labels and "…" in labels
    current = [link for link in links if link.current]
    assert [link.label for link in current] == ["3"] and current[0].href is None
    last = links[-1]
    assert last.href is not None and "page=20" in last.href and "sort=title" in last.href


def test_first_page_has_no_previous_link_and_last_no_next():
    only = ListView(ListPage([], 0, _parse()), "/items")
    assert all(link.href is None for link in only.page_links() if link.rel)


def test_like_pattern_takes_wildcards_literally():
    assert like_pattern("100%_a\\") == "%100\\%\\_a\\\\%"
