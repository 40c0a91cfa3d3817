import random
import zipfile
from datetime import datetime

import pytest

from app.domain.enums import ItemKind
from app.importing.reader import parse_file
from app.importing.safety import ENCRYPTED_OOXML_MARKER, OLE_MAGIC, ReaderLimits, UnusableFile

NPC = ItemKind.NPC_SUGGESTION
NPC_HEADER = ("建议号", "标题", "领衔代表", "附议代表", "代表团", "类别", "主办单位", "提出时间")
GOOD_ROW = (
    259,
    "关于解决石景山区停车难问题的建议",
    "张三",
    "李四、王五",
    "石景山代表团",
    "交通出行",
    "市交通委",
    "2026年1月15日",
)


def refused(path, beijing, limits=None) -> str:
    with pytest.raises(UnusableFile) as info:
        parse_file(path, NPC, beijing, limits=limits)
    assert info.value.file == path.name
    assert info.value.reason()  # a readable sentence
    return info.value.code


def test_reads_a_real_looking_workbook(make_xlsx, beijing):
    path = make_xlsx(
        [
            ("市十六届人大四次会议代表建议交办清单",),
            ("（第一批）",),
            NPC_HEADER,
            GOOD_ROW,
            (
                260,
                "关于修整安立路和慧忠路交叉路口过街天桥的建议",
                "赵六",
                None,
                None,
                "交通出行",
                "市交通委",
                datetime(2026, 1, 16),
            ),
            (None,) * 8,
            (None,) * 8,
        ],
        merges={"清单": ["A1:H1", "E4:E5"]},
    )
    result = parse_file(path, NPC, beijing)
    assert result.ok, [str(p) for p in result.problems]
    assert [r.number for r in result.records] == ["0259", "0260"]
    assert result.records[1].delegation == "石景山代表团"  # merged down
    assert [r.row for r in result.records] == [4, 5]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("Caf\u00e9 r\u00e9sum\u00e9 \u20ac5 \u00ff,Na\u00efve\n".encode("cp1252"), "unknown_encoding"),
        (OLE_MAGIC + b"\x00" * 600, "corrupt"),
        (b"<html><head><meta charset=utf-8></head><body><table><tr><td>\xe5\xbb\xba</td></tr></table>", "html_as_xls"),
        (b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">', "xml_spreadsheet"),
        (OLE_MAGIC + b"\x00" * 100 + ENCRYPTED_OOXML_MARKER + b"\x00" * 100, "encrypted"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "pdf"),
        (random.Random(7).randbytes(5000), "not_a_workbook"),
        (b"PK\x03\x04" + random.Random(8).randbytes(3000), "corrupt"),
        (b"", "empty_file"),
    ],
    ids=["csv-cp1252", "broken-xls", "html-as-xls", "xml-2003", "encrypted", "pdf", "random", "broken-zip", "empty"],
)
def test_files_that_cannot_be_read_are_refused_by_name(tmp_path, beijing, content, code):
    path = tmp_path / "upload.xlsx"
    path.write_bytes(content)
    assert refused(path, beijing) == code


def _zip(tmp_path, members: dict[str, bytes], name="upload.xlsx"):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def test_other_zip_files(tmp_path, beijing):
    assert refused(_zip(tmp_path, {"word/document.xml": b"<w/>"}), beijing) == "other_office_file"
    assert refused(_zip(tmp_path, {"hello.txt": b"hi"}, "b.xlsx"), beijing) == "not_a_workbook"
    assert refused(_zip(tmp_path, {"xl/workbook.bin": b"x"}, "c.xlsx"), beijing) == "xlsb"


def test_truncated_workbook_is_corrupt(make_xlsx, beijing, tmp_path):
    data = make_xlsx([NPC_HEADER, GOOD_ROW]).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    assert refused(path, beijing) == "corrupt"


def test_zip_bomb_is_refused_before_unpacking(make_xlsx, beijing, tmp_path):
    source = make_xlsx([NPC_HEADER, GOOD_ROW])
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/media/padding.bin", b"\0" * (30 * 1024 * 1024))
    assert refused(bomb, beijing) == "suspicious_compression"
    tight = ReaderLimits(max_uncompressed_bytes=4096)
    assert refused(source, beijing, tight) == "zip_bomb"


