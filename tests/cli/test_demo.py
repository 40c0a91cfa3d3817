"""`jianti demo --no-serve` prepares a migrated, seeded SQLite database from nothing, and can run again."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from tests.conftest import demo_env, run_demo


def test_demo_prepares_everything_and_is_idempotent(seeded_demo):
    """The first run is the run's shared seed (tests/conftest.py); the second runs here, on a copy."""
    first = seeded_demo.stdout
    for username in ("admin", "staff", "jtw", "jtw_lead", "jw", "leader"):
        assert f"  {username} " in first
    assert "portal /portal" in first
    second = run_demo(demo_env(seeded_demo.url, seeded_demo.files))
    assert second.returncode == 0, second.stderr
    assert "exist already" in second.stdout
    engine = create_engine(seeded_demo.url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM users WHERE role != 'deputy'")).scalar() == 7
        # the portal (issue 14): a roster, activated deputies printed once, published replies
        assert connection.execute(text("SELECT count(*) FROM roster_entries")).scalar() >= 15
        assert connection.execute(text("SELECT count(*) FROM users WHERE role = 'deputy' AND active")).scalar() >= 3
        assert connection.execute(text("SELECT count(*) FROM public_replies")).scalar() >= 2
        assert connection.execute(text("SELECT count(*) FROM departments")).scalar() >= 60
        assert connection.execute(text("SELECT count(*) FROM congress_sessions")).scalar() >= 2
        # the jobs page has something to show (issue 16): finished jobs run by the real runner, one failed
        # with the problems it found; a second demo adds none
        jobs = connection.execute(text("SELECT kind, status, attempts, error, result FROM jobs ORDER BY id")).all()
        assert [(kind, status) for kind, status, *_ in jobs] == [
            ("supervision", "complete"),
            ("import_batch", "complete"),
            ("stats_workbook", "complete"),
            ("import_batch", "failed"),
        ]
        assert all(attempts == 1 for _, _, attempts, _, _ in jobs)
        assert "“标题”为空" in jobs[3].error and jobs[2].result is not None
    assert (seeded_demo.files / "jobs" / "3").is_dir()  # the workbook file of the statistics job
