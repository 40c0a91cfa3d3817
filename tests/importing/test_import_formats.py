"""Every format an office sends is read the same way: the same rows written as .xlsx, .xls, .ods
and CSV (UTF-8, UTF-8 with BOM, GB18030, GBK; comma, semicolon, tab) give the same records, field
by field; files that cannot be read each get their own message."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from app.domain.enums import ItemKind, SubmitterType
from app.importing.reader import parse_file
from app.importing.safety import UnusableFile
from tests.importing.formats import write_any, write_csv, write_xls, write_xlsx

NPC = ItemKind.NPC_SUGGESTION
CPPCC = ItemKind.CPPCC_PROPOSAL
HEADER = (
    "序号",
    "建议编号",
    "标题",
    "领衔代表",
    "附议代表",
    "提出人数",
    "代表团",
    "类别",
    "会上/闭会",
    "可否公开",
    "提出时间",
    "主办单位",
    "重点",
    "内容",
)
SUBMITTED = [date(2026, 1, 15), "2026年1月15日", "2026.1.15", "2026/1/15", datetime(2026, 1, 15, 10, 30), 46037]


def npc_rows():
    rows = [("市十六届人大四次会议代表建议交办清单",), HEADER]
    for i, submitted in enumerate(SUBMITTED):
        rows.append(
            (
                i + 1,
                259 + i,
                f"关于解决石景山区第{i + 1}处停车难问题的建议",
                "张三",
                "李四、王五" if i % 2 == 0 else None,
                3 if i % 2 == 0 else None,
                "石景山代表团",
                "交通出行",
                "会上" if i < 3 else "闭会期间",
                "是" if i != 1 else "否",
                submitted,
                "市交通委",
                "是" if i == 0 else None,
                "近年来，停车难问题突出。\n建议：一是增设车位；二是错峰共享。",
            )
        )
    return rows


EXPECTED_FIRST = {
    "kind": NPC,
    "number": "0259",
    "title": "关于解决石景山区第1处停车难问题的建议",
    "lead_submitter": "张三",
    "sheet": None,  # the sheet's name: the file name for a CSV
    "row": 3,
    "content": "近年来，停车难问题突出。\n建议：一是增设车位；二是错峰共享。",
    "category_code": "cxjs.jt",
    "submitter_type": SubmitterType.INDIVIDUAL,
    "co_signers": ("李四", "王五"),
    "submitter_count": 3,
    "delegation": "石景山代表团",
    "sector": None,
    "party": None,
    "during_session": True,
    "agree_to_publish": True,
    "submitted_on": date(2026, 1, 15),
    "key_supervision": True,
    "intended_lead": ("jtw",),
    "intended_co": (),
    "intended_split": (),
}

FORMATS = [
    "xlsx",
    "xls",
    "ods",
    "csv-utf-8",
    "csv-utf-8-sig",
    "csv-gb18030",
    "csv-gbk",
    "csv-utf-8/semicolon",
    "csv-gb18030/tab",
]


def _records(path, beijing, kind=NPC):
    result = parse_file(path, kind, beijing, number_width=4 if kind is NPC else 0)
    assert result.ok, [str(p) for p in result.problems]
    return result


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_same_rows_give_the_same_records_from_every_format(fmt, tmp_path, beijing):
    suffix = fmt.split("-")[0]
    path = write_any(fmt, tmp_path / f"交办清单.{suffix}", npc_rows())
    result = _records(path, beijing)
    assert result.source_format == suffix
    records = result.records
    assert len(records) == len(SUBMITTED)
    first = dataclasses.asdict(records[0])
    sheet = "交办清单"
    assert first == {**EXPECTED_FIRST, "sheet": sheet}
    # dates as Excel dates, text in three spellings, a datetime and a bare serial: one day
    assert {r.submitted_on for r in records} == {date(2026, 1, 15)}
    assert [r.number for r in records] == ["0259", "0260", "0261", "0262", "0263", "0264"]
    assert [r.agree_to_publish for r in records] == [True, False, True, True, True, True]
    assert [r.during_session for r in records] == [True, True, True, False, False, False]
    assert [r.co_signers for r in records][:2] == [("李四", "王五"), ()]
    assert [r.submitter_count for r in records][:2] == [3, 1]
    assert [r.row for r in records] == [3, 4, 5, 6, 7, 8]
    # the 序号 column beside 建议编号 is a row counter: noted, never an error
    assert [(p.cell, p.code) for p in result.notes] == [("A2", "row_counter")]


def test_every_format_gives_identical_records(tmp_path, beijing):
    baseline = None
    for fmt in FORMATS:
        path = write_any(fmt, tmp_path / f"交办清单.{fmt.split('-')[0]}", npc_rows())
        records = [dataclasses.asdict(r) for r in _records(path, beijing).records]
        baseline = baseline or records
        assert records == baseline, fmt


def test_two_row_header_and_merged_cells_in_xls(tmp_path, beijing):
    rows = [
        ("市政协十四届四次会议提案交办清单",),
        ("序号", "提案号", "案由", "提案人", None, None, "界别", "提交时间"),
        (None, None, None, "提案者性质", "第一提案人", "联名提案人", None, None),
        (
            1,
            2026001,
            "关于老旧小区增设电梯无障碍入户模式的提案",
            "委员",
            "李四",
            "王五、赵六",
            "经济界",
            date(2026, 1, 12),
        ),
        (2, 2026002, "关于发展职业教育的提案", "委员", "钱七", None, None, "2026年1月13日"),
    ]
    merges = [
        (0, 0, 0, 7),
        (1, 3, 1, 5),
        (1, 0, 2, 0),
        (1, 1, 2, 1),
        (1, 2, 2, 2),
        (1, 6, 2, 6),
        (1, 7, 2, 7),
        (3, 6, 4, 6),
    ]
    for writer, suffix in ((write_xls, "xls"), (write_xlsx, "xlsx")):
        path = writer(tmp_path / f"提案.{suffix}", {"提案": rows}, {"提案": merges})
        records = _records(path, beijing, CPPCC).records
        assert [(r.number, r.lead_submitter, r.co_signers, r.sector, r.submitted_on, r.row) for r in records] == [
            ("2026001", "李四", ("王五", "赵六"), "经济界", date(2026, 1, 12), 4),
            ("2026002", "钱七", (), "经济界", date(2026, 1, 13), 5),  # 界别 merged down
        ], suffix


def _code(path, beijing) -> UnusableFile:
    with pytest.raises(UnusableFile) as info:
        parse_file(path, NPC, beijing)
    assert info.value.file == path.name
    return info.value


def test_csv_in_an_unknown_encoding_is_named(tmp_path, beijing):
    path = tmp_path / "清单.csv"
    path.write_bytes("Numéro;Titre;Député\n259;Café ÿ;Zoë\n".encode("cp1252"))
    error = _code(path, beijing)
    assert error.code == "unknown_encoding"
    assert "GB18030" in error.reason()


def test_ragged_csv_rows_are_named(tmp_path, beijing):
    path = tmp_path / "清单.csv"
    text = "市十六届人大四次会议代表建议交办清单\n建议号,标题,领衔代表\n259,关于停车的建议,张三\n260,关于电梯,的建议,李四\n261,关于公交的建议,王五\n"
    path.write_text(text, encoding="utf-8")
    error = _code(path, beijing)
    assert error.code == "ragged_csv"
    assert error.params["row"] == 4 and error.params["found"] == 4 and error.params["expected"] == 3
    assert "Row 4 has 4 fields" in error.reason()


def test_xls_that_is_really_html(tmp_path, beijing):
    path = tmp_path / "导出.xls"
    path.write_text(
        '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8"></head>'
        "<body><table><tr><td>建议号</td><td>标题</td></tr></table></body></html>",
        encoding="utf-8",
    )
    error = _code(path, beijing)
    assert error.code == "html_as_xls"
    assert "HTML" in error.reason()


def test_password_protected_xls(tmp_path, beijing):
    """A FILEPASS record right after the workbook globals' BOF is what Excel writes for a password."""
    path = write_xls(tmp_path / "加密.xls", {"清单": [HEADER[:4], (1, 259, "关于…的建议", "张三")]})
    data = bytearray(path.read_bytes())
    # xlwt writes INTERFACEHDR (type 0x00E1, 2 bytes) after BOF: turn it into FILEPASS (0x002F)
    at = data.find(b"\xe1\x00\x02\x00")
    assert at > 0
    data[at : at + 2] = b"\x2f\x00"
    path.write_bytes(bytes(data))
    error = _code(path, beijing)
    assert error.code == "encrypted_xls"
    assert "password" in error.reason()


