"""/overview is paged on the list mechanism: every item reachable, the total said."""

from __future__ import annotations

import html
import re


def test_overview_pages_through_every_item(login_as, dataset):
    client, _user = login_as("leader_readonly")
    first = client.get("/overview", params={"per_page": 3}).text
    assert "共 7 条" in first
    shown = re.findall(r'href="/items/(\d+)"', first)
    assert len(set(shown)) == 3
    assert {dataset.id("bridge"), dataset.id("bus")} <= {int(i) for i in shown}  # key items first
    last_link = html.unescape(re.search(r'href="([^"]+)" rel="last"', first).group(1))
    last = client.get(last_link).text
    # key items first, then newest first: the oldest plain item is on the last page
    assert f'href="/items/{dataset.id("parking")}"' in last and f'href="/items/{dataset.id("bus")}"' not in last


def test_overview_filters_and_bounds(login_as, dataset):
    client, _user = login_as("office_staff")
    registered = client.get("/overview", params={"state": "registered"}).text
    assert "共 2 条" in registered
    assert client.get("/overview", params={"per_page": 201}).status_code == 400
    assert client.get("/overview", params={"sort": "nonsense"}).status_code == 400
