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
