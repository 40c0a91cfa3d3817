"""The place tier on the routing pages and in the stored rule-set version."""

from app.db.engine import session_scope
from app.db.models.routing import RuleSetVersion
from app.domain.routing.rules import PLACES_MARKER
from tests.routing.services.factories import SESSION_LABEL, make_session

LOCAL_TITLE = ("0001", "关于解决石景山区八宝山街道远洋山水小区停车难问题的建议", None)
DISTRICT_ONLY = ("0002", "关于在丰台区增设公共停车场的建议", None)


def test_routing_pages_show_the_place_its_gazetteer_entry_and_the_tier(login_as, clean_db):
    client, _user = login_as("office_staff")
    with session_scope(clean_db) as session:
        congress, items = make_session(session, titles=[LOCAL_TITLE, DISTRICT_ONLY])
        session_id, ids = congress.id, [i.id for i in items]
    routed = client.post("/api/routing/route", json={"session": SESSION_LABEL}, headers={"X-CSRF-Token": client.csrf})
    assert routed.status_code == 201, routed.text
    assert len(client.get(f"/api/routing/sessions/{session_id}/proposals").json()) == 2

    local = client.get(f"/api/routing/items/{ids[0]}").json()
    assert local["record"]["lead"] == "sjs" and "jtw" in local["record"]["co"]
    winner = local["explanation"]["matches"][0]
    assert winner["rule"] == "地点：石景山区"
    assert any("八宝山街道" in text and "石景山区" in text for text in winner["reasons_text"])

    district_only = client.get(f"/api/routing/items/{ids[1]}").json()
    assert district_only["record"]["lead"] == "jtw" and "ft" in district_only["record"]["co"]

    page = client.get(f"/routing/items/{ids[0]}")
    assert page.status_code == 200
    assert "地点：石景山区" in page.text and "八宝山街道" in page.text
    listing = client.get(f"/routing?session={session_id}")
    assert "八宝山街道" in listing.text

    with session_scope(clean_db) as session:
        version = session.query(RuleSetVersion).filter_by(active=True).one()
        assert PLACES_MARKER in version.content  # the gazetteer is part of the stored version
