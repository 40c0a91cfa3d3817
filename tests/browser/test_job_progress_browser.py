"""The import page's list of the user's background jobs in Chromium: the bar follows the job while the
user looks at the page (static/my_jobs.js), and the finished job is shown once it ends."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from app.db.engine import session_scope
from app.db.models.jobs import JobRecord
from tests.helpers import browser_login
from tests.ops.test_job_lists import _running_job

pytestmark = pytest.mark.browser


def _set(job_id: int, **values) -> None:
    with session_scope() as session:
        session.execute(update(JobRecord).where(JobRecord.id == job_id).values(**values))


def test_the_bar_moves_and_the_finished_job_is_shown(page, make_user):
    staff = make_user("office_staff")
    job_id = _running_job(staff, "import_batch", 80, 800, "reading rows")
    browser_login(page, staff)
    page.goto("/imports/")
    bar = page.locator(f"[data-my-job='{job_id}'] progress")
    assert bar.get_attribute("value") == "10"
    _set(job_id, progress_done=480)  # what a worker elsewhere writes as it reads rows
    expect(bar).to_have_attribute("value", "60")  # the page polls /api/jobs/{id}
    assert "60%" in page.locator(f"[data-my-job='{job_id}']").inner_text()
    _set(job_id, status="complete", progress_done=800, result={"batch_id": 1, "counts": {"new": 800}})
    page.wait_for_selector(f"[data-my-job='{job_id}'][data-job-status='complete']")
    assert "新增 800 件" in page.locator(f"[data-my-job='{job_id}']").inner_text()
    page.click(f"[data-my-job='{job_id}'] a[href='/jobs/{job_id}']")  # and back to the job's own page
    assert page.locator("[data-testid=job-status]").inner_text() == "已完成"
