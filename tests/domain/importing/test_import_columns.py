import pytest

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
    layout = detect_header([("编号", "建议题目", "建议标题", "领衔代表")], ItemKind.NPC_SUGGESTION)
    assert layout.duplicates == [(Field.TITLE, 1, 2)]


@pytest.mark.parametrize(
    ("header", "kind", "number_column", "superseded"),
    [
        (("序号", "建议编号", "标题", "领衔代表"), ItemKind.NPC_SUGGESTION, 1, [(0, Field.NUMBER, 1)]),
        (("序号", "提案号", "案由", "第一提案人"), ItemKind.CPPCC_PROPOSAL, 1, [(0, Field.NUMBER, 1)]),
        (("编号", "序号", "标题", "领衔代表"), ItemKind.NPC_SUGGESTION, 0, [(1, Field.NUMBER, 0)]),
        (
            ("序号", "编号", "建议号", "标题", "领衔代表"),
            ItemKind.NPC_SUGGESTION,
            2,
            [(0, Field.NUMBER, 2), (1, Field.NUMBER, 2)],
        ),
        (("No.", "提案编号", "案由", "提案者"), ItemKind.CPPCC_PROPOSAL, 1, [(0, Field.NUMBER, 1)]),
        (("序号", "标题", "领衔代表"), ItemKind.NPC_SUGGESTION, 0, []),  # the only number column
    ],
)
def test_a_specific_number_header_wins_over_a_generic_one(header, kind, number_column, superseded):
    layout = detect_header([header], kind)
    assert layout.columns[Field.NUMBER] == number_column
    assert layout.superseded == superseded
    assert layout.duplicates == []


def test_two_equally_specific_number_columns_are_a_duplicate():
    layout = detect_header([("序号", "建议号", "建议编号", "标题", "领衔代表")], ItemKind.NPC_SUGGESTION)
    assert layout.duplicates == [(Field.NUMBER, 1, 2)]
    assert layout.superseded == [(0, Field.NUMBER, 1)]


def test_two_row_header_with_the_group_label_repeated_across_its_columns():
    rows = [
        ("序号", "提案号", "案由", "提案人", "提案人", "提案人", "提案分类"),
        (None, None, None, "提案者性质", "第一提案人", "联名提案人", None),
        (1, 2026001, "关于…的提案", "委员", "李四", "王五", "教育"),
    ]
    layout = detect_header(rows, ItemKind.CPPCC_PROPOSAL)
    assert layout.header_rows == (0, 1)
    assert layout.columns[Field.SUBMITTER_TYPE] == 3
    assert layout.columns[Field.LEAD_SUBMITTER] == 4
    assert layout.columns[Field.CO_SIGNERS] == 5
    assert layout.duplicates == []
    assert layout.data_start == 2


def test_a_data_row_that_happens_to_hold_header_words_does_not_join_the_header():
    rows = [
        ("提案号", "案由", "提案者性质", "第一提案人", "界别"),
        (2026001, "关于…的提案", "界别", "经济界", "经济界"),
    ]
    layout = detect_header(rows, ItemKind.CPPCC_PROPOSAL)
    assert layout.header_rows == (0,)


def test_no_header():
    assert detect_header([("a", "b"), (1, 2)], ItemKind.NPC_SUGGESTION) is None


def test_problem_names_sheet_cell_header_value_and_reason():
    problem = Problem("清单", 7, 2, "类别", "外星", "unknown_category", {"value": "外星"})
    assert str(problem) == "清单!C7 (类别) '外星': Unknown category '外星'"
    assert problem.as_dict()["column"] == "C"
