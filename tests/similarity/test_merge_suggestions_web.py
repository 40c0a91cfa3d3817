"""并案 suggestions through the API (typed bodies, the one error body) and the routing review pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.db.engine import session_scope
from app.db.models import CongressSession, Item
from app.db.models.similarity import MergeSuggestion
from app.services import importing
from app.services.actor import Actor
from app.services.sessions import add_session
from tests.helpers import csrf_from
from tests.similarity.test_duplicates_at_import import (
    ELEVATOR_REWRITE,
    HEADER,
    LAST,
    PARKING_AGAIN,
    THIS,
    last_session_rows,
)

ERROR_KEYS = {"error", "message", "request_id"}


@pytest.fixture
def suggested(clean_db, actors, make_xlsx):
    """Last session's two items, this session's resubmission and rewrite, imported: two suggestions."""
    office = actors["office"]
    with session_scope(clean_db) as session:
        add_session(session, Actor.system(), label=LAST, body="npc", year=2025, number_width=4)
        add_session(session, Actor.system(), label=THIS, body="npc", year=2026, number_width=4)
    with session_scope(clean_db) as session:
        last = make_xlsx(last_session_rows())
        importing.commit_import(session, office, last, kind="npc_suggestion", session_label=LAST)
    with session_scope(clean_db) as session:
        this = make_xlsx(
            [
                HEADER,
                (1, PARKING_AGAIN[0], "张伟", PARKING_AGAIN[1]),
                (2, ELEVATOR_REWRITE[0], "赵敏", ELEVATOR_REWRITE[1]),
            ]
        )
        importing.commit_import(session, office, this, kind="npc_suggestion", session_label=THIS)
    with session_scope(clean_db) as session:
        rows = session.scalars(select(MergeSuggestion).order_by(MergeSuggestion.item_id)).all()
        this_id = session.scalar(select(CongressSession.id).where(CongressSession.label == THIS))
        return [(r.id, r.item_id, r.other_item_id) for r in rows], this_id


def test_api_lists_accepts_and_dismisses(as_user, users, suggested):
    (resubmission, rewrite), _session_id = suggested
    office = as_user(users["office"])
    listed = office.get("/api/merge-suggestions", params={"item_id": resubmission[1]})
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert [s["id"] for s in body] == [resubmission[0]]
    assert body[0]["kind"] == "same_submitter" and body[0]["status"] == "proposed" and body[0]["other_session"] == LAST
    assert body[0]["merge_refused"] is None and "望京" in body[0]["shared_terms"] and 0 < body[0]["score"] <= 1
    empty = office.post(f"/api/merge-suggestions/{rewrite[0]}/dismiss", json={"reason": " "})
    assert empty.status_code == 422 and set(empty.json()) >= ERROR_KEYS and empty.json()["problems"]
    dismissed = office.post(f"/api/merge-suggestions/{rewrite[0]}/dismiss", json={"reason": "不同楼栋，单独办理"})
    assert dismissed.status_code == 200 and dismissed.json()["status"] == "dismissed"
    again = office.post(f"/api/merge-suggestions/{rewrite[0]}/dismiss", json={"reason": "x"})
    assert again.status_code == 409 and set(again.json()) == ERROR_KEYS
    stale = office.post(f"/api/merge-suggestions/{resubmission[0]}/accept", json={"expected_version": 99})
    assert stale.status_code == 409
    accepted = office.post(f"/api/merge-suggestions/{resubmission[0]}/accept", json={})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    assert {c["id"] for c in accepted.json()["changed"] if c["entity"] == "item"} >= {resubmission[1]}
    missing = office.get("/api/merge-suggestions/999999")
    assert missing.status_code == 404 and set(missing.json()) == ERROR_KEYS
    assert office.get("/api/merge-suggestions", params={"item_id": 0}).status_code == 400


def test_department_users_get_no_suggestions(as_user, users, suggested):
    (resubmission, _rewrite), _ = suggested
    department = as_user(users["jtw"])
    assert department.get("/api/merge-suggestions", params={"item_id": resubmission[1]}).status_code == 403
    assert department.post(f"/api/merge-suggestions/{resubmission[0]}/dismiss", json={"reason": "x"}).status_code == 403


def test_routing_review_shows_badge_tab_and_partial_and_dismiss_works(as_user, users, suggested, clean_db):
    (resubmission, rewrite), session_id = suggested
    office = as_user(users["office"])
    listing = office.get("/routing", params={"session": session_id})
    assert listing.status_code == 200
    assert listing.text.count('data-testid="duplicate-badge"') == 2
    tab = office.get("/routing", params={"session": session_id, "tab": "duplicates"})
    assert 'data-tab="duplicates" aria-current="page"' in tab.text
    page = office.get(f"/routing/items/{rewrite[1]}")
    assert 'data-testid="merge-suggestions"' in page.text and LAST in page.text
    token = csrf_from(page.text)
    refused = office.post(
        f"/routing/merge-suggestions/{rewrite[0]}/dismiss",
        data={"_csrf": token, "reason": "", "back_item": rewrite[1]},
        follow_redirects=True,
    )
    assert refused.status_code == 200 and re.search(r'data-status="proposed"', refused.text)
    done = office.post(
        f"/routing/merge-suggestions/{rewrite[0]}/dismiss",
        data={"_csrf": token, "reason": "不同楼栋，单独办理", "back_item": rewrite[1]},
        follow_redirects=True,
    )
    assert done.status_code == 200 and 'data-testid="merge-decided"' in done.text and "不同楼栋" in done.text
    with session_scope(clean_db) as session:
        assert session.get(Item, rewrite[1]).state == "registered"
