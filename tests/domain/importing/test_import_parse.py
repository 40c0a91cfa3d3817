from datetime import date

import pytest

from app.domain.enums import ItemKind, SubmitterType
from app.domain.importing import UncomputedFormula, parse_workbook
from app.rules.profiles import load_profile

NPC = ItemKind.NPC_SUGGESTION
CPPCC = ItemKind.CPPCC_PROPOSAL


@pytest.fixture(scope="module")
def profile():
    return load_profile("beijing")


def npc_sheet(*data):
    return [
        ("市十六届人大四次会议代表建议交办清单",),
        (
            "建议号",
            "标题",
            "领衔代表",
            "附议代表",
            "代表团",
            "类别",
            "会上/闭会",
            "可否公开",
            "提出时间",
            "主办单位",
            "协办单位",
            "重点",
        ),
        *data,
        (None, None, None),
        (),
    ]


def codes(result):
    return [(p.cell, p.code) for p in result.errors]


def test_a_clean_sheet_gives_records(profile):
    result = parse_workbook(
        [
            (
                "清单",
                npc_sheet(
                    (
                        259,
                        "关于解决石景山区停车难问题的建议",
                        "张三",
                        "李四、王五",
                        "石景山代表团",
                        "交通出行",
                        "会上",
                        "是",
                        "2026.1.15",
                        "市交通委",
                        "石景山区",
                        "√",
                    ),
                    (
                        "0260",
                        "尽快解决翠花街变压器放置不合理问题",
                        "赵六",
                        None,
                        "东城代表团",
                        "城乡建设",
                        "闭会期间",
                        "否",
                        None,
                        "北京电力公司",
                        None,
                        None,
                    ),
                ),
            )
        ],
        NPC,
        profile,
    )
    assert result.ok, [str(p) for p in result.problems]
    first, second = result.records
    assert (first.number, first.row, first.co_signers, first.submitter_count) == ("0259", 3, ("李四", "王五"), 3)
    assert first.submitted_on == date(2026, 1, 15)
    assert first.intended_lead == ("jtw",) and first.intended_co == ("sjs",)
    assert first.key_supervision and first.during_session and first.agree_to_publish
    assert second.number == "0260" and not second.during_session and not second.agree_to_publish
    assert second.category_code == "cxjs" and second.intended_lead == ("dl",)
    assert result.data_rows == 2


def test_every_bad_cell_is_named(profile):
    result = parse_workbook(
        [
            (
                "清单",
                npc_sheet(
                    (259, "", "张三", None, None, "天文", "会上", "也许", "2026-02-30", "市月球局", None, None),
                    (259, "标题", None, None, None, None, "偶尔", None, None, None, None, None),
                ),
            )
        ],
        NPC,
        profile,
    )
    assert codes(result) == [
        ("B3", "missing_value"),
        ("F3", "unknown_category"),
        ("H3", "bad_yes_no"),
        ("I3", "impossible_date"),
        ("J3", "unknown_department"),
        ("C4", "missing_value"),
        ("G4", "bad_session_flag"),
        ("A4", "duplicate_number"),
    ]
    assert result.records == []
    assert result.error_rows == 2
    duplicate = result.errors[-1]
    assert duplicate.params["first"] == "清单!A3"
    assert "清单!A4 (建议号) '259'" in str(duplicate)


def test_duplicate_numbers_across_sheets(profile):
    row = (259, "标题", "张三")
    result = parse_workbook([("一", npc_sheet(row)), ("二", npc_sheet(row))], NPC, profile)
    assert codes(result) == [("A3", "duplicate_number")]
    assert result.errors[0].sheet == "二"


def test_missing_required_column_is_fatal_and_named(profile):
    result = parse_workbook([("S", [("编号", "标题", "类别"), (1, "关于…", "教育")])], NPC, profile)
    assert [(p.code, p.params["field"]) for p in result.errors] == [("missing_column", "领衔代表")]
    assert result.records == []


def test_wrong_kind_is_reported(profile):
    rows = [("提案号", "案由", "第一提案人", "联名提案人", "提案分类"), (2026001, "关于…的提案", "李四", None, "教育")]
    result = parse_workbook([("S", rows)], NPC, profile)
    assert "wrong_kind" in [p.code for p in result.errors]


def test_no_header_anywhere(profile):
    result = parse_workbook([("S", [("a", "b"), (1, 2)])], NPC, profile)
    assert [p.code for p in result.errors] == ["no_header"]


def test_uncomputed_formula_and_long_cells(profile):
    result = parse_workbook([("S", npc_sheet((UncomputedFormula("=A1"), "关于" * 300, "张三")))], NPC, profile)
    assert codes(result) == [("A3", "formula_without_value"), ("B3", "text_too_long")]


def test_count_smaller_than_named(profile):
    rows = [("建议号", "标题", "领衔代表", "附议代表", "提出人数"), (1, "t", "张三", "李四、王五", 2)]
    result = parse_workbook([("S", rows)], NPC, profile)
    assert codes(result) == [("E2", "count_too_small")]


def test_cppcc_proposal_with_shanghai_style_body(profile):
    rows = [
        (
            "提案号",
            "案由",
            "提案者性质",
            "第一提案人",
            "联名提案人",
            "界别",
            "党派",
            "提案分类",
            "背景情况",
            "具体建议",
            "意向主办单位",
            "意向会办单位",
        ),
        (
            20260001,
            "关于老旧小区增设电梯无障碍入户模式的提案",
            "委员",
            "李四",
            "王五\n赵六",
            "经济界",
            "民盟",
            "住房与物业",
            "背景",
            "建议",
            "市住建委",
            "市规划自然资源委、朝阳区",
        ),
        (
            20260002,
            "关于发展职业教育的提案",
            "党派团体",
            "民进北京市委",
            None,
            None,
            "民进",
            "教育",
            None,
            None,
            "市教委",
            None,
        ),
    ]
    result = parse_workbook([("S", rows)], CPPCC, profile)
    assert result.ok, [str(p) for p in result.problems]
    first, second = result.records
    assert first.number == "20260001" and first.co_signers == ("王五", "赵六")
    assert first.content == "背景情况：背景\n具体建议：建议"
    assert first.intended_co == ("ghzrzyw", "cy")
    assert second.submitter_type is SubmitterType.PARTY_GROUP


def test_problem_list_is_capped_but_counted(profile):
    rows = [("建议号", "标题", "领衔代表")] + [(i, None, None) for i in range(1, 3001)]
    result = parse_workbook([("S", rows)], NPC, profile)
    assert result.problem_count == 6000
    assert len(result.problems) == 2000
