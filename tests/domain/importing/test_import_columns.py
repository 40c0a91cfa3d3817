from app.domain.enums import ItemKind
from app.domain.importing.columns import Field, detect_header, normalize_header
from app.domain.importing.problems import Problem, column_letter


def test_header_normalisation():
    assert normalize_header(" 标题\n（必填）* ") == "标题"
    assert normalize_header("Lead  Submitter") == "lead submitter"
    assert normalize_header(None) == ""


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


def test_header_found_below_title_rows():
    rows = [
        ("市十六届人大四次会议代表建议交办清单", None, None),
        ("制表日期：2026年2月", None, None),
        (None, None, None),
        ("序号", "建议题目", "领衔代表", "附议代表", "说明"),
        (1, "关于…的建议", "张三", None, None),
    ]
    layout = detect_header(rows, ItemKind.NPC_SUGGESTION)
    assert layout.header_rows == (3,)
    assert layout.columns == {Field.NUMBER: 0, Field.TITLE: 1, Field.LEAD_SUBMITTER: 2, Field.CO_SIGNERS: 3}
    assert layout.ignored == [4]
    assert layout.data_start == 4


def test_two_row_header_under_a_merged_group_cell():
    rows = [
        ("提案号", "案由", "提案人", None, "提案分类"),
        (None, None, "第一提案人", "联名提案人", None),
        (2026001, "关于…的提案", "李四", "王五", "教育"),
    ]
    layout = detect_header(rows, ItemKind.CPPCC_PROPOSAL)
    assert layout.header_rows == (0, 1)
    assert layout.columns[Field.LEAD_SUBMITTER] == 2
    assert layout.columns[Field.CO_SIGNERS] == 3
    assert layout.ignored == []


def test_duplicate_headers_are_reported():
    layout = detect_header([("编号", "标题", "题目", "领衔代表")], ItemKind.NPC_SUGGESTION)
    assert layout.duplicates == [(Field.TITLE, 1, 2)]


def test_no_header():
    assert detect_header([("a", "b"), (1, 2)], ItemKind.NPC_SUGGESTION) is None


def test_problem_names_sheet_cell_header_value_and_reason():
    problem = Problem("清单", 7, 2, "类别", "外星", "unknown_category", {"value": "外星"})
    assert str(problem) == "清单!C7 (类别) '外星': Unknown category '外星'"
    assert problem.as_dict()["column"] == "C"
