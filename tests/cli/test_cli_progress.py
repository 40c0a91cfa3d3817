"""Progress bars of the long commands: drawn only while a person watches a terminal; nothing at all
without a TTY (CliRunner, pipes, cron) or with --json, where standard output stays parseable."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from app.cli import importing as import_cli
from app.cli import progress
from app.cli.main import jianti
from app.db.engine import session_scope
from app.domain.enums import ItemKind
from app.importing.samples import build_batch
from app.rules.profiles import load_profile
from app.services.actor import Actor
from app.services.sessions import add_session

NPC = "市十六届人大四次会议"
BAR = "━"  # what rich draws a bar with


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    """A small workbook of the sample's kind: the bars are the same for 40 rows as for 800, the test is faster."""
    path = tmp_path_factory.mktemp("progress") / "npc.xlsx"
    build_batch(load_profile("beijing"), ItemKind.NPC_SUGGESTION, 40, 7, path, NPC, expected=False)
    return path


@pytest.fixture
def run(clean_db, monkeypatch):
    with session_scope(clean_db) as session:
        add_session(session, Actor.system(), label=NPC, body="npc", year=2026, number_width=4)
    monkeypatch.setattr(import_cli, "PROGRESS_FROM_ROWS", 1)  # a large file's bar, for the small workbook
    runner = CliRunner()

    def invoke(*args: str):
        result = runner.invoke(jianti, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    return invoke


def _commands(tmp_path, workbook, *extra: str) -> dict[str, list[str]]:
    return {
        "import": ["import", str(workbook), "--kind", "npc", "--session", NPC, *extra],
        "export": ["export", "items", "--out", str(tmp_path / "items.xlsx"), *extra],
        "stats": ["stats", "export", "--year", "2026", "--out", str(tmp_path / "stats.xlsx"), *extra],
        "recompute": ["calendar", "recompute", *extra],
        "backup": ["backup", "--out", str(tmp_path / "backup.tar"), *extra],
        "job": ["jobs", "run", "noop", "--param", "sleep=0.3", *extra],
    }


LABELS = {
    "import": "reading rows",
    "export": "exporting items",
    "stats": "statistics workbook",
    "recompute": "open deadlines",
    "backup": "backup",
    "job": "job ",
}


def test_no_progress_output_without_a_terminal(run, tmp_path, workbook):
    assert not progress.on_terminal()  # CliRunner's streams are no TTY
    for name, args in _commands(tmp_path, workbook).items():
        result = run(*args)
        assert result.stderr == "", (name, result.stderr)
        assert BAR not in result.stdout and "%" not in result.stdout.replace("%)", ""), (name, result.stdout)


def test_a_bar_on_a_terminal_and_none_with_json(run, tmp_path, workbook, monkeypatch):
    monkeypatch.setattr(progress, "on_terminal", lambda: True)
    for name, args in _commands(tmp_path, workbook).items():
        result = run(*args)
        assert BAR in result.stderr and LABELS[name] in result.stderr, (name, result.stderr)
        assert BAR not in result.stdout, name
    for name, args in _commands(tmp_path / "json", workbook, "--json").items():
        (tmp_path / "json").mkdir(exist_ok=True)
        result = run(*args)
        assert result.stderr == "", (name, result.stderr)
        json.loads(result.stdout)  # nothing but the JSON outcome


def test_quiet_helper_accepts_every_call():
    with progress.progress_bar("x", quiet=True, total=3) as update:
        update(1)
        update(2, 3, "note")
