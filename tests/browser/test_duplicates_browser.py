"""Duplicates at import in headless Chromium: the preview lists a resubmission of last session's item,
the routing review shows the 并案 suggestion (badge, item page), and dismissing it with a reason works."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db.engine import session_scope
from app.db.models import CongressSession, Item
from app.db.models.similarity import MergeSuggestion
from app.services import importing
from app.services.actor import Actor
from app.services.sessions import add_session
from tests.browser.test_import_browser import upload
from tests.helpers import browser_login
from tests.similarity.test_duplicates_at_import import LAST, THIS, _this_year, last_session_rows

pytestmark = pytest.mark.browser


@pytest.fixture
def make_xlsx(tmp_path):
    """Rows to a fresh .xlsx (one sheet 清单)."""
    from openpyxl import Workbook

    counter = iter(range(100))

    def make(rows):
        book = Workbook()
        book.active.title = "清单"
        for row in rows:
            book.active.append(list(row))
        path = tmp_path / f"book{next(counter)}.xlsx"
        book.save(path)
        return path

    return make


@pytest.fixture
def last_session(clean_db, make_xlsx):
    with session_scope(clean_db) as session:
        add_session(session, Actor.system(), label=LAST, body="npc", year=2025, number_width=4)
        add_session(session, Actor.system(), label=THIS, body="npc", year=2026, number_width=4)
    with session_scope(clean_db) as session:
        importing.commit_import(
            session, Actor.system(), make_xlsx(last_session_rows()), kind="npc_suggestion", session_label=LAST
        )


def test_preview_shows_the_duplicate_and_the_review_lets_the_office_dismiss_it(
    page,
    make_user,
    make_xlsx,
    last_session,
    clean_db,
):
    browser_login(page, make_user("office_staff"))
    upload(page, _this_year(make_xlsx))
    duplicates = page.locator("[data-testid=duplicates]")
    assert duplicates.count() == 1
    resubmission = duplicates.locator("tr[data-number='0001']").first
    assert f"{LAST} 0001" in resubmission.inner_text() and "望京" in resubmission.inner_text()
    page.click("[data-testid=confirm-form] button[type=submit]")
    page.wait_for_selector("[data-testid=batch-summary]")
    with session_scope(clean_db) as session:
        session_id = session.scalar(select(CongressSession.id).where(CongressSession.label == THIS))
        item_id = session.scalar(select(Item.id).where(Item.session_id == session_id, Item.number == "0001"))
        suggestion_id = session.scalar(select(MergeSuggestion.id).where(MergeSuggestion.item_id == item_id))
    page.goto(f"/routing?session={session_id}")
    assert page.locator("tr[data-item='0001'] [data-testid=duplicate-badge]").count() == 1
    page.goto(f"/routing/items/{item_id}")
    card = page.locator("[data-testid=merge-suggestion][data-status=proposed]")
    assert card.count() == 1 and LAST in card.inner_text()
    assert card.locator("[data-testid=merge-accept]").count() == 1
    card.locator("[data-testid=merge-dismiss-reason]").fill("去年已答复，今年情况有变化，单独办理")
    card.locator("[data-testid=merge-dismiss]").click()
    page.wait_for_selector("[data-testid=merge-decided]")
    assert "去年已答复" in page.locator("[data-testid=merge-decided]").inner_text()
    with session_scope(clean_db) as session:
        row = session.get(MergeSuggestion, suggestion_id)
        assert row.status == "dismissed" and session.get(Item, item_id).state == "registered"
