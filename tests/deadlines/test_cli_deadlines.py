"""`jianti calendar due|show|load|remove|recompute` and `jianti supervise`."""

import json
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from app.cli.main import jianti
from app.db.engine import session_scope
from app.db.models.deadlines import DeadlineRecord
from app.rules.profiles import load_profile
from app.services import deadlines as deadline_service
from app.services.actor import Actor
from tests.deadlines.factories import make_assignment

SCHEDULE_2027 = """
year = 2027
[[holiday]]
name = "元旦"
from = 2027-01-01
to = 2027-01-03
"""


@pytest.fixture
def run(clean_db):
    runner = CliRunner()

    def invoke(*args: str):
        result = runner.invoke(jianti, list(args), catch_exceptions=False, standalone_mode=False)
        return result

    return invoke


def test_due_prints_the_date_and_the_explanation(run):
    result = run("calendar", "due", "--from", "2026-09-28", "--working-days", "5")
    lines = result.output.splitlines()
    assert lines[0] == "2026-10-10"
    assert any("2026-10-01至2026-10-07 国庆节（7天）" in line for line in lines)
    english = run("calendar", "due", "--from", "2026-07-01", "--months", "3", "--lang", "en").output
    assert english.startswith("2026-10-08\n") and "National Day" in english


def test_due_as_json(run):
    data = json.loads(run("calendar", "due", "--from", "2026-12-20", "--working-days", "20", "--json").output)
    assert data["due"] == "2027-01-15"
    assert data["explanation"]["fallback_years"] == [2027]
    assert any("2027年的节假日安排尚未录入" in line for line in data["text"])


def test_due_needs_exactly_one_period(run):
    from click import UsageError

    with pytest.raises(UsageError):
        run("calendar", "due", "--from", "2026-09-28")
    with pytest.raises(UsageError):
        run("calendar", "due", "--from", "2026-09-28", "--months", "1", "--days", "3")


def test_load_a_year_moves_open_deadlines_and_show_lists_it(run, clean_db, tmp_path):
    with session_scope(clean_db) as session:
        assignment = make_assignment(session, assigned_on=date(2026, 10, 1))  # reply due 2027-01-01 (fallback)
        deadline_service.record_assignment_deadlines(
            session, Actor.system(), assignment, profile=load_profile("beijing")
        )
    assert "fallback" in run("calendar", "show", "2027").output
    path = tmp_path / "2027.toml"
    path.write_text(SCHEDULE_2027, encoding="utf-8")
    output = run("calendar", "load", str(path)).output
    assert "loaded 2027: 3 days" in output
    assert "reply: 2027-01-01 -> 2027-01-04" in output
    shown = run("calendar", "show", "2027").output
    assert "2027: office (2027.toml (imported))" in shown and "2027-01-01 休 元旦" in shown
    with session_scope(clean_db) as session:
        reply = session.scalar(select(DeadlineRecord).where(DeadlineRecord.rule == "reply"))
        assert reply.due_on == date(2027, 1, 4) and not reply.has_warning
    removed = json.loads(run("calendar", "remove", "2027", "--json").output)
    assert [(m["rule"], m["new_due"]) for m in removed["moved"]] == [("reply", "2027-01-01")]


def test_load_reports_file_mistakes(run, tmp_path):
    from click import ClickException

    path = tmp_path / "2027.toml"
    path.write_text("year = 2027\n[[holiday]]\nfrom = 2027-01-01\n", encoding="utf-8")
    with pytest.raises(ClickException, match=r"2027.toml \(imported\): holiday #1: 'name'"):
        run("calendar", "load", str(path))


def test_supervise_is_idempotent(run, clean_db):
    with session_scope(clean_db) as session:
        assignment = make_assignment(session)
        deadline_service.record_assignment_deadlines(
            session, Actor.system(), assignment, profile=load_profile("beijing")
        )
    first = run("supervise", "--date", "2026-09-28").output
    assert "1 new" in first and "【督办提醒】市交通委 2026-09-28 共1项" in first
    second = json.loads(run("supervise", "--date", "2026-09-28", "--json").output)
    assert second["new"] == 0 and second["already_recorded"] == 1 and second["digests"] == []
