"""End to end in Chromium: sign for, communicate, draft, sign off, accept, 不满意 → round 2, reply again, 满意 → closed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db.models import Item
from app.services.workflow import actions
from tests.helpers import browser_login
from tests.workflow.factory import new_item
from tests.workflow.samples import PDF_BYTES

pytestmark = pytest.mark.browser


@pytest.fixture
def open_as(browser, live_server):
    """open_as(user) -> that person's logged-in page (one browser context per person, logged in once)."""
    pages = {}

    def login(user):
        if user.username not in pages:
            context = browser.new_context(locale="zh-CN", base_url=live_server)
            page = context.new_page()
            page.set_default_timeout(15_000)
            browser_login(page, user)
            pages[user.username] = page
        return pages[user.username]

    yield login
    for page in pages.values():
        page.context.close()


def act(page, action: str, **fields) -> None:
    """Fill and submit the form of one offered action, then wait for the confirmation."""
    box = page.locator(f"[data-action={action}]")
    opener = box.locator("details:not([open]) > summary")
    if opener.count():
        opener.click()
    for name, value in fields.items():
        box.locator(f"[name={name}]").fill(value)
    box.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=done]")


def state(page) -> str:
    return page.locator("[data-testid=item-state] [data-state]").get_attribute("data-state")


def handle_one_round(open_as, users, item_id: int, tmp_path, round_no: int) -> None:
    handler = open_as(users["jtw"])
    handler.goto(f"/items/{item_id}")
    act(handler, "sign_for")
    box = handler.locator("[data-action=record_communication]")
    box.locator("summary").click()
    box.locator("select[name=method]").select_option("meeting")
    box.locator("[name=happened_at]").fill("2026-01-15T10:00")
    box.locator("[name=participants]").fill("张建华代表、王明")
    box.locator("[name=notes]").fill(f"第{round_no}轮面商，现场察看天桥情况")
    box.locator("button[type=submit]").click()
    handler.wait_for_selector("[data-testid=done]")
    assert "张建华代表、王明" in handler.locator("[data-testid=communications]").first.inner_text()

    handler.locator("[data-action=draft_reply] a").click()
    form = handler.locator("[data-testid=reply-form]")
    form.locator("[name=body]").fill(f"一、关于天桥维修\n第{round_no}轮：我委已会同朝阳区完成检测，年内完成维修。")
    form.locator("[name=result_class]").select_option("B")
    form.locator("[name=contact_person]").fill("王明")
    form.locator("[name=contact_phone]").fill("010-57079999")
    scan = tmp_path / f"答复函-{round_no}.pdf"
    scan.write_bytes(PDF_BYTES)
    form.locator("[name=files]").set_input_files(str(scan))
    form.locator("button[type=submit]").click()
    handler.wait_for_selector("[data-testid=done]")
    assert f"答复函-{round_no}.pdf" in handler.content()
    assert handler.locator("[data-action=sign_off]").count() == 0  # only the unit head signs off

    head = open_as(users["jtw_head"])
    head.goto(f"/items/{item_id}")
    act(head, "sign_off")
    act(head, "submit_for_review")

    office = open_as(users["office"])
    office.goto("/review")
    office.locator("[data-testid=review-replies] tbody a").first.click()
    act(office, "accept_reply")
    assert state(office) == "replied"


def test_two_rounds_in_the_browser(db_session, users, actors, open_as, tmp_path):
    item = new_item(db_session)
    db_session.commit()
    actions.assign(db_session, actors["office"], item.id, [("jtw", "lead")])
    db_session.commit()

    handle_one_round(open_as, users, item.id, tmp_path, 1)

    office = open_as(users["office"])
    office.goto(f"/items/{item.id}/feedback")
    office.locator("input[name=level][value=dissatisfied]").check()
    office.locator("[name=comment]").fill("天桥维修进度慢，不满意")
    office.locator("[data-testid=feedback-form] button[type=submit]").click()
    office.wait_for_selector("[data-testid=done]")
    assert state(office) == "rehandling"
    assert office.locator("[data-testid=item-round]").inner_text() == "2"

    handle_one_round(open_as, users, item.id, tmp_path, 2)

    office = open_as(users["office"])
    office.goto(f"/items/{item.id}/feedback")
    office.locator("input[name=level][value=satisfied]").check()
    office.locator("[data-testid=feedback-form] button[type=submit]").click()
    office.wait_for_selector("[data-testid=done]")
    assert state(office) == "closed"
    # both rounds stay on the page, with their replies and feedback
    assert office.locator("[data-round]").count() == 2
    assert office.locator("[data-testid=reply]").count() == 2
    assert office.locator("[data-testid=feedback]").count() == 2
    with office.expect_popup() as letter_page:
        office.locator("[data-testid=letter-html]").first.click()
    letter = letter_page.value
    letter.wait_for_load_state()
    assert "收悉" in letter.content() and "答复类别：B" in letter.content()

    db_session.expire_all()
    assert db_session.scalar(select(Item.state).where(Item.id == item.id)) == "closed"