def test_macros_in_an_xlsm_never_run_and_its_values_are_read(tmp_path, beijing):
    import zipfile

    source = write_xlsx(tmp_path / "src.xlsx", {"清单": [HEADER[1:4], (259, "关于增设电梯的建议", "张三")]})
    path = tmp_path / "宏.xlsm"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not run, not even parsed")
    [record] = _records(path, beijing).records
    assert (record.number, record.title, record.lead_submitter) == ("0259", "关于增设电梯的建议", "张三")


def test_row_limit_and_size_limit_hold_for_csv_and_xls(tmp_path, beijing):
    from app.importing.safety import ReaderLimits

    rows = [HEADER[1:4]] + [(n, f"关于第{n}件事的建议", "张三") for n in range(1, 21)]
    for path in (write_csv(tmp_path / "a.csv", rows), write_xls(tmp_path / "a.xls", {"S": rows})):
        with pytest.raises(UnusableFile) as info:
            parse_file(path, NPC, beijing, limits=ReaderLimits(max_rows=10))
        assert info.value.code == "too_many_rows"
        with pytest.raises(UnusableFile) as info:
            parse_file(path, NPC, beijing, limits=ReaderLimits(max_file_bytes=50))
        assert info.value.code == "too_large"


def test_cell_errors_are_reported_the_same_way_from_every_format(tmp_path, beijing):
    rows = [HEADER[1:4] + ("提出时间",), (259, "关于…的建议", "张三", "2026年2月30日"), ("12/3", "关于…", None, None)]
    seen = None
    for fmt in FORMATS:
        path = write_any(fmt, tmp_path / f"bad.{fmt.split('-')[0]}", rows, sheet="bad")
        result = parse_file(path, NPC, beijing)
        problems = [(p.sheet, p.cell, p.header, p.code) for p in result.errors]
        seen = seen or problems
        assert (
            problems
            == seen
            == [
                ("bad", "D2", "提出时间", "impossible_date"),
                ("bad", "A3", "建议编号", "bad_number"),
                ("bad", "C3", "领衔代表", "missing_value"),
            ]
        ), fmt