def test_upload_size_limit(make_xlsx, beijing):
    assert refused(make_xlsx([NPC_HEADER, GOOD_ROW]), beijing, ReaderLimits(max_file_bytes=100)) == "too_large"


def test_row_limit(make_xlsx, beijing):
    rows = [NPC_HEADER] + [(n, f"关于第{n}件事的建议", "张三") for n in range(1, 21)]
    assert refused(make_xlsx(rows), beijing, ReaderLimits(max_rows=10)) == "too_many_rows"


def test_empty_and_header_only_workbooks(make_xlsx, beijing):
    assert refused(make_xlsx([]), beijing) == "empty_workbook"
    assert refused(make_xlsx([("市十六届人大四次会议代表建议交办清单",), NPC_HEADER]), beijing) == "header_only"


def test_hidden_sheets_are_skipped_and_all_hidden_refused(beijing, tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(NPC_HEADER)
    workbook.active.append(GOOD_ROW)
    workbook.active.sheet_state = "hidden"
    workbook.create_sheet("说明").append(["填写说明"])
    path = tmp_path / "hidden.xlsx"
    workbook.save(path)
    assert [p.code for p in parse_file(path, NPC, beijing).errors] == ["no_header"]
    # openpyxl refuses to save a workbook with every sheet hidden; hide the last one in the XML
    all_hidden = tmp_path / "allhidden.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(all_hidden, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/workbook.xml":
                data = data.replace(b'state="visible"', b'state="hidden"')
            dst.writestr(info, data)
    assert refused(all_hidden, beijing) == "no_sheets"


def test_formulas_without_cached_values_are_named(make_xlsx, beijing):
    result = parse_file(make_xlsx([NPC_HEADER, (*GOOD_ROW[:2], '=CONCAT("张","三")', *GOOD_ROW[3:])]), NPC, beijing)
    assert [(p.cell, p.code, str(p.value)) for p in result.errors] == [
        ("C2", "formula_without_value", '=CONCAT("张","三")')
    ]


def test_formulas_with_cached_values_are_read(tmp_path, make_xlsx, beijing):
    source = make_xlsx([NPC_HEADER, GOOD_ROW])
    # give B2 a formula with a cached value, as Excel writes it
    patched = tmp_path / "cached.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(patched, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="A2" t="n"><v>259</v></c>', b'<c r="A2"><f>200+59</f><v>259</v></c>')
                assert b"<f>200+59</f>" in data
            dst.writestr(info, data)
    result = parse_file(patched, NPC, beijing)
    assert result.ok and result.records[0].number == "0259"


def test_very_long_cells_and_duplicate_headers(make_xlsx, beijing):
    long_title = "关于" + "很" * 600 + "的建议"
    result = parse_file(make_xlsx([NPC_HEADER, (1, long_title, "张三")]), NPC, beijing)
    assert [(p.cell, p.code) for p in result.errors] == [("B2", "text_too_long")]
    result = parse_file(
        make_xlsx([("建议号", "建议题目", "建议标题", "领衔代表"), (1, "a", "b", "张三")]), NPC, beijing
    )
    assert [(p.cell, p.code) for p in result.errors] == [("C1", "duplicate_column")]


def test_wrong_dimension_does_not_hide_rows(make_xlsx, beijing, tmp_path):
    source = make_xlsx([NPC_HEADER, GOOD_ROW, (260, "关于…的建议", "赵六")])
    patched = tmp_path / "dim.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(patched, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:H3"/>', b'<dimension ref="A1:B2"/>')
            dst.writestr(info, data)
    assert [r.number for r in parse_file(patched, NPC, beijing).records] == ["0259", "0260"]


def test_progress_is_reported(make_xlsx, beijing):
    rows = [NPC_HEADER] + [(n, f"关于第{n}件事的建议", "张三") for n in range(1, 1201)]
    seen = []
    parse_file(make_xlsx(rows), NPC, beijing, progress=seen.append)
    assert seen[:2] == [500, 1000] and seen[-1] == 1201
