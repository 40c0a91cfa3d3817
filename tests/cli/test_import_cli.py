"""`jianti import` and `jianti export items`: exit codes 0/1/2, JSON output, marked-up copy, nothing written on errors."""

from __future__ import annotations

import json

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app import PROJECT_ROOT
from app.cli.main import main
from app.db.engine import session_scope
from app.db.models import Item
from app.db.models.imports import ImportBatch
from app.services.actor import Actor
from app.services.sessions import add_session

SAMPLES = PROJECT_ROOT / "imports" / "samples"
NPC = "市十六届人大四次会议"


@pytest.fixture
def npc_session(clean_db):
    with session_scope(clean_db) as session:
        add_session(session, Actor.system(), label=NPC, body="npc", year=2026, number_width=4)
    return clean_db


def stored(engine) -> tuple[int, int]:
    with session_scope(engine) as session:
        return session.scalar(select(func.count(Item.id))), session.scalar(select(func.count(ImportBatch.id)))


def test_dry_run_import_reimport(npc_session, capsys):
    sample = str(SAMPLES / "beijing_npc_2026.xlsx")
    assert main(["import", sample, "--kind", "npc", "--session", NPC, "--dry-run"]) == 0
    assert "800 new" in capsys.readouterr().out and stored(npc_session) == (0, 0)
    assert main(["import", sample, "--kind", "npc", "--session", NPC]) == 0
    assert "imported as batch" in capsys.readouterr().out and stored(npc_session) == (800, 1)
    assert main(["import", sample, "--kind", "npc", "--session", NPC, "--json"]) == 0
    outcome = json.loads(capsys.readouterr().out)
    assert outcome["exit_code"] == 0 and outcome["counts"]["unchanged"] == 800
    assert stored(npc_session) == (800, 2)


def test_errors_exit_1_with_marked_up_copy(npc_session, tmp_path, capsys):
    workbook = Workbook()
    workbook.active.append(["建议号", "标题", "领衔代表", "提出时间"])
    workbook.active.append([1, "关于…的建议", "张三", "2026年2月30日"])
    workbook.active.append([2, None, "李四", None])
    path = tmp_path / "bad.xlsx"
    workbook.save(path)
    out = tmp_path / "marked.xlsx"
    code = main(["import", str(path), "--kind", "npc", "--session", NPC, "--errors-out", str(out)])
    assert code == 1
    err = capsys.readouterr().err
    assert "Sheet!D2 (提出时间) '2026年2月30日'" in err and "Sheet!B3 (标题)" in err
    assert "nothing was imported" in err
    assert load_workbook(out)["Sheet"]["D2"].comment is not None
    assert stored(npc_session) == (0, 0)
    assert main(["import", str(path), "--kind", "npc", "--session", NPC, "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["counts"]["errors"] == 2


@pytest.mark.parametrize("content", [b"<html><table><tr><td>a</td></tr></table>", b"%PDF-1.5", b"PK\x03\x04broken"])
def test_unusable_file_exit_2(npc_session, tmp_path, capsys, content):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    assert main(["import", str(path), "--kind", "npc", "--session", NPC]) == 2
    assert "无法导入" in capsys.readouterr().err  # the CLI speaks Chinese, the default locale
    assert main(["import", str(path), "--kind", "npc", "--session", NPC, "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"] == "unusable_file"
    assert stored(npc_session) == (0, 0)


def test_missing_file_exit_2(npc_session, tmp_path):
    assert main(["import", str(tmp_path / "none.xlsx"), "--kind", "npc", "--session", NPC]) == 2


def test_changes_need_confirm_flag(npc_session, tmp_path, capsys):
    def book(title):
        workbook = Workbook()
        workbook.active.append(["建议号", "标题", "领衔代表"])
        workbook.active.append([7, title, "张三"])
        path = tmp_path / f"{title}.xlsx"
        workbook.save(path)
        return str(path)

    assert main(["import", book("关于A的建议"), "--kind", "npc", "--session", NPC]) == 0
    assert main(["import", book("关于B的建议"), "--kind", "npc", "--session", NPC]) == 1
    assert "--confirm-changes" in capsys.readouterr().err
    assert main(["import", book("关于B的建议"), "--kind", "npc", "--session", NPC, "--confirm-changes"]) == 0
    with session_scope(npc_session) as session:
        assert session.scalar(select(Item.title)) == "关于B的建议"


def test_export_items_and_reimport_unchanged(npc_session, tmp_path, capsys):
    main(["import", str(SAMPLES / "beijing_npc_2026.xlsx"), "--kind", "npc", "--session", NPC])
    out = tmp_path / "items.xlsx"
    assert main(["export", "items", "--out", str(out), "--session", NPC]) == 0
    assert "exported 800 items" in capsys.readouterr().out
    assert main(["import", str(out), "--kind", "npc", "--session", NPC, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["unchanged"] == 800
    assert main(["export", "items", "--out", str(tmp_path / "items.csv"), "--category", "shfz.jy"]) == 0
    assert main(["export", "items", "--out", str(tmp_path / "items.json"), "--key-only"]) == 0
    assert main(["export", "items", "--out", str(tmp_path / "items.txt")]) == 1
