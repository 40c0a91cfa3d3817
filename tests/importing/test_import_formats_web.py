""".xls, .ods and GB18030 CSV with a 序号 column and a two-row header import exactly through the
page, the API and the CLI; partial re-import (locked rows left as they are) in all three."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from app.cli.main import main
from app.db.engine import session_scope
from app.db.models import Item, ItemCoSigner
from app.db.models.imports import ImportBatchItem
from app.services.actor import Actor
from app.services.sessions import add_session
from tests.helpers import csrf_from
from tests.importing.formats import write_any

CPPCC_SESSION = "市政协十四届四次会议"
ROWS = [
    ("市政协十四届四次会议提案交办清单",),
    ("序号", "提案号", "案由", "提案人", None, None, "界别", "提案分类", "提交时间", "意向主办单位"),
    (None, None, None, "提案者性质", "第一提案人", "联名提案人", None, None, None, None),
    (
        1,
        2026001,
        "关于老旧小区增设电梯无障碍入户模式的提案",
        "委员",
        "李四",
        "王五、赵六",
        "经济界",
        "交通出行",
        date(2026, 1, 12),
        "市住房城乡建设委",
    ),
    (
        2,
        2026002,
        "关于修整安立路和慧忠路交叉路口过街天桥的提案",
        "委员",
        "钱七",
        None,
        "教育界",
        "交通出行",
        "2026年1月13日",
        "市交通委",
    ),
    (3, 2026003, "关于发展职业教育的提案", "党派团体", "民盟北京市委", None, None, "教育", "2026.1.14", None),
]
EXPECTED = [
    (
        "2026001",
        "关于老旧小区增设电梯无障碍入户模式的提案",
        "李四",
        ["王五", "赵六"],
        "经济界",
        date(2026, 1, 12),
        "individual",
    ),
    ("2026002", "关于修整安立路和慧忠路交叉路口过街天桥的提案", "钱七", [], "教育界", date(2026, 1, 13), "individual"),
    ("2026003", "关于发展职业教育的提案", "民盟北京市委", [], None, date(2026, 1, 14), "party_group"),
]
MEDIA = {
    "xls": "application/vnd.ms-excel",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv",
    "xlsx": "application/octet-stream",
}


@pytest.fixture
def sessions(clean_db):
    with session_scope(clean_db) as session:
        add_session(session, Actor.system(), label=CPPCC_SESSION, body="cppcc", year=2026, number_width=0)
    return clean_db


def stored(engine):
    with session_scope(engine) as session:
        items = session.scalars(select(Item).order_by(Item.number)).all()
        result = []
        for item in items:
            co = session.scalars(
                select(ItemCoSigner.name).where(ItemCoSigner.item_id == item.id).order_by(ItemCoSigner.position)
            ).all()
            result.append(
                (
                    item.number,
                    item.title,
                    item.lead_submitter,
                    list(co),
                    item.sector,
                    item.submitted_on,
                    item.submitter_type,
                )
            )
        return result


def _file(tmp_path, fmt):
    suffix = fmt.split("-")[0]
    return write_any(fmt, tmp_path / f"提案清单.{suffix}", ROWS, sheet="提案")


def _upload(client, path, url, **fields):
    suffix = path.suffix.lstrip(".")
    return client.post(
        url,
        files={"file": (path.name, path.read_bytes(), MEDIA[suffix])},
        data={"kind": "cppcc_proposal", "session": CPPCC_SESSION, **fields},
        headers={"X-CSRF-Token": client.csrf},
    )


@pytest.mark.parametrize("fmt", ["xls", "ods", "csv-gb18030"])
def test_api_imports_every_format_exactly(fmt, login_as, sessions, tmp_path):
    client, _ = login_as("office_staff")
    response = _upload(client, _file(tmp_path, fmt), "/api/imports/")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["counts"]["new"] == 3 and body["file_format"] == fmt.split("-")[0]
    assert [n["code"] for n in body["notes"]] == ["row_counter"]
    assert stored(sessions) == EXPECTED


@pytest.mark.parametrize("fmt", ["xls", "ods", "csv-gb18030"])
def test_page_imports_every_format_exactly(fmt, login_as, sessions, tmp_path):
    client, _ = login_as("office_staff")
    token = csrf_from(client.get("/imports").text)
    path = _file(tmp_path, fmt)
    preview = client.post(
        "/imports/preview",
        files={"file": (path.name, path.read_bytes(), MEDIA[path.suffix.lstrip(".")])},
        data={"kind": "cppcc_proposal", "session": CPPCC_SESSION, "_csrf": token},
    )
    assert preview.status_code == 200, preview.text[:500]
    assert 'data-testid="count-new">3<' in preview.text
    pending = preview.text.split('name="token" value="')[1].split('"')[0]
    done = client.post(
        "/imports/confirm", data={"token": pending, "_csrf": csrf_from(preview.text)}, follow_redirects=False
    )
    assert done.status_code in (302, 303)
    assert stored(sessions) == EXPECTED
    original = client.get(done.headers["location"] + "/file")
    assert original.status_code == 200 and original.content == path.read_bytes()


@pytest.mark.parametrize("fmt", ["xls", "ods", "csv-gb18030"])
def test_cli_imports_every_format_exactly(fmt, sessions, tmp_path, capsys):
    path = _file(tmp_path, fmt)
    assert main(["import", str(path), "--kind", "cppcc", "--session", CPPCC_SESSION, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["new"] == 3
    assert stored(sessions) == EXPECTED


def _lock_first(engine):
    with session_scope(engine) as session:
        session.scalar(select(Item).where(Item.number == "2026001")).state = "assigned"


def _changed_rows():
    rows = [list(r) for r in ROWS]
    rows[3][2] = "关于老旧小区增设电梯的提案（修改）"  # locked item
    rows[4][2] = "关于修整过街天桥的提案（修改）"  # still registered
    return rows


def test_partial_reimport_over_the_api_and_the_cli(login_as, sessions, tmp_path, capsys):
    client, _ = login_as("office_staff")
    assert _upload(client, _file(tmp_path, "xls"), "/api/imports/").status_code == 201
    _lock_first(sessions)
    changed = write_any("xls", tmp_path / "改.xls", _changed_rows(), sheet="提案")
    refused = _upload(client, changed, "/api/imports/", confirm_changes="1")
    assert refused.status_code == 422, refused.text
    # the CLI explains the same and offers the flag; nothing written
    assert main(["import", str(changed), "--kind", "cppcc", "--session", CPPCC_SESSION, "--confirm-changes"]) == 1
    err = capsys.readouterr().err
    assert "案由: 关于老旧小区增设电梯无障碍入户模式的提案 → 关于老旧小区增设电梯的提案（修改）" in err
    assert "--skip-locked" in err
    preview = _upload(client, changed, "/api/imports/preview", skip_locked="1").json()
    assert preview["counts"]["locked"] == 1 and preview["counts"]["changed"] == 1
    assert preview["locked"][0]["state"] == "assigned"
    assert preview["changed"][0]["diff"] == [
        {"field": "title", "label": "案由", "old": EXPECTED[1][1], "new": "关于修整过街天桥的提案（修改）"}
    ]
    code = main(
        ["import", str(changed), "--kind", "cppcc", "--session", CPPCC_SESSION, "--confirm-changes", "--skip-locked"]
    )
    assert code == 0
    assert "left as they are (already assigned): 1 row(s)" in capsys.readouterr().out
    titles = [row[1] for row in stored(sessions)]
    assert titles == [EXPECTED[0][1], "关于修整过街天桥的提案（修改）", EXPECTED[2][1]]
    with session_scope(sessions) as session:
        outcomes = session.scalars(select(ImportBatchItem.outcome).order_by(ImportBatchItem.id.desc()).limit(3)).all()
    assert sorted(outcomes) == ["changed", "skipped", "unchanged"]


def test_partial_reimport_in_the_page(login_as, sessions, tmp_path):
    client, _ = login_as("office_staff")
    assert _upload(client, _file(tmp_path, "csv-utf-8-sig"), "/api/imports/").status_code == 201
    _lock_first(sessions)
    changed = write_any("csv-utf-8-sig", tmp_path / "改.csv", _changed_rows(), sheet="提案")
    token = csrf_from(client.get("/imports").text)
    preview = client.post(
        "/imports/preview",
        files={"file": (changed.name, changed.read_bytes(), "text/csv")},
        data={"kind": "cppcc_proposal", "session": CPPCC_SESSION, "_csrf": token},
    )
    assert preview.status_code == 200
    assert 'data-testid="locked-explained"' in preview.text and 'data-testid="skip-locked"' in preview.text
    assert "关于老旧小区增设电梯的提案（修改）" in preview.text and "已交办" in preview.text
    pending = preview.text.split('name="token" value="')[1].split('"')[0]
    done = client.post(
        "/imports/confirm",
        data={"token": pending, "skip_locked": "1", "confirm_changes": "1", "_csrf": csrf_from(preview.text)},
        follow_redirects=False,
    )
    assert done.status_code in (302, 303), done.text[:500]
    assert [row[1] for row in stored(sessions)][:2] == [EXPECTED[0][1], "关于修整过街天桥的提案（修改）"]
    skipped = client.get(done.headers["location"] + "?outcome=skipped")
    assert "2026001" in skipped.text and "2026002" not in skipped.text
