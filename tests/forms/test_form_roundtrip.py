"""Forms through the test client: notices from the server session, refusals that keep what was typed
with the message beside the field (labelled, never the raw field name), say-why, labelled timeline."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.db.models import Assignment
from app.db.models.flash import FlashMessage
from app.services.workflow import actions
from tests.workflow.factory import assigned_item, good_draft
from tests.workflow.samples import PDF_BYTES

NO_FILE = {"files": ("", b"", "application/octet-stream")}


def lead_of(db_session, item):
    return db_session.scalar(select(Assignment).where(Assignment.item_id == item.id, Assignment.role == "lead"))


def signed_item(db_session, actors):
    item = assigned_item(db_session, actors["office"], [("jtw", "lead")], today=None)
    lead = lead_of(db_session, item)
    actions.sign_for(db_session, actors["jtw"], lead.id)
    db_session.commit()
    return item, lead


def test_a_crafted_link_cannot_put_text_on_the_page(db_session, users, actors, as_user):
    item, _lead = signed_item(db_session, actors)
    client = as_user(users["jtw"])
    page = client.get(f"/items/{item.id}?done=<b>您的账号已被冻结，请拨打</b>&error=请拨打电话")
    assert page.status_code == 200
    assert "冻结" not in page.text and "请拨打" not in page.text
    assert 'data-testid="done"' not in page.text
    routing_page = as_user(users["office"]).get("/routing?done=请拨打电话&error=请拨打电话")
    assert "请拨打" not in routing_page.text


def test_the_notice_comes_once_from_the_session(db_session, users, actors, as_user):
    item = assigned_item(db_session, actors["office"], [("jtw", "lead")], today=None)
    db_session.commit()
    lead = lead_of(db_session, item)
    client = as_user(users["jtw"])
    answer = client.post(
        f"/assignments/{lead.id}/act",
        data={"_csrf": client.csrf, "action": "sign_for", "expected_version": str(lead.version)},
        files=NO_FILE,
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/items/{item.id}"  # no text in the URL
    assert db_session.scalar(select(func.count(FlashMessage.id))) == 1
    # requests that are no page (static files, the API) leave the notice for the page
    assert client.get("/static/jianti.css").status_code == 200
    assert client.get("/api/me").status_code == 200
    page = client.get(answer.headers["location"])
    assert re.search(r'data-testid="done">[^<]*签收', page.text), page.text[:2000]
    again = client.get(answer.headers["location"])
    assert 'data-testid="done"' not in again.text  # shown once
    assert db_session.scalar(select(func.count(FlashMessage.id))) == 0


def test_another_session_does_not_see_my_notice(db_session, users, actors, as_user, app):
    from litestar.testing import TestClient

    from tests.helpers import login

    item = assigned_item(db_session, actors["office"], [("jtw", "lead")], today=None)
    db_session.commit()
    lead = lead_of(db_session, item)
    client = as_user(users["jtw"])
    client.post(
        f"/assignments/{lead.id}/act",
        data={"_csrf": client.csrf, "action": "sign_for", "expected_version": str(lead.version)},
        files=NO_FILE,
        follow_redirects=False,
    )
    with TestClient(app) as other:
        login(other, users["jtw"])
        other.cookies.set("jianti_flash", "1")
        assert 'data-testid="done"' not in other.get(f"/items/{item.id}").text
    assert 'data-testid="done"' in client.get(f"/items/{item.id}").text


def test_a_refused_communication_comes_back_as_typed_with_the_message_beside_the_field(
    db_session, users, actors, as_user
):
    item, lead = signed_item(db_session, actors)
    client = as_user(users["jtw"])
    answer = client.post(
        f"/assignments/{lead.id}/act",
        data={
            "_csrf": client.csrf,
            "action": "record_communication",
            "method": "phone",
            "happened_at": "2099-03-01T09:30",
            "participants": "张建华代表、李明",
            "notes": "电话沟通天桥维修进度",
        },
        files={"files": ("记录.pdf", PDF_BYTES, "application/pdf")},
        follow_redirects=False,
    )
    assert answer.status_code == 422
    html = answer.text
    assert "field happened_at" not in html and "happened_at:" not in html
    box = html[html.index('data-action="record_communication"') :]
    box = box[: box.index("</form>")]
    assert "<details open>" in html[html.index('data-action="record_communication"') - 5 :][:80]
    assert 'value="张建华代表、李明"' in box and "电话沟通天桥维修进度" in box
    assert re.search(r'<option value="phone"\s+selected', box)
    assert 'value="2099-03-01T09:30"' in box
    assert re.search(r'data-error-for="happened_at">[^<]*不能', box), box
    assert re.search(r"<strong>沟通时间|<strong>时间", html) or "<strong>" in html
    assert db_session.scalar(select(func.count()).select_from(Assignment)) == 1
    with_files_note = "请重新选择文件" in box
    assert with_files_note
    # the summary names the field by its label
    summary = html[html.index('data-testid="error"') :]
    summary = summary[: summary.index("</div>")]
    assert 'data-field="happened_at"' in summary and "happened_at" not in summary.replace(
        'data-field="happened_at"', ""
    )


def test_the_action_url_never_strands_the_browser(db_session, users, actors, as_user):
    item, lead = signed_item(db_session, actors)
    client = as_user(users["jtw"])
    answer = client.get(f"/assignments/{lead.id}/act", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == f"/items/{item.id}"
    answer = client.get(f"/items/{item.id}/act", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == f"/items/{item.id}"


def test_a_refused_reply_draft_keeps_the_text(db_session, users, actors, as_user):
    _item, lead = signed_item(db_session, actors)
    client = as_user(users["jtw"])
    editor = client.get(f"/assignments/{lead.id}/reply")
    version = re.search(r'name="expected_version" value="(\d+)"', editor.text).group(1)
    answer = client.post(
        f"/assignments/{lead.id}/reply",
        data={
            "_csrf": client.csrf,
            "body": "一、关于天桥维修：我委已完成检测。",
            "result_class": "B",
            "contact_person": "",
            "contact_phone": "010-57079999",
            "disclosure": "none",
            "expected_version": version,
        },
        files=NO_FILE,
    )
    assert answer.status_code == 422
    assert "一、关于天桥维修：我委已完成检测。" in answer.text
    assert 'value="010-57079999"' in answer.text
    assert re.search(r'<option value="none"\s+selected', answer.text)
    assert 'data-error-for="contact_person"' in answer.text and 'data-error-for="disclosure_reason"' in answer.text
    assert "<strong>联系人</strong>" in answer.text


def test_say_why_sign_off_is_missing(db_session, users, actors, as_user):
    _item, lead = signed_item(db_session, actors)
    actions.save_reply(db_session, actors["jtw"], lead.id, good_draft())
    db_session.commit()
    page = as_user(users["jtw_head"]).get(f"/items/{lead.item_id}").text
    assert 'data-action="sign_off"' not in page
    why = re.search(r'data-refused="sign_off">([^<]*)<', page)
    assert why and "沟通记录" in why.group(1), page[page.find("why-not") - 200 :][:800]


def test_timeline_has_labels_and_groups_repeated_system_entries(db_session, users, actors, as_user):
    item = assigned_item(db_session, actors["office"], [("jtw", "lead"), ("cgw", "co"), ("jw", "co")], today=None)
    db_session.commit()
    page = as_user(users["office"]).get(f"/items/{item.id}").text
    timeline = page[page.index('data-testid="timeline"') :]
    timeline = timeline[: timeline.index("</ol>")]
    text = re.sub(r"<[^>]+>", " ", timeline)
    for code in ("deadline_set", "routing_propose", "archive_import", "create"):
        assert code not in text
    assert re.search(r'data-audit="deadline_set"', timeline)
    assert "×" in text  # three assignments created / three deadlines set: shown once each with a count
    assert text.count("设定期限") == 1


def test_refused_account_form_keeps_input_but_not_the_password(login_as):
    client, _user = login_as("office_admin")
    answer = client.post(
        "/admin/users",
        data={
            "_csrf": client.csrf,
            "username": "wangli",
            "display_name": "王丽",
            "role": "dept_handler",
            "department": "",
            "password": "short-secret-x",
        },
    )
    assert answer.status_code == 422
    assert 'value="wangli"' in answer.text and 'value="王丽"' in answer.text
    assert "short-secret-x" not in answer.text
    assert 'data-error-for="department"' in answer.text
    ok = client.post(
        "/admin/users",
        data={
            "_csrf": client.csrf,
            "username": "wangli",
            "display_name": "王丽",
            "role": "dept_handler",
            "department": "jtw",
            "password": "long-enough-secret",
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303 and "?" not in ok.headers["location"]
    assert "wangli" in client.get("/admin/users").text


def test_say_why_before_the_draft_and_before_the_sign_off(db_session, users, actors, as_user):
    _item, lead = signed_item(db_session, actors)
    page = as_user(users["jtw_head"]).get(f"/items/{lead.item_id}").text
    why = re.search(r'data-refused="sign_off">([^<]*)<', page)
    assert why and "尚无答复草稿" in why.group(1)
    actions.save_reply(db_session, actors["jtw"], lead.id, good_draft())
    db_session.commit()
    page = as_user(users["jtw"]).get(f"/items/{lead.item_id}").text
    why = re.search(r'data-refused="submit_for_review">([^<]*)<', page)
    assert why and "尚未签发" in why.group(1)
    leader = as_user(users["leader"]).get(f"/items/{lead.item_id}").text
    assert "data-refused" not in leader  # read-only users are not told about actions they never have
