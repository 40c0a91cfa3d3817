"""`jianti roster import|link`: every bad cell named, nothing written on errors, links reported."""

from __future__ import annotations

from openpyxl import Workbook
from sqlalchemy import func, select

from app.cli.main import main
from app.db.engine import session_scope
from app.db.models.roster import RosterEntry, SubmitterLink
from tests.workflow.factory import new_item


def test_roster_import_and_link(clean_db, tmp_path, capsys):
    workbook = Workbook()
    workbook.active.append(["姓名", "代表团", "联系电话"])
    workbook.active.append(["张建华", "朝阳代表团", "139"])
    path = tmp_path / "名册.xlsx"
    workbook.save(path)
    assert main(["roster", "import", str(path), "--term", "市十六届人大", "--body", "npc"]) == 1
    assert "C2" in capsys.readouterr().err
    with session_scope(clean_db) as session:
        assert session.scalar(select(func.count(RosterEntry.id))) == 0
        new_item(session, lead_submitter="张建华", co_signers=("无名氏",))
    workbook.active["C2"] = "13900000000"
    workbook.save(path)
    assert main(["roster", "import", str(path), "--term", "市十六届人大", "--body", "npc"]) == 0
    assert "linked 1, ambiguous 0, unknown 1" in capsys.readouterr().out
    assert main(["roster", "link"]) == 0
    with session_scope(clean_db) as session:
        statuses = sorted(session.scalars(select(SubmitterLink.status)))
    assert statuses == ["linked", "unknown"]
