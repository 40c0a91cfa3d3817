"""Liveness and readiness: answers, caching, and the request id / request log."""

from __future__ import annotations

import json
import logging

from app.ops import health


def test_live_and_ready(client):
    assert client.get("/health/live").json() == {"status": "ok"}
    ready = client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json()["database"] == "ok" and ready.json()["migrations"] == "current"
    assert client.get("/health").json() == ready.json()


def test_migration_check_is_not_run_per_call(client, monkeypatch):
    calls = []
    real = health.migrations_probe
    monkeypatch.setattr(health, "migrations_probe", lambda: calls.append(1) or real())
    client.app.state["readiness"] = health.default_readiness()  # picks up the counting probe
    for _ in range(20):
        assert client.get("/health/ready").status_code == 200
    assert len(calls) == 1


def test_not_ready_answers_503():
    checks = health.Readiness([health.Check("database", lambda: 1 / 0, ttl=60)])
    checks.refresh_all()
    ready, report = checks.report()
    assert not ready and report["database"] == "error: ZeroDivisionError"


def test_request_id_header_and_one_log_line(client, login_as, caplog):
    client, user = login_as("office_admin")
    logger = logging.getLogger("jianti.request")
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO, logger="jianti.request"):
            response = client.get("/api/me", headers={"X-Request-ID": "proxy-given-id-123"})
            missing = client.get("/no/such/page?password=secret")
    finally:
        logger.removeHandler(caplog.handler)
    assert response.headers["x-request-id"] == "proxy-given-id-123"
    assert len(missing.headers["x-request-id"]) == 16
    lines = [r.fields for r in caplog.records if getattr(r, "fields", None)]
    me = next(f for f in lines if f["request_id"] == "proxy-given-id-123")
    assert me == {
        "event": "request",
        "request_id": "proxy-given-id-123",
        "method": "GET",
        "route": "/api/me",
        "status": 200,
        "duration_ms": me["duration_ms"],
        "user_id": user.id,
        "role": "office_admin",
        "pid": me["pid"],
    }
    other = next(f for f in lines if f["request_id"] == missing.headers["x-request-id"])
    assert other["status"] == 404 and other["route"] == "(no route)"
    assert "secret" not in json.dumps(lines) and user.username not in json.dumps(lines)


def test_json_and_text_formats():
    from app.ops.logs import JsonFormatter, TextFormatter

    record = logging.LogRecord("jianti.request", logging.INFO, __file__, 1, "request", None, None)
    record.fields = {"event": "request", "status": 200, "route": "/x"}
    data = json.loads(JsonFormatter().format(record))
    assert data["status"] == 200 and data["route"] == "/x" and data["level"] == "info"
    assert "request status=200 route=/x" in TextFormatter().format(record)


def test_error_page_quotes_the_request_id(client, login_as):
    client, _user = login_as("office_staff")
    page = client.get("/items/999999999", headers={"X-Request-ID": "quote-me-12345"})
    assert page.status_code == 404
    assert 'data-testid="request-id"' in page.text and "quote-me-12345" in page.text


def test_live_needs_no_database_ready_says_which_check_failed(client):
    client.app.state["readiness"] = health.Readiness(
        [health.Check("database", lambda: 1 / 0, ttl=60), health.Check("queue", lambda: "ok", ttl=60)]
    )
    assert client.get("/health/live").status_code == 200
    ready = client.get("/health/ready")
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "database": "error: ZeroDivisionError", "queue": "ok"}
    assert client.get("/health").status_code == 503  # the old path answers as readiness


def test_a_stale_answer_is_served_at_once_while_the_probe_runs_behind(client):
    """Issue 10: a ping stuck behind a busy server must not make /health slow; only a very old answer is waited for."""
    import threading
    import time

    release = threading.Event()
    calls: list[int] = []

    def slow_probe() -> str:
        calls.append(1)
        if len(calls) > 1:
            release.wait(10)
        return "ok"

    check = health.Check("database", slow_probe, ttl=0.05)
    client.app.state["readiness"] = health.Readiness([check])
    assert client.get("/health/ready").status_code == 200  # first answer: waited for
    time.sleep(0.06)  # now stale, not too old
    began = time.monotonic()
    assert client.get("/health/ready").json()["database"] == "ok"
    assert time.monotonic() - began < 2, "the stale answer waited for the probe"
    release.set()
    deadline = time.monotonic() + 5
    while (len(calls) < 2 or check.lock.locked()) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(calls) == 2 and not check.lock.locked()  # the refresh did run, in the background

    check.checked_at = time.monotonic() - 10  # older than MAX_STALE_FACTOR × ttl: waited for again
    check.probe = lambda: 1 / 0
    assert client.get("/health/ready").status_code == 503
