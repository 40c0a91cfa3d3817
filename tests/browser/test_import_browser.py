"""Upload → preview → confirm in headless Chromium, and a workbook with errors importing nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app import PROJECT_ROOT
from app.db.engine import session_scope
from app.db.models import Item
from app.services.actor import Actor
from app.services.sessions import add_session
from tests.helpers import browser_login

pytestmark = pytest.mark.browser
SAMPLES = PROJECT_ROOT / "imports" / "samples"
NPC_SESSION = "市十六届人大四次会议"


@pytest.fixture
def npc_session(clean_db):
    with session_scope(clean_db) as session:
        add_session(session, Actor.system(), label=NPC_SESSION, body="npc", year=2026, number_width=4)


def items(engine) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count(Item.id)))


def upload(page, path):
    page.goto("/imports")
    page.select_option("select[name=kind]", "npc_suggestion")
    page.select_option("select[name=session]", NPC_SESSION)
    page.set_input_files("input[name=file]", str(path))
    page.click("[data-testid=upload-form] button[type=submit]")
    page.wait_for_selector("[data-testid=preview-counts], .alert.error", timeout=60_000)
    assert page.locator("[data-testid=preview-counts]").count() == 1, page.content()[:3000]


def test_upload_preview_confirm(page, make_user, npc_session, clean_db):
    browser_login(page, make_user("office_staff"))
    upload(page, SAMPLES / "beijing_npc_2026.xlsx")
    assert page.locator("[data-testid=count-new]").inner_text() == "800"
    assert page.locator("[data-testid=count-errors]").inner_text() == "0"
    assert items(clean_db) == 0
    page.click("[data-testid=confirm-form] button[type=submit]")
    page.wait_for_selector("[data-testid=batch-summary]")
    assert page.locator("[data-testid=batch-new]").inner_text() == "800"
    assert items(clean_db) == 800
    page.goto("/items?q=停车")
    assert int(page.locator("[data-testid=items-total]").inner_text()) > 0


def test_workbook_with_errors_imports_nothing(page, make_user, npc_session, clean_db, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["建议号", "标题", "领衔代表", "类别"])
    workbook.active.append([1, "关于…的建议", "张三", "外星"])
    path = tmp_path / "有错误.xlsx"
    workbook.save(path)
    browser_login(page, make_user("office_staff"))
    upload(page, path)
    assert page.locator("[data-testid=count-errors]").inner_text() == "1"
    assert "未知的分类“外星”" in page.locator("[data-testid=problems]").inner_text()
    assert page.locator("[data-testid=confirm-form]").count() == 0
    with page.expect_download() as download:
        page.click("[data-testid=error-copy]")
    assert download.value.suggested_filename.endswith(".xlsx")
    assert items(clean_db) == 0


def test_new_session_from_the_import_page_keeps_input_on_error(page, make_user, clean_db):
    """届次 created straight from the import page: a wrong year comes back with the message beside
    the field and what was typed kept; once right, the import page has it selected."""
    browser_login(page, make_user("office_staff"))
    page.goto("/imports")
    page.click('a[href="/sessions?next_url=/imports"]')
    form = page.locator("[data-testid=session-form]")
    form.locator("input[name=label]").fill("市政协十四届五次会议")
    page.select_option("[data-testid=session-form] select[name=body]", "cppcc")
    form.locator("input[name=year]").fill("二〇二七")
    page.click("[data-testid=save-session]")
    page.wait_for_selector("[data-testid=error-year]")
    assert form.locator("input[name=label]").input_value() == "市政协十四届五次会议"  # kept
    assert "/sessions" in page.url and "二〇二七" == form.locator("input[name=year]").input_value()
    form.locator("input[name=year]").fill("2027")
    page.click("[data-testid=save-session]")
    page.wait_for_url("**/imports?session=**")
    assert page.locator("select[name=session] option:checked").inner_text() == "市政协十四届五次会议"


def test_partial_reimport_lists_the_locked_rows_and_imports_the_others(
    page, make_user, npc_session, clean_db, tmp_path
):
    from openpyxl import load_workbook

    from app.services.workflow import actions
    from tests.workflow.factory import OFFICE

    office = make_user("office_staff")
    browser_login(page, office)
    upload(page, SAMPLES / "beijing_npc_2026.xlsx")
    page.click("[data-testid=confirm-form] button[type=submit]")
    page.wait_for_selector("[data-testid=batch-summary]")
    with session_scope(clean_db) as session:  # one item is assigned (交办): its row is locked now
        first = session.scalar(select(Item).order_by(Item.number).limit(1))
        actions.assign(session, OFFICE, first.id, [("jtw", "lead")])
        locked_number, locked_title = first.number, first.title
    book = load_workbook(SAMPLES / "beijing_npc_2026.xlsx")
    sheet = book.worksheets[0]
    header_row = next(r for r in range(1, 6) if any(str(c.value or "").strip() == "标题" for c in sheet[r]))
    title_col = next(c.column for c in sheet[header_row] if str(c.value or "").strip() == "标题")
    number_col = next(c.column for c in sheet[header_row] if "号" in str(c.value or ""))
    changed = 0
    for row in range(header_row + 1, sheet.max_row + 1):
        digits = "".join(ch for ch in str(sheet.cell(row, number_col).value or "") if ch.isdigit())
        if digits and int(digits) in (int(locked_number), int(locked_number) + 1):
            sheet.cell(row, title_col).value = f"{sheet.cell(row, title_col).value}（修改）"
            changed += 1
    assert changed == 2
    path = tmp_path / "交办清单_修改.xlsx"
    book.save(path)

    upload(page, path)
    assert page.locator("[data-testid=count-locked]").inner_text() == "1"
    assert page.locator("[data-testid=locked-explained]").is_visible()
    assert locked_title in page.locator("[data-testid=locked]").inner_text()
    assert "（修改）" in page.locator("[data-testid=changed]").inner_text()  # field-level diff: old → new
    form = page.locator("[data-testid=skip-locked-form]")
    form.locator("input[name=confirm_changes]").check()
    form.locator("[data-testid=skip-locked]").click()
    page.wait_for_selector("[data-testid=batch-summary]")
    with session_scope(clean_db) as session:
        titles = dict(session.execute(select(Item.number, Item.title)).all())
    assert titles[locked_number] == locked_title  # left as it was
    assert any(t.endswith("（修改）") for n, t in titles.items() if n != locked_number)
