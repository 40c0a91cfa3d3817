"""In headless Chromium: a refused form comes back as typed, login retry after a typo, the department
picker used with the keyboard only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db.engine import session_scope
from app.db.models import Assignment
from app.services.workflow import actions
from tests.helpers import browser_login
from tests.routing.services.factories import make_session
from tests.workflow.factory import assigned_item

pytestmark = pytest.mark.browser


def test_a_refused_communication_keeps_what_was_typed(page, make_user, clean_db):
    office = make_user("office_staff")
    handler = make_user("dept_handler", "jtw")
    with session_scope(clean_db) as session:
        item = assigned_item(session, office.actor, [("jtw", "lead")], today=None)
        lead = session.scalar(select(Assignment).where(Assignment.item_id == item.id))
        actions.sign_for(session, handler.actor, lead.id)
        item_id = item.id
    browser_login(page, handler)
    page.goto(f"/items/{item_id}")
    box = page.locator("[data-action=record_communication]")
    box.locator("summary").click()
    box.locator("select[name=method]").select_option("phone")
    box.locator("[name=happened_at]").fill("2099-01-15T10:00")
    box.locator("[name=participants]").fill("张建华代表、王明")
    box.locator("[name=notes]").fill("电话沟通天桥维修安排")
    box.locator("button[type=submit]").click()

    page.wait_for_selector("[data-testid=error]")
    page.wait_for_function(f"location.pathname === '/items/{item_id}'")  # the address bar shows the page
    box = page.locator("[data-action=record_communication]")
    assert box.locator("details").get_attribute("open") is not None  # the form stays open
    assert box.locator("[name=participants]").input_value() == "张建华代表、王明"
    assert box.locator("[name=notes]").input_value() == "电话沟通天桥维修安排"
    assert box.locator("select[name=method]").input_value() == "phone"
    beside = box.locator("[data-error-for=happened_at]").inner_text()
    assert "不能" in beside
    summary = page.locator("[data-testid=error]").inner_text()
    assert "happened_at" not in page.locator("main").inner_text() and "时间" in summary

    box.locator("[name=happened_at]").fill("2026-01-15T10:00")
    box.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=done]")
    assert page.url.endswith(f"/items/{item_id}")  # 303 back to the page, not left on the POST URL
    assert "张建华代表、王明" in page.locator("[data-testid=communications]").inner_text()
    page.reload()
    assert page.locator("[data-testid=done]").count() == 0  # the notice was shown once


def test_login_retry_after_a_typo(page, make_user):
    user = make_user("dept_handler", "jtw")
    page.goto("/login")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "typo-in-password")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.locator(".alert.error").inner_text()
    assert page.locator("input[name=username]").input_value() == user.username
    page.fill("input[name=password]", user.password)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=current-user]")
    assert "表单已过期" not in page.content()


def test_the_department_picker_by_keyboard(page, make_user, clean_db):
    user = make_user("office_staff")
    with session_scope(clean_db) as session:
        congress, items = make_session(session)
        session_id, item_id = congress.id, items[0].id
    browser_login(page, user)
    page.goto(f"/routing?session={session_id}")
    page.click("[data-testid=route]")
    page.goto(f"/routing/items/{item_id}")
    form = page.locator("[data-testid=override-form]")
    before = form.locator("select[name=co]").evaluate("s => Array.from(s.selectedOptions).map(o => o.value)")
    co = form.locator("label:has(select[name=co]) .picker-input")
    co.focus()
    listbox = form.locator("label:has(select[name=co]) [role=listbox]")
    assert listbox.is_visible()
    groups = listbox.locator(".picker-group").all_inner_texts()
    assert groups[:3] == ["市级部门", "区政府", "企业"]
    page.keyboard.type("交通委")
    page.keyboard.press("Enter")  # chooses, does not submit
    page.keyboard.type("北京市规划和自然资源")  # part of a full name
    page.keyboard.press("Enter")
    page.keyboard.type("市发改委")  # an alias of 市发展改革委
    page.keyboard.press("Enter")
    page.keyboard.type("朝阳")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.keyboard.press("Backspace")  # removes the last chip (朝阳区)
    page.keyboard.press("Escape")
    assert not listbox.is_visible()
    chosen = form.locator("select[name=co]").evaluate("s => Array.from(s.selectedOptions).map(o => o.value)")
    assert sorted(chosen) == sorted({*before, "jtw", "ghzrzyw", "fgw"}), chosen
    chips = form.locator("label:has(select[name=co]) .picker-chip").all_inner_texts()
    assert len(chips) == len(chosen) and chips[-1].startswith("市发展改革委")  # in the order chosen

    lead = form.locator("label:has(select[name=lead]) .picker-input")
    lead.focus()
    page.keyboard.type("市公安局")
    page.keyboard.press("Enter")
    assert form.locator("select[name=lead]").input_value() == "gaj"
    form.locator("textarea[name=reason]").fill("以整治违法停车为主")
    form.locator("[data-testid=override]").click()
    page.wait_for_selector("[data-testid=done]")
    choice = page.locator("[data-testid=choice]").inner_text()
    assert "市公安局" in choice and "市交通委" in choice


def test_the_picker_keeps_the_choice_after_a_refusal(page, make_user, clean_db):
    user = make_user("office_staff")
    with session_scope(clean_db) as session:
        congress, items = make_session(session)
        session_id, item_id = congress.id, items[0].id
    browser_login(page, user)
    page.goto(f"/routing?session={session_id}")
    page.click("[data-testid=route]")
    page.goto(f"/routing/items/{item_id}")
    form = page.locator("[data-testid=override-form]")
    form.locator("select[name=mode]").select_option("split")
    split = form.locator("label:has(select[name=split]) .picker-input")
    split.focus()
    page.keyboard.type("市教委")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    form.locator("textarea[name=reason]").fill("分办：各自答复")
    form.locator("[data-testid=override]").click()
    page.wait_for_selector("[data-testid=error]")
    form = page.locator("[data-testid=override-form]")
    assert form.locator("textarea[name=reason]").input_value() == "分办：各自答复"
    assert form.locator("select[name=mode]").input_value() == "split"
    assert form.locator("label:has(select[name=split]) .picker-chip").all_inner_texts()[0].startswith("市教委")
    assert form.locator("[data-error-for=split]").count() == 1
