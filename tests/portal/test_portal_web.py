"""The isolation matrix through the pages: deputies, co-signers, anonymous clients and the public site."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.db.engine import session_scope
from app.db.models import Assignment, AuditEntry, Item
from app.db.models.roster import PublicReply, RosterEntry, SubmitterLink
from app.db.models.workflow import Attachment, Feedback, Reply
from app.services import disclosure
from app.services.workflow import actions
from tests.helpers import csrf_from
from tests.portal.factory import TERM, World, build, sent_reply
from tests.workflow.factory import new_item

PUBLIC_PREFIXES = (
    "/public",
    "/api/public",
    "/static",
    "/lang",
    "/login",
    "/logout",
    "/schema",
    "/health",
    "/portal/activate",
)


@pytest.fixture
def world(clean_db, users) -> World:
    with session_scope(clean_db) as session:
        return build(session, users)


def portal_login(client, username: str, password: str):
    client.cookies.clear()
    client.headers.pop("X-CSRF-Token", None)
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login", data={"username": username, "password": password, "_csrf": token, "next": "/"}, follow_redirects=False
    )
    assert response.status_code == 302 and response.headers["location"] == "/portal", response.text[:300]
    client.csrf = csrf_from(client.get("/portal").text)
    return client


def _concrete(path: str, value: int) -> str:
    path = re.sub(r"\{[a-z_]+:int\}", str(value), path)
    path = re.sub(r"\{[a-z_]+:str\}", "x" * 24, path)
    return re.sub(r"\{[a-z_]+:path\}", "jianti.css", path)


def _get_routes(app):
    for route in app.routes:
        if "GET" in route.methods:
            yield route.path


def test_deputy_reads_own_items_and_none_of_others(client, world):
    portal_login(client, *world.zhang)
    home = client.get("/portal")
    assert home.status_code == 200
    assert f'data-item-id="{world.item_a}"' in home.text and f'data-item-id="{world.item_b}"' in home.text
    assert f'data-item-id="{world.item_c}"' not in home.text
    own = client.get(f"/portal/items/{world.item_a}")
    assert own.status_code == 200 and "天桥" in own.text
    assert 'data-testid="portal-feedback"' in own.text
    as_co = client.get(f"/portal/items/{world.item_b}")
    assert as_co.status_code == 200 and 'data-testid="portal-feedback"' not in as_co.text
    with session_scope() as session:
        max_item = session.scalar(select(func.max(Item.id))) + 3
        max_reply = (session.scalar(select(func.max(Reply.id))) or 0) + 3
    for item_id in range(0, max_item):
        if item_id in (world.item_a, world.item_b):
            continue
        assert client.get(f"/portal/items/{item_id}").status_code == 404, item_id
        response = client.post(f"/portal/items/{item_id}/feedback", data={"level": "satisfied", "_csrf": client.csrf})
        assert response.status_code == 404, item_id
    for reply_id in range(0, max_reply):
        for suffix in ("letter", "letter.docx"):
            status = client.get(f"/portal/replies/{reply_id}/{suffix}").status_code
            assert status == (200 if reply_id in (world.reply_a, world.reply_b) else 404), (reply_id, suffix)


def test_co_signer_cannot_rate(client, world):
    portal_login(client, *world.zhang)
    response = client.post(f"/portal/items/{world.item_b}/feedback", data={"level": "satisfied", "_csrf": client.csrf})
    assert response.status_code == 403
    with session_scope() as session:
        assert session.scalar(select(Feedback.id)) is None


def test_drafts_and_internal_records_never_show(client, world, users):
    with session_scope() as session:
        item = new_item(session, title="关于增设公交站台的建议", lead_submitter="张建华", delegation="朝阳代表团")
        actions.assign(session, users["office"].actor, item.id, [("jtw", "lead"), ("cgw", "co")])
        lead = session.scalar(select(Assignment).where(Assignment.item_id == item.id, Assignment.role == "lead"))
        co = session.scalar(select(Assignment).where(Assignment.item_id == item.id, Assignment.role == "co"))
        actions.sign_for(session, users["jtw"].actor, lead.id)
        actions.sign_for(session, users["cg"].actor, co.id)
        actions.save_opinion(session, users["cg"].actor, co.id, body="内部会办意见：建议缓办")
        draft = actions.ReplyDraft(
            body="草稿：尚未签发的答复", result_class="B", contact_person="王明", contact_phone="010-1"
        )
        reply = actions.save_reply(session, users["jtw"].actor, lead.id, draft)
        from app.services import roster
        from app.services.actor import Actor

        roster.link_items(session, Actor.system(), [item.id])
        item_id, draft_id = item.id, reply.id
    portal_login(client, *world.zhang)
    page = client.get(f"/portal/items/{item_id}")
    assert page.status_code == 200
    assert "草稿" not in page.text and "内部会办意见" not in page.text and "010-1" not in page.text
    assert client.get(f"/portal/replies/{draft_id}/letter").status_code == 404


def test_deputy_reaches_no_staff_route(app, client, world):
    portal_login(client, *world.zhang)
    for path in _get_routes(app):
        if path.startswith(("/portal", "/api/portal", *PUBLIC_PREFIXES)):
            continue
        for value in (world.item_a, world.lead_a, world.reply_a, 1):
            response = client.get(_concrete(path, value), follow_redirects=False)
            assert response.status_code in (401, 403, 404), (path, response.status_code)


def test_anonymous_reaches_no_private_route(app, client, world):
    client.cookies.clear()
    for path in _get_routes(app):
        if path.startswith(PUBLIC_PREFIXES):
            continue
        for value in (world.item_a, world.reply_a):
            response = client.get(_concrete(path, value), follow_redirects=False)
            assert response.status_code in (302, 303, 401, 403, 404), (path, response.status_code)
            if response.status_code in (302, 303):
                assert response.headers["location"].startswith("/login"), path


def test_public_answers_404_for_every_unpublished_id(client, world, users):
    with session_scope() as session:
        office = users["office"].actor
        [preview] = disclosure.preview(session, office, [world.reply_a])
        from datetime import date

        [public] = disclosure.publish(session, office, [world.reply_a], published_on=date(2026, 3, 10))
        public_id = public.id
        highest = max(
            session.scalar(select(func.max(model.id))) or 0
            for model in (Item, Reply, Assignment, Attachment, AuditEntry, RosterEntry, SubmitterLink, PublicReply)
        )
    client.cookies.clear()
    listing = client.get("/public")
    assert listing.status_code == 200 and f"/public/replies/{public_id}" in listing.text
    page = client.get(f"/public/replies/{public_id}")
    assert page.status_code == 200
    for secret in ("13912345678", "wangming@", "王明", "010-57079999"):
        assert secret not in page.text
    assert client.get(f"/public/replies/{public_id}/print").status_code == 200
    for other in range(0, highest + 5):
        if other == public_id:
            continue
        assert client.get(f"/public/replies/{other}").status_code == 404, other
        assert client.get(f"/public/replies/{other}/print").status_code == 404, other
    assert "天桥" in client.get("/public", params={"q": "天桥"}).text
    assert f"/public/replies/{public_id}" not in client.get("/public", params={"q": "不存在的词"}).text


def test_office_issues_letters_and_deputy_activates(client, world, users, as_user):
    with session_scope() as session:
        entry = session.scalar(select(RosterEntry).where(RosterEntry.name == "王伟", RosterEntry.term == TERM))
        entry_id = entry.id
    as_user(users["office"])
    letters = client.post("/roster/accounts", data={"entry_id": str(entry_id), "_csrf": client.csrf})
    assert letters.status_code == 200
    username = re.search(r'data-testid="letter-username">([^<]+)<', letters.text).group(1)
    code = re.search(r'data-testid="letter-code">([^<]+)<', letters.text).group(1)
    client.cookies.clear()
    client.headers.pop("X-CSRF-Token", None)
    form = client.get("/portal/activate")
    token = csrf_from(form.text)
    wrong = client.post(
        "/portal/activate",
        data={"username": username, "code": "AAAAAAAAAA", "password": "x" * 10, "repeat": "x" * 10, "_csrf": token},
    )
    assert wrong.status_code == 401 and username in wrong.text  # the user name is kept in the form
    short = client.post(
        "/portal/activate", data={"username": username, "code": code, "password": "x", "repeat": "x", "_csrf": token}
    )
    assert short.status_code == 422
    done = client.post(
        "/portal/activate",
        data={
            "username": username,
            "code": code,
            "password": "my-own-pass-1",
            "repeat": "my-own-pass-1",
            "_csrf": token,
        },
        follow_redirects=False,
    )
    assert done.status_code in (302, 303) and done.headers["location"].startswith("/portal")
    assert client.get("/portal").status_code == 200


def test_office_item_page_says_online(client, world, users, as_user):
    portal_login(client, *world.zhang)
    response = client.post(
        f"/portal/items/{world.item_a}/feedback",
        data={"level": "dissatisfied", "comment": "没有解决", "_csrf": client.csrf},
        follow_redirects=False,
    )
    assert response.status_code in (302, 303)
    as_user(users["office"])
    page = client.get(f"/items/{world.item_a}")
    assert 'data-testid="feedback-source"' in page.text
    assert "online (portal)" in page.text or "在线" in page.text


def test_roster_import_all_or_nothing(client, users, as_user, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["市十六届人大代表名册"])
    sheet.append(["姓名", "代表团", "党派", "联系电话"])
    sheet.append(["赵一", "东城代表团", "中共", "13900000000"])
    sheet.append(["钱二", "西城代表团", "", "not-a-phone"])
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    as_user(users["office"])
    with path.open("rb") as fh:
        response = client.post(
            "/roster/import",
            data={"term": TERM, "body": "npc", "_csrf": client.csrf},
            files={"file": ("roster.xlsx", fh, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")},
        )
    assert response.status_code == 200 and 'data-testid="problems"' in response.text
    assert "!D4" in response.text  # the bad cell, named
    token = re.search(r"/roster/import/([A-Za-z0-9_-]+)/errors.xlsx", response.text).group(1)
    marked = client.get(f"/roster/import/{token}/errors.xlsx")
    assert marked.status_code == 200 and marked.content[:2] == b"PK"
    refused = client.post(f"/roster/import/{token}/commit", data={"_csrf": client.csrf})
    assert refused.status_code == 422
    with session_scope() as session:
        assert session.scalar(select(func.count(RosterEntry.id))) == 0
    sheet["D4"] = "13900000001"
    workbook.save(path)
    with path.open("rb") as fh:
        response = client.post(
            "/roster/import",
            data={"term": TERM, "body": "npc", "_csrf": client.csrf},
            files={"file": ("roster.xlsx", fh, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")},
        )
    token = re.search(r"/roster/import/([A-Za-z0-9_-]+)/commit", response.text).group(1)
    done = client.post(f"/roster/import/{token}/commit", data={"_csrf": client.csrf}, follow_redirects=False)
    assert done.status_code in (302, 303)
    with session_scope() as session:
        assert session.scalar(select(func.count(RosterEntry.id))) == 2


def test_disclosure_pages_preview_then_publish(client, world, users, as_user):
    as_user(users["office"])
    index = client.get("/disclosure")
    assert index.status_code == 200 and f'value="{world.reply_a}"' in index.text
    preview = client.post(
        "/disclosure/preview",
        data={"reply_id": [str(world.reply_a)], "published_on": "2026-03-12", "_csrf": client.csrf},
    )
    assert preview.status_code == 200
    public_text = re.search(r'data-testid="public-text">([^<]*)<', preview.text).group(1)
    assert "天桥" in public_text and "13912345678" not in public_text and "王明" not in public_text
    digest = re.search(rf'name="digest_{world.reply_a}" value="([0-9a-f]+)"', preview.text).group(1)
    done = client.post(
        "/disclosure/publish",
        data={
            "reply_id": [str(world.reply_a)],
            f"digest_{world.reply_a}": digest,
            "published_on": "2026-03-12",
            "_csrf": client.csrf,
        },
        follow_redirects=False,
    )
    assert done.status_code in (302, 303)
    stale = client.post(
        "/disclosure/publish",
        data={
            "reply_id": [str(world.reply_b)],
            f"digest_{world.reply_b}": "0" * 32,
            "published_on": "2026-03-12",
            "_csrf": client.csrf,
        },
    )
    assert stale.status_code == 409
    with session_scope() as session:
        assert session.scalar(select(func.count(PublicReply.id))) == 1


def test_second_round_visible_after_dissatisfied(client, world, users):
    """The deputy's 不满意 opens round 2 for the department; after its reply the deputy rates again."""
    portal_login(client, *world.zhang)
    client.post(
        f"/portal/items/{world.item_a}/feedback",
        data={"level": "dissatisfied", "comment": "未解决", "_csrf": client.csrf},
    )
    with session_scope() as session:
        lead2 = session.scalar(
            select(Assignment).where(
                Assignment.item_id == world.item_a, Assignment.round == 2, Assignment.role == "lead"
            )
        )
        actions.sign_for(session, users["jtw"].actor, lead2.id)
        from tests.portal.factory import handle_round

        handle_round(session, users, lead2.id, body="第二轮答复：天桥已于本月完成维修。")
    page = client.get(f"/portal/items/{world.item_a}")
    assert "第二轮答复" in page.text and 'data-testid="portal-feedback"' in page.text
    client.post(f"/portal/items/{world.item_a}/feedback", data={"level": "satisfied", "_csrf": client.csrf})
    with session_scope() as session:
        item = session.get(Item, world.item_a)
        assert item.state == "closed"
        assert [f.level for f in session.scalars(select(Feedback).order_by(Feedback.round))] == [
            "dissatisfied",
            "satisfied",
        ]


