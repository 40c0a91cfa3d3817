"""`jianti stats export`."""

from __future__ import annotations

from openpyxl import load_workbook

from app.cli.main import main
from app.db.engine import session_scope
from app.demo.stats_writer import seed_facts
from tests.stats import known_dataset as K


def test_export_writes_the_workbook(clean_db, tmp_path, capsys):
    with session_scope(clean_db) as session:
        seed_facts(session, K.build_items())
    out = tmp_path / "统计.xlsx"
    code = main(["stats", "export", "--year", "2026", "--kind", "all", "--as-of", "2026-12-31", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert "8 items" in capsys.readouterr().out
    wb = load_workbook(out)
    assert wb["汇总"]["D5"].value == 8
    assert not (tmp_path / "统计.xlsx.partial").exists()

    cppcc = tmp_path / "提案.xlsx"
    assert main(["stats", "export", "--year", "2026", "--kind", "cppcc", "--out", str(cppcc)]) == 0
    assert load_workbook(cppcc)["汇总"]["B4"].value == "政协提案"


def test_bad_year_is_one_line(clean_db, tmp_path, capsys):
    assert main(["stats", "export", "--year", "1800", "--out", str(tmp_path / "x.xlsx")]) == 1
    err = capsys.readouterr().err
    assert "year" in err and "Traceback" not in err
    assert not (tmp_path / "x.xlsx").exists()
