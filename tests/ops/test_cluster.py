"""Several server processes behave as one system: `jianti serve --workers 2`, and two servers on
different ports on one database (PostgreSQL in CI's second pass; the run's SQLite file otherwise).

What is made on one process is valid on the other: the login (server-side session), the CSRF token,
a pending import upload (stored in the data folder, keyed by token), and a job (its row and its file).
Flash messages are not on this branch yet (the forms helper's app/web/flash.py): not covered here.
"""

from __future__ import annotations

import re
import time

import httpx
import pytest

from app.db.engine import session_scope
from app.domain.enums import ItemKind
from app.importing.samples import build_batch
from app.rules.profiles import load_profile
from app.services.actor import Actor
from app.services.sessions import add_session
from tests.live_server import Server, server_env

NPC = "市十六届人大四次会议"
ROWS = 60  # a workbook like the samples, smaller: the import is what crosses servers, not its size
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSRF = re.compile(r'name="_csrf" value="([^"]*)"')


@pytest.fixture
def cluster_env(clean_db, database_url, tmp_path):
    with session_scope(clean_db) as session:
        add_session(session, Actor.system(), label=NPC, body="npc", year=2026, number_width=4)
    return server_env(database_url)


def _login(client: httpx.Client, user) -> str:
    token = CSRF.search(client.get("/login").text).group(1)
    response = client.post(
        "/login", data={"username": user.username, "password": user.password, "_csrf": token, "next": "/"}
    )
    assert response.status_code == 302, response.text[:300]
    return CSRF.search(client.get("/").text).group(1)


def test_two_servers_on_one_database(cluster_env, make_user, tmp_path):
    user = make_user("office_admin")
    servers = [Server(cluster_env, tmp_path / "a.log"), Server(cluster_env, tmp_path / "b.log")]
    try:
        for server in servers:
            server.wait()
        a = httpx.Client(base_url=servers[0].base, timeout=60)
        csrf = _login(a, user)  # login and CSRF token made on A
        b = httpx.Client(base_url=servers[1].base, timeout=60, cookies=a.cookies)
        home = b.get("/")
        assert home.status_code == 200 and 'data-testid="current-user"' in home.text  # the login holds on B

        sample = tmp_path / "npc.xlsx"
        build_batch(load_profile("beijing"), ItemKind.NPC_SUGGESTION, ROWS, 7, sample, NPC, expected=False)
        preview = a.post(
            "/api/imports/preview",
            files={"file": (sample.name, sample.read_bytes(), XLSX)},
            data={"kind": "npc_suggestion", "session": NPC},
            headers={"X-CSRF-Token": csrf},
        )
        assert preview.status_code == 200, preview.text[:500]
        committed = b.post(  # the pending upload made on A, confirmed on B with A's CSRF token
            f"/api/imports/pending/{preview.json()['token']}/commit", json={}, headers={"X-CSRF-Token": csrf}
        )
        assert committed.status_code == 201, committed.text[:500]
        assert committed.json()["batch"]["counts"]["new"] == ROWS

        started = b.post("/jobs/export-items", data={"format": "csv", "_csrf": csrf})  # a job started on B
        assert started.status_code == 303
        job_id = int(started.headers["location"].rsplit("/", 1)[1])
        deadline = time.monotonic() + 60
        while (job := a.get(f"/api/jobs/{job_id}").json())["status"] not in ("complete", "failed"):
            assert time.monotonic() < deadline, job
            time.sleep(0.05)
        assert job["status"] == "complete" and job["result"]["rows"] == ROWS  # seen on A
        download = a.get(f"/jobs/{job_id}/file")  # its file, written by B, served by A
        assert download.status_code == 200 and download.text.count("\n") >= ROWS
        assert a.get("/api/jobs").json()["jobs"][0]["id"] == job_id
    finally:
        for server in servers:
            server.stop()


def test_serve_with_two_workers_acts_as_one(cluster_env, make_user, tmp_path):
    user = make_user("office_admin")
    server = Server(cluster_env, tmp_path / "w.log", workers=2)
    try:
        server.wait()
        first = httpx.Client(base_url=server.base, timeout=60)
        csrf = _login(first, user)
        cookies = first.cookies
        answers = []
        # a new connection for every request (no keep-alive): the kernel spreads them over both worker processes
        fresh = httpx.Client(
            base_url=server.base, timeout=60, cookies=cookies, limits=httpx.Limits(max_keepalive_connections=0)
        )
        for n in range(60):
            if n % 3 == 0:
                response = fresh.post("/jobs/supervision", data={"_csrf": csrf})
                assert response.status_code == 303, response.text[:300]
            else:
                response = fresh.get("/api/me", headers={"X-CSRF-Token": csrf})
                assert response.status_code == 200 and response.json()["username"] == user.username
            answers.append(response.headers["x-request-id"])
            if n >= 20 and len({line["pid"] for line in server.request_lines()}) >= 2:
                break
        lines = {line["request_id"]: line for line in server.request_lines()}
        pids = {lines[rid]["pid"] for rid in answers if rid in lines}
        assert len(pids) == 2, f"all requests went to one worker: {pids}"
        login_pid = next(
            line["pid"] for line in lines.values() if line["route"] == "/login" and line["method"] == "POST"
        )
        assert any(
            lines[rid]["pid"] != login_pid and lines[rid]["status"] in (200, 303) for rid in answers if rid in lines
        )
        jobs = fresh.get("/api/jobs").json()["jobs"]
        assert jobs and {j["kind"] for j in jobs} == {"supervision"}  # one row a day, whichever worker was asked
    finally:
        server.stop()