_ = sent_reply  # re-exported for other test modules


def test_office_pages_render(client, world, users, as_user):
    as_user(users["office"])
    for path in (
        "/roster",
        "/roster/new",
        "/roster/import",
        "/roster/links",
        "/roster/stats",
        "/disclosure",
        f"/roster/{world.zhang_entry}",
        "/roster?term=" + TERM + "&body=npc&q=张",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
    assert "张建华" in client.get("/roster/stats").text
    links = client.get("/roster/links").text
    assert "王伟" in links  # the ambiguous name waits for the office
    edit = client.post(
        f"/roster/{world.zhang_entry}",
        data={
            "name": "",
            "term": TERM,
            "body": "npc",
            "kind": "individual",
            "delegation": "朝阳代表团",
            "_csrf": client.csrf,
        },
    )
    assert edit.status_code == 422 and 'value="朝阳代表团"' in edit.text  # re-rendered with the input kept


def test_api_typed_and_scoped(client, world, users, as_user):
    portal_login(client, *world.zhang)
    items = client.get("/api/portal/items").json()
    assert {i["id"] for i in items} == {world.item_a, world.item_b}
    assert {i["id"]: i["may_rate"] for i in items} == {world.item_a: True, world.item_b: False}
    client.cookies.clear()
    assert client.get("/api/portal/items").status_code == 401
    assert client.get("/api/public/replies").json()["total"] == 0
    assert client.get(f"/api/public/replies/{world.reply_a}").status_code == 404
    as_user(users["office"])
    report = client.post("/api/roster/link").json()
    assert report["ambiguous"] == 1 and report["linked"] >= 4


def test_portal_in_english(client, world):
    portal_login(client, *world.zhang)
    client.get("/lang/en?next=/portal")
    page = client.get(f"/portal/items/{world.item_a}").text
    assert "Your feedback on the handling" in page and "as lead submitter" in page
    assert "您对办理工作的评价" not in page
