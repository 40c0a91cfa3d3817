"""Routing pages and API: office only, proposals, explanation, bulk accept, override, assign."""

from sqlalchemy import select

from app.db.engine import session_scope
from app.db.models import Assignment, AuditEntry, Item
from tests.routing.services.factories import SESSION_LABEL, make_session


def _seed(engine):
    with session_scope(engine) as session:
        congress, items = make_session(session)
        return congress.id, [i.id for i in items]


def test_api_route_explain_override_and_assign(login_as, clean_db):
    client, _user = login_as("office_staff")
    session_id, ids = _seed(clean_db)
    headers = {"X-CSRF-Token": client.csrf}

    dry = client.post("/api/routing/route", json={"session": SESSION_LABEL, "dry_run": True}, headers=headers)
    assert dry.status_code == 201, dry.text
    assert {i["action"] for i in dry.json()["items"]} == {"would_route"}
    assert client.get(f"/api/routing/sessions/{session_id}/proposals").json()[0]["record"] is None

    routed = client.post("/api/routing/route", json={"session": SESSION_LABEL}, headers=headers)
    assert routed.status_code == 201
    proposals = client.get(f"/api/routing/sessions/{session_id}/proposals").json()
    assert proposals[0]["record"]["lead"] == "jtw"

    explained = client.get(f"/api/routing/items/{ids[0]}").json()
    assert explained["explanation"]["matches"][0]["reasons_text"]
    assert "“停车”" in " ".join(explained["explanation"]["matches"][0]["reasons_text"])

    missing_reason = client.post(
        f"/api/routing/items/{ids[0]}/override", json={"mode": "lead", "lead": "gaj", "reason": ""}, headers=headers
    )
    assert missing_reason.status_code == 422
    assert missing_reason.json()["problems"][0]["field"] == "reason"

    overridden = client.post(
        f"/api/routing/items/{ids[0]}/override",
        json={"mode": "lead", "lead": "市公安局", "co": ["jtw"], "reason": "以违法停车治理为主"},
        headers=headers,
    )
    assert overridden.status_code == 201 and overridden.json()["status"] == "overridden"

    assigned = client.post(f"/api/routing/items/{ids[0]}/assign", json={}, headers=headers)
    assert assigned.status_code == 201, assigned.text
    assert sorted((a["department"], a["role"]) for a in assigned.json()["assignments"]) == [
        ("gaj", "lead"),
        ("jtw", "co"),
    ]

    again = client.post(f"/api/routing/items/{ids[0]}/reroute", json={}, headers=headers)
    assert again.status_code == 409

    accepted = client.post("/api/routing/accept", json={"item_ids": ids[1:3]}, headers=headers)
    assert accepted.json()["done"] == ids[1:3]
    bulk = client.post("/api/routing/assign", json={"item_ids": ids}, headers=headers)
    assert bulk.json()["done"] == ids[1:3]
    assert str(ids[0]) in bulk.json()["skipped"]

    explain = client.post("/api/routing/explain", json={"title": "关于加快老旧小区加装电梯的建议"}, headers=headers)
    assert explain.json()["lead"] == "zjw"
    assert client.get("/api/routing/rule-sets").json()[0]["active"] is True


def test_department_users_and_leaders_cannot_reach_routing(login_as, clean_db):
    client, _user = login_as("dept_handler", "jtw")
    assert client.get("/api/routing/rule-sets").status_code == 403
    assert client.get("/routing", follow_redirects=False).status_code == 403


def test_page_flow_bulk_accept_override_and_assign(login_as, clean_db):
    client, _user = login_as("office_admin")
    session_id, ids = _seed(clean_db)
    page = client.get(f"/routing?session={session_id}")
    assert page.status_code == 200 and "关于解决老旧小区停车难问题的建议" in page.text

    dry = client.post("/routing/run", data={"session_id": session_id, "dry_run": "1", "_csrf": client.csrf})
    assert dry.status_code in (200, 201) and "dry-run-result" in dry.text

    run = client.post(
        "/routing/run", data={"session_id": session_id, "dry_run": "0", "_csrf": client.csrf}, follow_redirects=False
    )
    assert run.status_code in (302, 303)
    page = client.get(f"/routing?session={session_id}")
    assert "市交通委" in page.text and "停车" in page.text

    accepted = client.post(
        "/routing/accept",
        data={"session_id": session_id, "item_ids": [str(ids[1]), str(ids[2])], "do": "accept", "_csrf": client.csrf},
        follow_redirects=False,
    )
    assert accepted.status_code in (302, 303)

    refused = client.post(
        f"/routing/items/{ids[0]}/override", data={"mode": "lead", "lead": "gaj", "reason": "", "_csrf": client.csrf}
    )
    assert refused.status_code == 422
    saved = client.post(
        f"/routing/items/{ids[0]}/override",
        data={"mode": "lead", "lead": "gaj", "co": ["jtw", "sjs"], "reason": "治安问题为主", "_csrf": client.csrf},
        follow_redirects=False,
    )
    assert saved.status_code in (302, 303)
    item_page = client.get(f"/routing/items/{ids[0]}")
    assert "治安问题为主" in item_page.text

    assigned = client.post(f"/routing/items/{ids[0]}/assign", data={"_csrf": client.csrf}, follow_redirects=False)
    assert assigned.status_code in (302, 303)
    bulk = client.post(
        "/routing/accept",
        data={"session_id": session_id, "item_ids": [str(i) for i in ids], "do": "assign", "_csrf": client.csrf},
        follow_redirects=False,
    )
    assert bulk.status_code in (302, 303)
    with session_scope(clean_db) as session:
        states = dict(session.execute(select(Item.id, Item.state)).all())
        assert states[ids[0]] == states[ids[1]] == states[ids[2]] == "assigned"
        assert states[ids[3]] == "registered"
        assert (
            session.scalar(select(AuditEntry.reason).where(AuditEntry.action == "routing_override")) == "治安问题为主"
        )
        assert len(session.scalars(select(Assignment)).all()) >= 4
