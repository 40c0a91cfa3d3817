"""The exported workbook, read back with openpyxl and checked cell by cell against hand-worked answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.domain.statistics import BY_CODE, INDICATORS, StatisticsScope, build_report
from app.reports.statistics_workbook import neutralise, write_statistics_workbook
from app.rules.profiles import load_profile
from tests.stats import known_dataset as K

SHEETS = ["汇总", "按承办单位", "按分类", "按代表团界别党派", "超期和逾期答复", "重新办理", "重点督办", "指标说明"]


def export(items, **scope) -> object:
    profile = load_profile("beijing")
    report = build_report(items, profile, StatisticsScope(year=K.YEAR, as_of=K.AS_OF, **scope))
    buffer = BytesIO()
    write_statistics_workbook(report, buffer)
    buffer.seek(0)
    return load_workbook(buffer)


@pytest.fixture(scope="module")
def wb():
    return export(K.build_items())


def rows_of(ws):
    return [list(row) for row in ws.iter_rows(values_only=True)]


def find_row(ws, first_cell: str) -> int:
    for cell in ws["A"]:
        if cell.value == first_cell:
            return cell.row
    raise AssertionError(f"no row starting with {first_cell!r} on {ws.title}")


def expected_cell(value):
    if isinstance(value, tuple):
        numerator, denominator = value
        return numerator / denominator if denominator else "—"
    return value


def test_sheets_frozen_headers_and_widths(wb):
    assert wb.sheetnames == SHEETS
    freezes = {ws.title: ws.freeze_panes for ws in wb}
    assert freezes == {
        "汇总": "B5", "按承办单位": "C2", "按分类": "B2", "按代表团界别党派": "A2",
        "超期和逾期答复": "E2", "重新办理": "E2", "重点督办": "E2", "指标说明": "A2",
    }  # fmt: skip
    assert wb["超期和逾期答复"].column_dimensions["D"].width >= 40
    assert wb["按承办单位"].column_dimensions["B"].width >= 18
    assert wb["汇总"]["A4"].font.bold


def test_summary_cell_by_cell(wb):
    ws = wb["汇总"]
    assert [c.value for c in ws[4]][:5] == ["指标", "人大代表建议", "政协提案", "合计", "指标代码"]
    by_code = {row[4].value: row for row in ws.iter_rows(min_row=5, max_row=4 + 32)}
    for column, expected in ((3, K.EXPECTED_SUMMARY), (1, K.EXPECTED_NPC), (2, K.EXPECTED_CPPCC)):
        for code, value in expected.items():
            cell = by_code[code][column]
            assert cell.value == pytest.approx(expected_cell(value)), (code, column)
            if BY_CODE[code].unit == "rate":
                assert cell.number_format == "0.0%"
    assert by_code["received"][0].value == "收到件数"


def test_result_classes_satisfaction_and_their_charts(wb):
    ws = wb["汇总"]
    start = find_row(ws, "办理结果分布（最终答复）") + 2
    table = rows_of(ws)[start - 1 : start - 1 + 8]
    kinds = {"人大代表建议": K.NPC, "政协提案": K.CPPCC}
    assert {(kinds[r[0]], r[1]): r[4] for r in table} == K.EXPECTED_RESULT_CLASSES
    assert table[0][5] == pytest.approx(2 / 3)  # NPC class A: 2 of 3 final replies

    sat = find_row(ws, "满意度测评") + 1
    assert [c.value for c in ws[sat]][:6] == ["件别及轮次", "满意", "基本满意", "不满意", "测评数", "满意率"]
    assert rows_of(ws)[sat][:6] == ["人大代表建议（首轮）", 1, 0, 1, 2, 0.5]
    assert rows_of(ws)[sat + 1][:6] == ["人大代表建议（最终）", 1, 1, 0, 2, 1.0]
    assert rows_of(ws)[sat + 3][:6] == ["政协提案（最终）", 1, 0, 0, 1, 1.0]

    pies = [c for c in ws._charts if c.tagname == "pieChart"]
    bars = [c for c in ws._charts if c.tagname == "barChart"]
    assert len(pies) == 2 and len(bars) == 1
    assert pies[0].series[0].val.numRef.f == f"'汇总'!$E${start}:$E${start + 3}"
    assert pies[0].series[0].cat.strRef.f == f"'汇总'!$C${start}:$C${start + 3}"
    assert pies[1].series[0].val.numRef.f == f"'汇总'!$E${start + 4}:$E${start + 7}"
    first, last = sat + 1, sat + 4
    assert [s.val.numRef.f for s in bars[0].series] == [f"'汇总'!${c}${first}:${c}${last}" for c in "BCD"]
    assert [s.tx.strRef.f for s in bars[0].series] == [f"'汇总'!{c}{sat}" for c in "BCD"]
    assert bars[0].series[0].cat.strRef.f == f"'汇总'!$A${first}:$A${last}"


def test_departments_with_appraisal_cell_by_cell(wb):
    ws = wb["按承办单位"]
    head = [c.value for c in ws[1]]
    column = {name: i for i, name in enumerate(head)}
    rows = rows_of(ws)[1:]
    assert [(r[2], None if r[0] == "—" else r[0], None if r[column["考核得分"]] == "—" else r[column["考核得分"]])
            for r in rows] == K.EXPECTED_RANKING  # fmt: skip
    by_code = {r[2]: r for r in rows}
    for code, expected in K.EXPECTED_DEPARTMENTS.items():
        for indicator, value in expected.items():
            got = by_code[code][column[BY_CODE[indicator].zh]]
            assert got == pytest.approx(expected_cell(value)), (code, indicator)
    zjw = by_code["zjw"]
    assert zjw[column["按期办复率得分（权重30）"]] == pytest.approx(15.0)
    assert zjw[column["沟通率得分（权重15）"]] == pytest.approx(7.5)
    assert zjw[column["扣分"]] == pytest.approx(0.5)
    assert "折算" in by_code["jw"][column["备注"]]
    assert by_code["gzw"][column["备注"]] == "应答复件次不足，不参加排名"
    assert ws.cell(row=2, column=column["按期办复率"] + 1).number_format == "0.0%"

    items_chart, rate_chart = ws._charts
    n = len(rows) + 1
    letters = {name: ws.cell(row=1, column=i + 1).column_letter for name, i in column.items()}
    assert [s.val.numRef.f for s in items_chart.series] == [
        f"'按承办单位'!${letters[name]}$2:${letters[name]}${n}" for name in ("主办件数", "协办（会办）件数", "分办件数")
    ]
    assert items_chart.series[0].cat.strRef.f == f"'按承办单位'!$B$2:$B${n}"
    assert items_chart.grouping == "stacked"
    letter = letters["按期办复率"]
    assert rate_chart.series[0].val.numRef.f == f"'按承办单位'!${letter}$2:${letter}${n}"


def test_groups_and_categories(wb):
    assert rows_of(wb["按分类"]) == [
        ["分类", "人大代表建议", "政协提案", "合计", "按期办复率", "解决采纳率", "最终满意率"],
        ["城乡建设", 3, 0, 3, pytest.approx(2 / 3), pytest.approx(0.5), 1.0],  # item 2 replied late in round 1
        ["社会发展", 1, 1, 2, pytest.approx(0.5), 1.0, "—"],
        ["财政经济", 0, 1, 1, 1.0, 1.0, "—"],
        ["法治建设", 0, 1, 1, 1.0, 0.0, 1.0],
        ["未分类", 1, 0, 1, "—", "—", "—"],
    ]
    groups = rows_of(wb["按代表团界别党派"])
    assert groups[0][:5] == ["届次", "件数", "按期办复率", "解决采纳率", "最终满意率"]
    assert [r[6] for r in groups[1:5]] == ["海淀代表团", "朝阳代表团", "西城代表团", "未填写"]
    assert [r[7] for r in groups[1:5]] == [2, 1, 1, 1]
    assert [r[12:14] for r in groups[1:4]] == [["医药卫生界", 1], ["经济界", 1], ["未填写", 1]]
    assert [r[18:20] for r in groups[1:4]] == [["民建", 1], ["民盟", 1], ["未填写", 1]]


def test_lists(wb):
    late = rows_of(wb["超期和逾期答复"])
    assert late[0][:4] == ["件别", "届次", "编号", "标题"]
    assert [(r[2], r[4], r[5], r[11], r[12]) for r in late[1:]] == [
        ("0003", "海淀区", "分办", 213, "逾期未答复"),
        ("0002", "市住房城乡建设委", "主办", 9, "超期答复"),
    ]
    assert late[2][7].date() == date(2026, 2, 1) and late[2][10].date() == date(2026, 5, 10)
    rehandled = rows_of(wb["重新办理"])
    assert rehandled[1][2:] == [
        "0002",
        "尽快解决翠花街变压器放置不合理问题",
        "王芳",
        "市住房城乡建设委",
        None,
        2,
        "不满意",
        "基本满意",
        "已办结",
    ]
    key = rows_of(wb["重点督办"])
    assert [r[2] for r in key[1:]] == ["0001", "2026001"]
    assert key[1][5:] == ["市交通委", "市公安局", "已办结", 1, 1, "已经解决或者基本解决", "满意"]


def test_definitions_sheet(wb):
    ws = wb["指标说明"]
    rows = rows_of(ws)
    listed = {r[0]: r for r in rows[1 : 1 + len(INDICATORS)]}
    assert set(listed) == {i.code for i in INDICATORS}
    assert all(r[1] and r[2] and r[3] and r[4] for r in listed.values())
    assert "经批准延期后的期限" in listed["replied_on_time"][3]
    assert "满意+基本满意" in listed["first_satisfied"][3]
    settings = {r[0]: r[2] for r in rows if r and r[0]}
    assert settings["on_time_rate"] == 30 and settings["penalty_per_late_reply"] == 0.5


def test_formula_like_text_is_neutralised():
    items = K.build_items()
    items[1] = replace(items[1], title='=HYPERLINK("http://x","y")', lead_submitter="@王芳")
    wb = export(items)
    ws = wb["超期和逾期答复"]
    cell = ws.cell(row=3, column=4)
    assert cell.value == '\'=HYPERLINK("http://x","y")' and cell.data_type == "s"
    assert wb["重新办理"].cell(row=2, column=5).value == "'@王芳"
    assert [neutralise(v) for v in ("+1", "-1", "\tx", "ok", 5)] == ["'+1", "'-1", "'\tx", "ok", 5]


def test_department_export_has_only_that_department():
    wb = export(K.build_items(), department="gaj")
    departments = rows_of(wb["按承办单位"])[1:]
    assert [r[2] for r in departments] == ["gaj"]
    assert "承办单位：市公安局" in wb["汇总"]["A2"].value
    assert [r[5:7] for r in rows_of(wb["重点督办"])[1:]] == [[None, "市公安局"]]  # item 1: another lead, hidden
    late = rows_of(export(K.build_items(), department="zjw")["超期和逾期答复"])[1:]
    assert [(r[2], r[4]) for r in late] == [("0002", "市住房城乡建设委")]  # 海淀区's overdue part is not shown
