"""Background jobs with the in-process runner (no queue configured): through the services, the
pages and the API. The SAQ/Redis path is tests/ops/test_queue.py."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from app.db.engine import session_scope
from app.db.models.jobs import JobRecord
from app.ops import runner
from app.ops.schedule import fire_supervision
from app.services import jobs
from app.services.actor import Actor


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch):
    monkeypatch.setattr(runner, "RETRY_DELAYS_S", (0.05, 0.05, 0.05))
    runner.reset_dispatcher()
    yield
    runner.reset_dispatcher()


def test_job_runs_after_commit_and_records_its_result(clean_db):
    with session_scope() as session:
        job = jobs.submit(session, Actor.system(), "noop", {"sleep": 0.05})
        job_id = job.id
    done = runner.wait_for(job_id, timeout=20)
    assert done.status == "complete" and done.result == {"ok": True, "attempt": 1}
    assert done.started_at is not None and done.finished_at >= done.started_at
    assert done.progress_done == done.progress_total == 10


def test_a_job_submitted_inside_savepoints_starts_only_after_the_outer_commit(clean_db, monkeypatch):
    """A dedupe key takes a savepoint, and the import submits inside one: SQLAlchemy reports a released
    savepoint as after_commit too, which once started the job before its row was committed (on
    PostgreSQL the runner then found no row to claim and the job stayed queued for ever)."""
    started = []
    monkeypatch.setattr(runner, "dispatch", lambda job_id, kind=None, **_: started.append(job_id))
    with session_scope() as session:
        with session.begin_nested():
            job_id = jobs.submit(session, Actor.system(), "noop", dedupe_key="once").id
        assert started == []  # both savepoints released, the transaction still open
        session.flush()
    assert started == [job_id]


def test_rolled_back_submission_never_runs(clean_db):
    with pytest.raises(RuntimeError), session_scope() as session:
        jobs.submit(session, Actor.system(), "noop")
        raise RuntimeError("the request failed")
    with session_scope() as session:
        assert session.scalar(select(func.count(JobRecord.id))) == 0


def test_failures_are_retried_then_recorded(clean_db):
    flaky = runner.submit_now("noop", {"fail_times": 1})
    broken = runner.submit_now("noop", {"fail_times": 9}, max_attempts=2)
    flaky_job, broken_job = runner.wait_for(flaky, 20), runner.wait_for(broken, 20)
    assert flaky_job.status == "complete" and flaky_job.attempts == 2 and flaky_job.error is None
    assert broken_job.status == "failed" and broken_job.attempts == 2
    assert "failing on purpose (attempt 2)" in broken_job.error


def test_a_job_delivered_twice_runs_once(clean_db):
    with session_scope() as session:
        job_id = jobs.submit(session, Actor.system(), "noop", dispatch=False).id
    assert runner.execute(job_id) == "complete"
    assert runner.execute(job_id) == "skipped"
    assert runner.wait_for(job_id).attempts == 1


def test_daily_supervision_is_created_once(clean_db):
    first = fire_supervision()
    second = fire_supervision()
    assert first == second
    with session_scope() as session:
        rows = session.scalars(select(JobRecord).where(JobRecord.kind == "supervision")).all()
    assert len(rows) == 1 and rows[0].status == "complete"
    assert rows[0].dedupe_key.startswith("supervision:")


def test_jobs_page_for_office_admin_only(client, login_as, make_user):
    from tests.helpers import login

    ok = runner.submit_now("noop")
    bad = runner.submit_now("noop", {"fail_times": 9}, max_attempts=1)
    runner.wait_for(ok), runner.wait_for(bad)
    client, _admin = login_as("office_admin")
    page = client.get("/jobs")
    assert page.status_code == 200
    assert page.text.count('data-job-status="complete"') == 1 and page.text.count('data-job-status="failed"') == 1
    assert "failing on purpose" in page.text
    api = client.get("/api/jobs").json()
    assert {j["status"] for j in api["jobs"]} == {"complete", "failed"}
    client.get("/logout")
    login(client, make_user("dept_handler", "jtw"))
    assert client.get("/jobs").status_code == 403
    assert client.get(f"/api/jobs/{ok}").status_code == 403  # another user's job


def test_export_in_the_background_then_download(client, login_as):
    client, _user = login_as("office_staff")
    response = client.post("/jobs/export-items", data={"format": "xlsx", "_csrf": client.csrf}, follow_redirects=False)
    assert response.status_code == 303
    job_id = int(response.headers["location"].rsplit("/", 1)[1])
    assert runner.wait_for(job_id).status == "complete"
    page = client.get(f"/jobs/{job_id}")
    assert 'data-job-status="complete"' in page.text and 'data-testid="job-file"' in page.text
    download = client.get(f"/jobs/{job_id}/file")
    assert download.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(download.content))
    assert workbook.sheetnames


def test_statistics_workbook_job(client, login_as):
    client, _user = login_as("office_admin")
    response = client.post(
        "/jobs/stats-workbook", data={"year": "2026", "kind": "all", "_csrf": client.csrf}, follow_redirects=False
    )
    job_id = int(response.headers["location"].rsplit("/", 1)[1])
    job = runner.wait_for(job_id, timeout=60)
    assert job.status == "complete", job.error
    assert job.result["file"].endswith(".xlsx")
    assert openpyxl.load_workbook(io.BytesIO(client.get(f"/jobs/{job_id}/file").content)).sheetnames


def test_list_and_statistics_pages_offer_background_work(client, login_as):
    client, _user = login_as("office_staff")
    assert 'data-testid="export-job"' in client.get("/items?state=registered").text
    assert 'data-testid="stats-job"' in client.get("/stats").text


def test_import_of_a_previewed_upload_as_a_job(client, login_as):
    from app import PROJECT_ROOT
    from app.services.sessions import add_session

    with session_scope() as session:
        add_session(session, Actor.system(), label="市十六届人大四次会议", body="npc", year=2026, number_width=4)
    client, _user = login_as("office_staff")
    sample = PROJECT_ROOT / "imports" / "samples" / "beijing_npc_2026.xlsx"
    preview = client.post(
        "/api/imports/preview",
        files={"file": (sample.name, sample.read_bytes(), "application/octet-stream")},
        data={"kind": "npc_suggestion", "session": "市十六届人大四次会议"},
        headers={"X-CSRF-Token": client.csrf},
    )
    token = preview.json()["token"]
    page = client.post(
        "/imports/preview",
        files={"file": (sample.name, sample.read_bytes(), "application/octet-stream")},
        data={"kind": "npc_suggestion", "session": "市十六届人大四次会议", "_csrf": client.csrf},
    )
    assert 'data-testid="import-job"' in page.text  # the preview page offers the import in the background
    started = client.post(f"/api/imports/pending/{token}/jobs", headers={"X-CSRF-Token": client.csrf})
    assert started.status_code == 202, started.text
    job = runner.wait_for(started.json()["id"], timeout=60)
    assert job.status == "complete", job.error
    assert job.result["counts"]["new"] == 800 and job.progress_total >= 800
    assert client.get(f"/jobs/{job.id}").status_code == 200
    again = client.post(f"/jobs/import/{token}", data={"_csrf": client.csrf}, follow_redirects=False)
    assert again.status_code == 404  # the upload was used up
