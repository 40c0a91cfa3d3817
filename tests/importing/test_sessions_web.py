"""The office creates and edits sessions (届次) on the sessions page and over the API; every field
is validated with its own message and nothing is saved on error."""

from __future__ import annotations

from sqlalchemy import func, select

from app.db.engine import session_scope
from app.db.models import AuditEntry, CongressSession, Item
from app.services.actor import Actor
from app.services.sessions import add_session
from tests.helpers import csrf_from


def _sessions(engine):
    with session_scope(engine) as session:
        return [
            (s.label, s.body, s.year, s.level, s.number_width)
            for s in session.scalars(select(CongressSession).order_by(CongressSession.id))
        ]


def test_create_with_errors_rerenders_every_field_message_and_saves_nothing(login_as, clean_db):
    client, _ = login_as("office_staff")
    page = client.get("/sessions")
    assert page.status_code == 200
    bad = client.post(
        "/sessions",
        data={
            "label": "",
            "body": "senate",
            "year": "二〇二六",
            "level": "galactic",
            "number_width": "99",
            "_csrf": csrf_from(page.text),
        },
    )
    assert bad.status_code == 422
    for name in ("label", "body", "year", "level", "number_width"):
        assert f'data-testid="error-{name}"' in bad.text, name
    assert 'value="二〇二六"' in bad.text  # what was typed comes back
    assert _sessions(clean_db) == []


def test_create_then_edit_with_audit(login_as, clean_db):
    client, _ = login_as("office_staff")
    token = csrf_from(client.get("/sessions").text)
    done = client.post(
        "/sessions",
        data={
            "label": "市十六届人大五次会议",
            "body": "npc",
            "year": "2027",
            "level": "municipal",
            "number_width": "4",
            "_csrf": token,
        },
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].startswith("/sessions?done=")
    assert _sessions(clean_db) == [("市十六届人大五次会议", "npc", 2027, "municipal", 4)]
    with session_scope(clean_db) as session:
        session_id = session.scalar(select(CongressSession.id))
    edit = client.get(f"/sessions/{session_id}")
    assert 'value="市十六届人大五次会议"' in edit.text
    duplicate = client.post(
        "/sessions",
        data={
            "label": "市十六届人大五次会议",
            "body": "npc",
            "year": "2027",
            "level": "municipal",
            "_csrf": csrf_from(edit.text),
        },
    )
    assert duplicate.status_code == 422 and 'data-testid="error-label"' in duplicate.text
    saved = client.post(
        f"/sessions/{session_id}",
        data={
            "label": "北京市十六届人大五次会议",
            "body": "npc",
            "year": "2027",
            "level": "municipal",
            "number_width": "3",
            "_csrf": csrf_from(edit.text),
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert _sessions(clean_db) == [("北京市十六届人大五次会议", "npc", 2027, "municipal", 3)]
    with session_scope(clean_db) as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.entity == "session", AuditEntry.action == "edit"))
        assert entry.before == {"label": "市十六届人大五次会议", "number_width": 4}
        assert entry.after == {"label": "北京市十六届人大五次会议", "number_width": 3}


def test_body_and_width_are_fixed_once_items_are_imported(login_as, clean_db, make_xlsx):
    client, _ = login_as("office_staff")
    with session_scope(clean_db) as session:
        session_id = add_session(
            session, Actor.system(), label="市十六届人大四次会议", body="npc", year=2026, number_width=4
        ).id
    token = csrf_from(client.get("/imports").text)
    path = make_xlsx([("建议号", "标题", "领衔代表"), (1, "关于A的建议", "张三")])
    imported = client.post(
        "/api/imports/",
        files={"file": (path.name, path.read_bytes(), "application/octet-stream")},
        data={"kind": "npc_suggestion", "session": "市十六届人大四次会议"},
        headers={"X-CSRF-Token": client.csrf},
    )
    assert imported.status_code == 201, imported.text
    refused = client.post(
        f"/sessions/{session_id}",
        data={
            "label": "市十六届人大四次会议",
            "body": "cppcc",
            "year": "2026",
            "level": "municipal",
            "number_width": "5",
            "_csrf": token,
        },
    )
    assert refused.status_code == 422
    assert 'data-testid="error-body"' in refused.text and 'data-testid="error-number_width"' in refused.text
    assert _sessions(clean_db) == [("市十六届人大四次会议", "npc", 2026, "municipal", 4)]
    with session_scope(clean_db) as session:
        assert session.scalar(select(func.count(Item.id))) == 1


def test_new_session_straight_from_the_import_page(login_as, clean_db):
    client, _ = login_as("office_staff")
    imports = client.get("/imports")
    assert 'href="/sessions?next_url=/imports"' in imports.text
    form = client.get("/sessions?next_url=/imports")
    assert 'name="next" value="/imports"' in form.text
    done = client.post(
        "/sessions",
        data={
            "label": "市政协十四届五次会议",
            "body": "cppcc",
            "year": "2027",
            "level": "municipal",
            "number_width": "0",
            "next": "/imports",
            "_csrf": csrf_from(form.text),
        },
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].startswith("/imports?session=")
    back = client.get(done.headers["location"])
    assert '<option value="市政协十四届五次会议" selected>' in back.text
    # an outside address is never followed
    evil = client.post(
        "/sessions",
        data={
            "label": "x会议",
            "body": "npc",
            "year": "2027",
            "level": "municipal",
            "next": "https://evil.example",
            "_csrf": csrf_from(form.text),
        },
        follow_redirects=False,
    )
    assert evil.headers["location"].startswith("/sessions?done=")


def test_api_and_access(login_as, clean_db):
    client, _ = login_as("office_staff")
    created = client.post(
        "/api/sessions/",
        json={"label": "市十六届人大五次会议", "body": "npc", "year": 2027, "number_width": 4},
        headers={"X-CSRF-Token": client.csrf},
    )
    assert created.status_code == 201, created.text
    assert created.json()["number_width"] == 4
    bad = client.post(
        "/api/sessions/", json={"label": "", "body": "npc", "year": 1800}, headers={"X-CSRF-Token": client.csrf}
    )
    assert bad.status_code == 422
    assert {p["field"] for p in bad.json()["problems"]} >= {"label", "year"}
    handler, _ = login_as("dept_handler", "jtw")
    assert handler.get("/sessions", follow_redirects=False).status_code in (302, 303, 403)
