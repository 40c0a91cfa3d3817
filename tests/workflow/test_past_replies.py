"""A department's own past replies beside its reply draft: only its own (scoped in SQL), with result
class and satisfaction, and the side-by-side view; through the services, the pages and the API."""

from __future__ import annotations

import pytest

from app.services.errors import NotFound, ValidationFailed
from app.services.workflow import past_replies
from tests.workflow.past_factory import CURRENT, JTW_PAST, JW_PAST, build_past


@pytest.fixture
def past(db_session, actors):
    return build_past(db_session, actors)


def test_the_department_sees_its_own_similar_past_reply_with_class_and_satisfaction(db_session, actors, past):
    (found,) = [p for p in past_replies.past_replies(db_session, actors["jtw"], past.jtw_assignment)]
    assert found.reply_id == past.jtw_reply and found.title == JTW_PAST
    assert (found.result_class, found.satisfaction, found.satisfaction_label) == ("A", "satisfied", "满意")
    assert found.result_label and found.score > 0.2 and "天桥" in found.shared_terms


def test_another_departments_reply_to_a_similar_item_is_never_listed(db_session, actors, past):
    jw_sees = past_replies.past_replies(db_session, actors["jw"], past.jw_assignment)
    assert [p.reply_id for p in jw_sees] == [past.jw_reply]
    for actor in ("jtw", "jtw_head"):
        ids = [p.reply_id for p in past_replies.past_replies(db_session, actors[actor], past.jtw_assignment)]
        assert past.jw_reply not in ids
    # the office opening jtw's assignment sees jtw's replies, not jw's
    office = [p.reply_id for p in past_replies.past_replies(db_session, actors["office"], past.jtw_assignment)]
    assert office == [past.jtw_reply]


def test_side_by_side_only_with_the_departments_own_replies(db_session, actors, past):
    pair = past_replies.side_by_side(db_session, actors["jtw"], past.jtw_assignment, past.jtw_reply)
    assert pair.past.id == past.jtw_reply and pair.item.id == past.current_item and pair.draft is None
    with pytest.raises(NotFound):
        past_replies.side_by_side(db_session, actors["jtw"], past.jtw_assignment, past.jw_reply)
    with pytest.raises(NotFound):
        past_replies.side_by_side(db_session, actors["jw"], past.jtw_assignment, past.jtw_reply)
    with pytest.raises(NotFound):
        past_replies.past_replies(db_session, actors["jw"], past.jtw_assignment)
    with pytest.raises(ValidationFailed):
        past_replies.past_replies(db_session, actors["jtw"], past.jtw_assignment, limit=0)


def test_reply_editor_panel_side_by_side_page_and_api(db_session, users, as_user, past):
    client = as_user(users["jtw"])
    editor = client.get(f"/assignments/{past.jtw_assignment}/reply")
    assert editor.status_code == 200
    assert 'data-testid="past-replies"' in editor.text and JTW_PAST in editor.text and JW_PAST not in editor.text
    link = f"/assignments/{past.jtw_assignment}/past-replies/{past.jtw_reply}"
    assert link in editor.text
    page = client.get(link)
    assert page.status_code == 200 and JTW_PAST in page.text and CURRENT in page.text
    assert client.get(f"/assignments/{past.jtw_assignment}/past-replies/{past.jw_reply}").status_code == 404
    listed = client.get(f"/api/assignments/{past.jtw_assignment}/past-replies").json()
    assert [r["reply_id"] for r in listed] == [past.jtw_reply] and listed[0]["satisfaction"] == "satisfied"
    pair = client.get(f"/api/assignments/{past.jtw_assignment}/past-replies/{past.jtw_reply}").json()
    assert pair["past_title"] == JTW_PAST and pair["draft_body"] is None
    assert client.get(f"/api/assignments/{past.jtw_assignment}/past-replies?limit=99").status_code == 422

    other = as_user(users["jw"])
    assert other.get(f"/api/assignments/{past.jtw_assignment}/past-replies").status_code == 404
    assert other.get(link).status_code == 404
    assert other.get(f"/api/assignments/{past.jw_assignment}/past-replies/{past.jtw_reply}").status_code == 404
    own = other.get(f"/api/assignments/{past.jw_assignment}/past-replies").json()
    assert [r["reply_id"] for r in own] == [past.jw_reply]
