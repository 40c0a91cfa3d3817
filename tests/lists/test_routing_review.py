"""The routing review on the list mechanism: tabs, unit filter, search, paging, conflict badge,
bulk "all N matching", the JSON review."""

from __future__ import annotations

import html
import re

from sqlalchemy import select, update

from app.db.engine import session_scope
from app.db.models.routing import RoutingRecord
from tests.routing.services.factories import SESSION_LABEL, make_session


def _routed(login_as, clean_db):
    client, _user = login_as("office_staff")
    with session_scope(clean_db) as session:
        congress, items = make_session(session)
        session_id, ids = congress.id, [i.id for i in items]
    headers = {"X-CSRF-Token": client.csrf}
    assert client.post("/api/routing/route", json={"session": SESSION_LABEL}, headers=headers).status_code == 201
    return client, session_id, ids, headers


def _review(client, session_id, **params):
    response = client.get(f"/api/routing/sessions/{session_id}/review", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_tabs_unit_search_and_paging(login_as, clean_db):
    client, session_id, ids, headers = _routed(login_as, clean_db)
    everything = _review(client, session_id)
    assert everything["total"] == 5 and everything["tab_counts"]["all"] == 5
    unmatched = _review(client, session_id, tab="unmatched")
    assert [r["number"] for r in unmatched["rows"]] == ["0005"]
    assert _review(client, session_id, tab="pending")["total"] == 5
    assert _review(client, session_id, tab="decided")["total"] == 0
    assert client.post("/api/routing/accept", json={"item_ids": ids[:2]}, headers=headers).status_code == 201
    counts = _review(client, session_id)["tab_counts"]
    assert (counts["pending"], counts["decided"]) == (3, 2)
    lead = everything["rows"][0]["record"]["lead"]
    by_unit = _review(client, session_id, unit=lead)
    assert by_unit["total"] >= 1 and all(
        lead in {r["record"]["lead"], *r["record"]["co"], *r["record"]["split"]} for r in by_unit["rows"]
    )
    assert [r["number"] for r in _review(client, session_id, q="电梯")["rows"]] == ["0002"]
    paged = _review(client, session_id, per_page=2, page=3, sort="number", dir="desc")
    assert [r["number"] for r in paged["rows"]] == ["0001"] and paged["pages"] == 3
    for bad in ({"tab": "later"}, {"page": 0}, {"per_page": 500}, {"sort": "colour"}):
        refused = client.get(f"/api/routing/sessions/{session_id}/review", params=bad)
        assert refused.status_code == 400 and next(iter(bad)) in refused.json()["message"]


def test_conflict_badge_only_while_undecided(login_as, clean_db):
    client, session_id, ids, headers = _routed(login_as, clean_db)
    with session_scope(clean_db) as session:
        session.execute(update(RoutingRecord).where(RoutingRecord.item_id == ids[0]).values(has_conflicts=True))
    conflicts = _review(client, session_id, tab="conflict")
    assert [r["item_id"] for r in conflicts["rows"]] == [ids[0]] and conflicts["rows"][0]["conflict"] is True
    page = client.get("/routing", params={"session": session_id, "tab": "conflict"}).text
    assert page.count('data-testid="conflict"') == 1
    client.post("/api/routing/accept", json={"item_ids": [ids[0]]}, headers=headers)
    assert _review(client, session_id, tab="conflict")["total"] == 0
    assert 'data-testid="conflict"' not in client.get("/routing", params={"session": session_id}).text
    assert _review(client, session_id)["rows"][0]["conflict"] is False


def test_page_bulk_bar_on_top_and_all_matching_accept(login_as, clean_db):
    client, session_id, ids, _headers = _routed(login_as, clean_db)
    page = client.get("/routing", params={"session": session_id, "per_page": 2, "q": "老旧小区"}).text
    assert page.index('data-testid="bulk-bar"') < page.index('data-testid="proposals"')
    assert "采纳所选拟办意见" in page and "确认所选建议" not in page
    assert "共 2 条" in page and 'data-tab="unmatched"' in page
    hrefs = [html.unescape(h) for h in re.findall(r'href="(/routing\?[^"]*)"', page)]
    assert any(f"session={session_id}" in h and "tab=conflict" in h and "q=" in h for h in hrefs)
    # "all 2 matching" accepts every item matching the search, not only the ticked ones
    accepted = client.post(
        "/routing/accept",
        data={"session_id": session_id, "q": "老旧小区", "all_matching": "1", "do": "accept", "_csrf": client.csrf},
        follow_redirects=False,
    )
    assert accepted.status_code in (302, 303)
    with session_scope(clean_db) as session:
        statuses = dict(
            session.execute(
                select(RoutingRecord.item_id, RoutingRecord.status).where(RoutingRecord.current.is_(True))
            ).all()
        )
    assert statuses[ids[0]] == "accepted" and statuses[ids[1]] == "accepted"
    assert statuses[ids[2]] == "proposed"
