"""`jianti demo --no-serve` prepares a migrated, seeded SQLite database from nothing, and can run again."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import create_engine, text


def _demo(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIANTI_")}
    env |= {
        "JIANTI_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
        "JIANTI_DATA_DIR": str(tmp_path / "files"),
        "JIANTI_SECRET_KEY": "demo-test",
    }
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", "demo", "--no-serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_demo_prepares_everything_and_is_idempotent(tmp_path):
    first = _demo(tmp_path)
    assert first.returncode == 0, first.stderr
    for username in ("admin", "staff", "jtw", "jtw_lead", "jw", "leader"):
        assert f"  {username} " in first.stdout
    assert "portal /portal" in first.stdout
    second = _demo(tmp_path)
    assert second.returncode == 0, second.stderr
    assert "exist already" in second.stdout
    engine = create_engine(f"sqlite:///{tmp_path / 'demo.db'}")
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
    assert (tmp_path / "files" / "jobs" / "3").is_dir()  # the workbook file of the statistics job
