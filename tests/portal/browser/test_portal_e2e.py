"""Chromium end to end: office activates a deputy → deputy signs in on a phone → reads the reply →
不满意 with a comment → the department sees round 2 → after round 2 满意 → office publishes →
the reply is on the public site without the contact details."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db.engine import session_scope
from app.db.models import Assignment
from app.services import roster
from app.services.actor import Actor
from tests.helpers import browser_login
from tests.portal.factory import add_entry, handle_round, sent_reply
from tests.workflow.factory import new_item

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make(**options):
        context = browser.new_context(locale="zh-CN", base_url=live_server, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_deputy_rates_online_and_reply_goes_public(new_page, users, clean_db):
    with session_scope(clean_db) as session:
        entry = add_entry(session, "张建华", "朝阳代表团", phone="13800000001")
        item = new_item(session, lead_submitter="张建华", delegation="朝阳代表团")
        sent_reply(session, users, item)
        roster.link_items(session, Actor.system())
        item_id, entry_id = item.id, entry.id

    # the office issues the account and prints the letter
    office = new_page()
    browser_login(office, users["office"])
    office.goto("/roster")
    office.check(f"tr[data-entry-id='{entry_id}'] input[name=entry_id]")
    office.click("[data-testid=issue]")
    username = office.text_content("[data-testid=letter-username]").strip()
    code = office.text_content("[data-testid=letter-code]").strip()

    # the deputy activates on a phone, signs out and signs in again
    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.goto("/portal/activate")
    phone.fill("input[name=username]", username)
    phone.fill("input[name=code]", code)
    phone.fill("input[name=password]", "my-own-pass-1")
    phone.fill("input[name=repeat]", "my-own-pass-1")
    phone.click("button[type=submit]")
    phone.wait_for_selector("[data-testid=portal-items]")
    phone.click("text=退出")
    phone.fill("input[name=username]", username)
    phone.fill("input[name=password]", "my-own-pass-1")
    phone.click("button[type=submit]")
    phone.wait_for_selector(f"[data-item-id='{item_id}']")
    assert fits_the_phone(phone)

    # reads the reply, rates 不满意 with a comment
    phone.click(f"[data-item-id='{item_id}'] a.title")
    assert "计划年内完成维修" in phone.text_content("[data-testid=reply]")
    assert fits_the_phone(phone)
    phone.check("input[name=level][value=dissatisfied]")
    phone.fill("textarea[name=comment]", "天桥至今未修，请尽快落实")
    phone.click("[data-testid=portal-feedback] button[type=submit]")
    phone.wait_for_selector("[data-testid=feedback-done]")
    assert "在线评价" in phone.text_content("[data-testid=my-feedback]")

    # the department sees round 2
    handler = new_page()
    browser_login(handler, users["jtw"])
    handler.goto(f"/items/{item_id}")
    assert handler.locator("[data-testid=item-state] [data-state]").get_attribute("data-state") == "rehandling"
    with session_scope(clean_db) as session:
        lead2 = session.scalar(
            select(Assignment).where(Assignment.item_id == item_id, Assignment.round == 2, Assignment.role == "lead")
        )
        from app.services.workflow import actions

        actions.sign_for(session, users["jtw"].actor, lead2.id)
        handle_round(session, users, lead2.id, body="天桥已于本月完成维修并加装电梯。联系人王明，电话010-57079999。")

    # after round 2 the deputy rates 满意
    phone.goto(f"/portal/items/{item_id}")
    assert "加装电梯" in phone.text_content("body")
    phone.check("input[name=level][value=satisfied]")
    phone.click("[data-testid=portal-feedback] button[type=submit]")
    phone.wait_for_selector("[data-testid=feedback-done]")
    assert phone.text_content("[data-testid=progress]").strip() == "已办结"

    # the office publishes both rounds' replies after seeing the exact public text
    office.goto("/disclosure")
    for box in office.locator("[data-testid=pending] input[name=reply_id]").all():
        box.check()
    office.click("form[action='/disclosure/preview'] button[type=submit]")
    office.wait_for_selector("[data-testid=preview]")
    previews = office.locator("[data-testid=public-text]").all_text_contents()
    assert len(previews) == 2 and all("王明" not in text and "010-57079999" not in text for text in previews)
    office.click("[data-testid=confirm-publish]")
    office.wait_for_selector("[data-testid=done]")

    # anyone can read it on the public site, without the contact details
    visitor = new_page(viewport=PHONE)
    visitor.goto("/public")
    visitor.click("[data-testid=public-list] a.title >> nth=0")
    text = visitor.text_content("[data-testid=public-text]")
    assert "天桥" in text
    for secret in ("王明", "010-57079999", "13912345678", "wangming@"):
        assert secret not in visitor.content()
    assert fits_the_phone(visitor)
