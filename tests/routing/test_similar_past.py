"""Similar past items as routing evidence: lead, override, result class; office only; the item's own
session excluded; for unmatched items their leads weigh into the suggestions."""

import pytest

from app.db.engine import session_scope
from app.db.models.routing import RoutingRecord
from app.services.actor import Actor
from app.services.errors import Forbidden, NotFound, ValidationFailed
from app.services.routing import similar_past
from tests.routing.override_factories import PAST_LABEL, seed_past_and_current
from tests.routing.services.factories import SESSION_LABEL


@pytest.fixture
def office(make_user):
    return make_user("office_staff").actor


def test_similar_past_items_show_lead_and_override_and_skip_the_own_session(db_session, office):
    past, current = seed_past_and_current(db_session, office)
    found = similar_past.similar_past_items(db_session, office, current[0].id)
    assert found[0].item_id == past["0201"].id and found[0].session_label == PAST_LABEL
    assert (found[0].lead, found[0].overridden) == ("cy", True) and found[0].override_reason
    assert current[1].id not in [f.item_id for f in found]
    assert all(f.session_label != SESSION_LABEL for f in found)
    assert found[0].result_class is None and found[0].satisfaction is None  # not answered yet


def test_the_same_years_other_sessions_count_once_their_items_have_a_lead(db_session, office):
    from sqlalchemy import select

    from app.db.models import Department
    from app.services import similarity
    from tests.routing.services.factories import make_session

    past, current = seed_past_and_current(db_session, office)
    _other, (parallel,) = make_session(
        db_session, label="市政协十四届四次会议", titles=[("0009", "关于缓解朝阳区望京地区小区停车难的提案", None)]
    )
    similarity.index_items(db_session, [parallel.id])
    ids = [f.item_id for f in similar_past.similar_past_items(db_session, office, current[0].id)]
    assert parallel.id not in ids and past["0201"].id in ids  # this year's, nobody has decided who leads it
    parallel.lead_department_id = db_session.scalar(select(Department.id).where(Department.code == "cy"))
    db_session.flush()
    assert parallel.id in [f.item_id for f in similar_past.similar_past_items(db_session, office, current[0].id)]


def test_only_the_office_and_bounded(db_session, office, make_user):
    department = make_user("dept_handler", "jtw").actor
    _past, current = seed_past_and_current(db_session, office)
    with pytest.raises(Forbidden):
        similar_past.similar_past_items(db_session, department, current[0].id)
    with pytest.raises(ValidationFailed):
        similar_past.similar_past_items(db_session, office, current[0].id, limit=21)
    with pytest.raises(NotFound):
        similar_past.similar_past_items(db_session, office, 999_999)


def test_unmatched_items_get_the_similar_leads_as_evidence():
    record = RoutingRecord(
        status="manual", proposal={"suggestions": [{"department": "jtw", "score": 2.0, "shared_terms": ["停车"]}]}
    )
    past = [
        similar_past.PastItem(1, "s", "1", "t", 0.8, (), "cy", True, "r", None, None, None, None),
        similar_past.PastItem(2, "s", "2", "t", 0.7, (), "cy", True, "r", None, None, None, None),
    ]
    suggested = similar_past.suggestions_with_evidence(record, past)
    assert [s.department for s in suggested] == ["cy", "jtw"]
    assert suggested[1].shared_terms == ("停车",)
    assert similar_past.suggestions_with_evidence(RoutingRecord(status="proposed", proposal={}), past) == ()


def test_routing_item_page_and_api_show_the_similar_past_items(login_as, clean_db):
    with session_scope(clean_db) as session:
        past, current = seed_past_and_current(session, Actor.system())
        past_id, item_id = past["0201"].id, current[0].id
    client, _user = login_as("office_staff")
    routing_client = client.post(
        "/api/routing/route", json={"session": SESSION_LABEL}, headers={"X-CSRF-Token": client.csrf}
    )
    assert routing_client.status_code == 201
    page = client.get(f"/routing/items/{item_id}")
    assert page.status_code == 200 and 'data-testid="similar-past"' in page.text
    assert f'data-item-id="{past_id}"' in page.text and PAST_LABEL in page.text
    body = client.get(f"/api/routing/items/{item_id}/similar").json()
    assert body["items"][0]["item_id"] == past_id and body["items"][0]["overridden"] is True
    assert body["items"][0]["lead"] == "cy" and body["suggestions"] == []
    assert client.get(f"/api/routing/items/{item_id}/similar?limit=0").status_code == 422
    department, _user = login_as("dept_handler", "jtw")
    assert department.get(f"/api/routing/items/{item_id}/similar").status_code == 403
