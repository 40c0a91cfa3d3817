"""The user's own background jobs on the import and statistics pages: progress bar, link to the job
page (leave and come back), results in words; nobody sees another user's jobs."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from app.db.engine import session_scope
from app.db.models.jobs import JobRecord
from app.ops import runner
from app.services import jobs
from app.services.actor import Actor
from tests.helpers import login


@pytest.fixture(autouse=True)
def fresh_dispatcher():
    runner.reset_dispatcher()
    yield
    runner.reset_dispatcher()


def _actor(user) -> Actor:
    from app.db.models import User

    with session_scope() as session:
        return Actor.of(session.get(User, user.id))


def _running_job(user, kind: str, done: int, total: int, note: str) -> int:
    """A job row as a worker elsewhere leaves it mid-way (not dispatched here)."""
    with session_scope() as session:
        job = jobs.submit(session, _actor(user), kind, {}, dispatch=False)
        session.execute(
            update(JobRecord)
            .where(JobRecord.id == job.id)
            .values(status="running", attempts=1, progress_done=done, progress_total=total, progress_note=note)
        )
        return job.id


def _my_jobs(html: str) -> str:
    match = re.search(r'<section class="card" data-testid="my-jobs">.*?</section>', html, re.S)
    return match.group(0) if match else ""


def _started(response) -> int:
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def test_import_page_lists_my_running_and_finished_imports(client, make_user):
    staff, other = make_user("office_staff"), make_user("office_staff")
    running = _running_job(staff, "import_batch", 300, 800, "reading rows")
    with session_scope() as session:  # a finished one, with its batch in the result
        done = jobs.submit(session, _actor(staff), "import_batch", {}, dispatch=False)
        done.status, done.result = "complete", {"batch_id": 7, "counts": {"new": 800, "changed": 0, "unchanged": 0}}
        done_id = done.id
    theirs = _running_job(other, "import_batch", 1, 2, "reading rows")

    login(client, staff)
    page = client.get("/imports/")
    assert page.status_code == 200
    box = _my_jobs(page.text)
    assert f'data-my-job="{running}"' in box and f'data-my-job="{done_id}"' in box
    assert f'data-my-job="{theirs}"' not in box
    assert box.index(f'data-my-job="{running}"') < box.index(f'data-my-job="{done_id}"')  # running first
    assert f'href="/jobs/{running}"' in box  # the way back to the job
    assert '<progress max="100" value="37"' in box and "37%" in box
    assert "正在读取数据行" in box and "reading rows" not in box.split("data-job-note")[-1]  # the note in words
    assert "第 7 批：新增 800 件" in box and 'href="/imports/7"' in box
    assert "/static/my_jobs.js" in page.text
    # the job page itself shows the same bar, and the API the same numbers (what my_jobs.js reads)
    assert 'value="37"' in client.get(f"/jobs/{running}").text
    assert client.get(f"/api/jobs/{running}").json()["percent"] == 37
    assert client.get(f"/api/jobs/{theirs}").status_code == 403


def test_no_list_without_jobs_and_none_of_the_other_kind(client, make_user):
    staff = make_user("office_staff")
    _running_job(staff, "stats_workbook", 0, 2, "computing figures")
    login(client, staff)
    page = client.get("/imports/")
    assert 'data-testid="my-jobs"' not in page.text and "/static/my_jobs.js" not in page.text
    assert 'data-testid="my-jobs"' in client.get("/stats").text


def test_statistics_workbook_from_a_department_only_its_own_user_sees(client, make_user):
    mine, colleague_elsewhere, office = (
        make_user("dept_handler", "jtw"),
        make_user("dept_handler", "jw"),
        make_user("office_admin"),
    )
    login(client, mine)
    page = client.get("/stats")
    assert 'data-testid="stats-job"' in page.text  # departments may prepare their workbook in the background
    job_id = _started(
        client.post(
            "/jobs/stats-workbook", data={"year": "2026", "kind": "all", "_csrf": client.csrf}, follow_redirects=False
        )
    )
    job = runner.wait_for(job_id, timeout=60)
    assert job.status == "complete", job.error
    box = _my_jobs(client.get("/stats").text)
    assert f'data-my-job="{job_id}"' in box and f'href="/jobs/{job_id}/file"' in box
    assert 'data-job-status="complete"' in box and "工作簿" in box
    assert client.get(f"/jobs/{job_id}/file").status_code == 200

    for other in (colleague_elsewhere, office):
        client.get("/logout")
        login(client, other)
        assert f'data-my-job="{job_id}"' not in client.get("/stats").text
        assert 'data-testid="my-jobs"' not in client.get("/stats").text
    assert client.get(f"/jobs/{job_id}").status_code == 200  # the office admin may open it from the jobs page
    client.get("/logout")
    login(client, colleague_elsewhere)
    assert client.get(f"/jobs/{job_id}").status_code == 403
    assert client.get(f"/jobs/{job_id}/file").status_code == 403


def test_pages_speak_english_too_and_never_show_the_result_as_json(client, make_user):
    admin = make_user("office_admin")
    with session_scope() as session:
        job = jobs.submit(session, _actor(admin), "supervision", {}, dispatch=False)
        job.status = "complete"
        job.result = {"day": "2026-12-02", "evaluated": 12, "matched": 3, "new": 3, "mailed": 0, "recomputed": 0}
        job_id = job.id
    login(client, admin)
    page = client.get("/jobs")
    assert "2026-12-02：检查未办结期限 12 个，新提醒 3 条" in page.text and '"evaluated"' not in page.text
    assert "新提醒 3 条" in client.get(f"/jobs/{job_id}").text
    client.get("/lang/en?next=/", follow_redirects=False)
    english = client.get("/jobs").text
    assert "2026-12-02: 12 open deadlines evaluated, 3 new reminders, 0 mailed" in english


def _start_broken_import(client, staff) -> int:
    import io

    from app.demo.jobs import broken_workbook
    from app.domain.enums import ItemKind
    from app.services import importing
    from app.services.sessions import add_session

    with session_scope() as session:
        add_session(session, Actor.system(), label="市十六届人大四次会议", body="npc", year=2026, number_width=4)
    pending = importing.save_pending(
        _actor(staff),
        io.BytesIO(broken_workbook()),
        file_name="补录.xlsx",
        kind=ItemKind.NPC_SUGGESTION,
        session_label="市十六届人大四次会议",
    )
    return _started(client.post(f"/jobs/import/{pending.token}", data={"_csrf": client.csrf}, follow_redirects=False))


def test_a_failed_import_shows_the_problems_it_found(client, make_user):
    staff = make_user("office_staff")
    login(client, staff)
    job = runner.wait_for(_start_broken_import(client, staff), timeout=60)
    assert job.status == "failed" and job.attempts == 1  # the user's mistake is not retried
    box = _my_jobs(client.get("/imports/").text)
    assert 'data-job-status="failed"' in box and "<progress" not in box
    assert "工作簿有 2 个问题" in box and "B2 (标题)" in box and "<br>" in box


def test_a_job_runs_in_the_language_of_whoever_started_it(client, make_user):
    staff = make_user("office_staff")
    login(client, staff)
    client.get("/lang/en?next=/", follow_redirects=False)
    job = runner.wait_for(_start_broken_import(client, staff), timeout=60)
    assert job.params["_locale"] == "en"
    assert job.error.startswith("The workbook has 2 problem") and "is empty" in job.error, job.error
