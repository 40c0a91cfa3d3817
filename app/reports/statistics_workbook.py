"""The annual statistics workbook: Chinese sheets, frozen headers, rate formats, native charts.

Written with openpyxl's write-only mode so that a province-sized year (tens of thousands of
late-reply rows) streams to disk instead of piling up cell objects in memory.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.domain.enums import AssignmentRole, ItemKind, KpiBucket
from app.domain.statistics.appraisal import REASONS_ZH
from app.domain.statistics.compute import FINAL, FIRST, Rate, StatisticsScope
from app.domain.statistics.indicators import BY_CODE, DEPARTMENT_CODES, INDICATORS, SUMMARY_CODES
from app.domain.statistics.labels import (
    ALL_KINDS_ZH,
    BUCKET_ZH,
    KIND_ZH,
    OBLIGATION_STATUS_ZH,
    ROLE_ZH,
    STATE_ZH,
)
from app.domain.statistics.report import GroupRow, ItemListRow, StatisticsReport

SHEET_SUMMARY = "汇总"
SHEET_DEPARTMENTS = "按承办单位"
SHEET_CATEGORIES = "按分类"
SHEET_GROUPS = "按代表团界别党派"
SHEET_LATE = "超期和逾期答复"
SHEET_REHANDLED = "重新办理"
SHEET_KEY = "重点督办"
SHEET_DEFINITIONS = "指标说明"

RATE_FORMAT = "0.0%"
SCORE_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"
NO_VALUE = "—"  # a rate without a denominator
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

COMPONENT_ZH = {code: BY_CODE[code].zh for code in DEPARTMENT_CODES}
SETTING_ZH = {
    "on_time_deadline": ("按期判断所用期限", {"extended": "延期后期限", "original": "原期限"}),
    "publication_denominator": ("上网率分母", {"disclosable": "不含不予公开的答复", "all": "全部答复"}),
    "missing_component": ("缺项处理", {"reweight": "按其余指标折算", "zero": "计0分", "full": "计满分"}),
}


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would take for a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


# --------------------------------------------------------------------------- sheet model


@dataclass
class Cell:
    value: Any
    style: str = ""  # "" | header | title | note | rate | score | section


@dataclass
class ChartSpec:
    """A chart to place on the sheet; ranges are 1-based, rows/cols of this sheet."""

    build: Callable[[Any], Any]  # worksheet -> chart
    anchor: str


@dataclass
class SheetSpec:
    title: str
    rows: list[list[Any]] = field(default_factory=list)
    freeze: str | None = None
    charts: list[ChartSpec] = field(default_factory=list)
    min_widths: dict[int, float] = field(default_factory=dict)

    @property
    def next_row(self) -> int:
        return len(self.rows) + 1

    def add(self, *values: Any) -> int:
        self.rows.append(list(values))
        return len(self.rows)

    def blank(self) -> None:
        self.rows.append([])


def rate_cell(rate: Rate) -> Cell:
    return Cell(rate.value, "rate") if rate.denominator else Cell(NO_VALUE)


def value_cell(value: Any) -> Any:
    return rate_cell(value) if isinstance(value, Rate) else value


def header(*names: str) -> list[Cell]:
    return [Cell(n, "header") for n in names]


# --------------------------------------------------------------------------- the sheets


def scope_text(report: StatisticsReport) -> str:
    scope: StatisticsScope = report.scope
    parts = [
        f"年度：{scope.year}",
        f"件别：{KIND_ZH[scope.kind] if scope.kind else '人大代表建议和政协提案'}",
        f"届次：{scope.session or '全部'}",
    ]
    if scope.department:
        parts.append(f"承办单位：{report.department_name(scope.department)}")
    parts.append(f"统计截止日：{scope.as_of.isoformat()}")
    return "；".join(parts)


def _kind_columns(report: StatisticsReport) -> list[tuple[str, ItemKind | None]]:
    columns: list[tuple[str, ItemKind | None]] = [(KIND_ZH[k], k) for k in report.kinds]
    if len(report.kinds) > 1:
        columns.append((ALL_KINDS_ZH, None))
    return columns


def summary_sheet(report: StatisticsReport) -> SheetSpec:
    sheet = SheetSpec(SHEET_SUMMARY, freeze="B5")
    sheet.add(Cell(f"{report.profile.label}{report.scope.year}年代表建议和政协提案办理统计", "title"))
    sheet.add(Cell(scope_text(report), "note"))
    sheet.blank()
    columns = _kind_columns(report)
    sheet.add(*header("指标", *(name for name, _ in columns), "指标代码"))
    for code in SUMMARY_CODES:
        sheet.add(BY_CODE[code].zh, *(value_cell(report.summary[kind][code]) for _, kind in columns), code)

    sheet.blank()
    sheet.add(Cell("办理结果分布（最终答复）", "section"))
    sheet.add(*header("件别", "类别代码", "办理结果", "KPI分组", "答复数", "占本件别比例"))
    ranges: dict[ItemKind, tuple[int, int]] = {}
    for kind in report.kinds:
        rows = [rc for rc in report.result_classes if rc.kind is kind]
        total = sum(rc.count for rc in rows)
        first = sheet.next_row
        for rc in rows:
            share = Rate(rc.count, total)
            sheet.add(KIND_ZH[kind], rc.code, rc.label, BUCKET_ZH[KpiBucket(rc.bucket)], rc.count, rate_cell(share))
        ranges[kind] = (first, sheet.next_row - 1)

    sheet.blank()
    sheet.add(Cell("满意度测评", "section"))
    levels = report.profile.satisfaction
    sheet.add(*header("件别及轮次", *(lv.label for lv in levels), "测评数", "满意率"))
    first_satisfaction = sheet.next_row
    for kind in report.kinds:
        for round_name, round_label in ((FIRST, "首轮"), (FINAL, "最终")):
            counts = report.satisfaction[(kind, round_name)]
            total = sum(counts.values())
            satisfied = sum(counts[lv.code] for lv in levels if lv.code in report.settings.satisfied_levels)
            sheet.add(
                f"{KIND_ZH[kind]}（{round_label}）",
                *(counts[lv.code] for lv in levels),
                total,
                rate_cell(Rate(satisfied, total)),
            )
    last_satisfaction = sheet.next_row - 1

    anchor_row = 4
    for kind, (first, last) in ranges.items():
        if last >= first:
            sheet.charts.append(
                ChartSpec(
                    _pie_builder(f"办理结果分布：{KIND_ZH[kind]}", label_col=3, value_col=5, first=first, last=last),
                    f"H{anchor_row}",
                )
            )
            anchor_row += 18
    sheet.charts.append(
        ChartSpec(
            _bar_builder(
                "满意度测评（按件别）",
                category_col=1,
                value_cols=range(2, 2 + len(levels)),
                first=first_satisfaction,
                last=last_satisfaction,
                direction="col",
                y_title="测评数",
            ),
            f"H{anchor_row}",
        )
    )
    sheet.min_widths = {1: 22}
    return sheet


def _department_headers(report: StatisticsReport) -> list[str]:
    components = [f"{COMPONENT_ZH[c.indicator]}得分（权重{c.weight:g}）" for c in report.appraisal_settings.components]
    return [
        "排名",
        "承办单位",
        "单位代码",
        *(BY_CODE[code].zh for code in DEPARTMENT_CODES),
        *components,
        "超期及逾期件次",
        "扣分",
        "考核得分",
        "备注",
    ]


def department_sheet(report: StatisticsReport) -> SheetSpec:
    sheet = SheetSpec(SHEET_DEPARTMENTS, freeze="C2")
    names = _department_headers(report)
    sheet.add(*header(*names))
    rows_by_code = {row.code: row for row in report.departments}
    for result in report.appraisal:
        row = rows_by_code[result.department]
        note = _appraisal_note(result)
        score = Cell(result.score, "score") if result.score is not None else NO_VALUE
        sheet.add(
            result.rank if result.rank is not None else NO_VALUE,
            row.name,
            row.code,
            *(value_cell(row.values[code]) for code in DEPARTMENT_CODES),
            *(Cell(cs.points, "score") if cs.points is not None else NO_VALUE for cs in result.components),
            result.late_replies,
            Cell(result.penalty, "score"),
            score,
            note,
        )
    first, last = 2, sheet.next_row - 1
    if last >= first:
        col = {name: i + 1 for i, name in enumerate(names)}
        height = max(8.0, 0.5 * (last - first + 1) + 3)
        sheet.charts.append(
            ChartSpec(
                _bar_builder(
                    "各承办单位办理件数",
                    category_col=2,
                    value_cols=[col[BY_CODE[c].zh] for c in ("lead_items", "co_items", "split_items")],
                    first=first,
                    last=last,
                    direction="bar",
                    stacked=True,
                    height=height,
                    y_title="件数",
                ),
                f"B{last + 3}",
            )
        )
        sheet.charts.append(
            ChartSpec(
                _bar_builder(
                    "各承办单位按期办复率",
                    category_col=2,
                    value_cols=[col[BY_CODE["on_time_rate"].zh]],
                    first=first,
                    last=last,
                    direction="bar",
                    height=height,
                    y_title="按期办复率",
                    percent=True,
                ),
                f"L{last + 3}",
            )
        )
    sheet.min_widths = {2: 18}
    return sheet


def _appraisal_note(result) -> str:
    notes = []
    if result.unranked_reason:
        notes.append(REASONS_ZH[result.unranked_reason])
    if any(cs.note == "reweighted" for cs in result.components):
        missing = [COMPONENT_ZH[cs.indicator] for cs in result.components if not cs.rate.denominator]
        notes.append(f"{'、'.join(missing)}无数据，其权重按其余指标折算")
    for cs in result.components:
        if cs.note == "missing: zero":
            notes.append(f"{COMPONENT_ZH[cs.indicator]}无数据，计0分")
        elif cs.note == "missing: full":
            notes.append(f"{COMPONENT_ZH[cs.indicator]}无数据，计满分")
    return "；".join(notes)


GROUP_VALUE_HEADERS = ("按期办复率", "解决采纳率", "最终满意率")
GROUP_VALUE_CODES = ("on_time_rate", "resolved_rate", "final_satisfaction_rate")


def category_sheet(report: StatisticsReport) -> SheetSpec:
    sheet = SheetSpec(SHEET_CATEGORIES, freeze="B2")
    columns = _kind_columns(report)
    sheet.add(*header("分类", *(name for name, _ in columns), *GROUP_VALUE_HEADERS))
    for row in report.categories:
        sheet.add(row.label, *_group_counts(row, columns), *(value_cell(row.values[c]) for c in GROUP_VALUE_CODES))
    sheet.min_widths = {1: 16}
    return sheet


def _group_counts(row: GroupRow, columns: Sequence[tuple[str, ItemKind | None]]) -> list[int]:
    return [row.received_by_kind[kind] if kind else sum(row.received_by_kind.values()) for _, kind in columns]


def groups_sheet(report: StatisticsReport) -> SheetSpec:
    """Sessions, delegations, sectors and parties side by side, one frozen header row."""
    sheet = SheetSpec(SHEET_GROUPS, freeze="A2")
    blocks = (
        ("届次", report.sessions),
        ("代表团", report.delegations),
        ("界别", report.sectors),
        ("党派", report.parties),
    )
    width = 1 + 1 + len(GROUP_VALUE_HEADERS)  # name, count, rates
    head: list[Any] = []
    for index, (name, _) in enumerate(blocks):
        if index:
            head.append(None)
        head.extend(header(name, "件数", *GROUP_VALUE_HEADERS))
    sheet.add(*head)
    depth = max(len(rows) for _, rows in blocks)
    for i in range(depth):
        line: list[Any] = []
        for index, (_, rows) in enumerate(blocks):
            if index:
                line.append(None)
            if i < len(rows):
                row = rows[i]
                line.extend(
                    [row.label, row.values["received"], *(value_cell(row.values[c]) for c in GROUP_VALUE_CODES)]
                )
            else:
                line.extend([None] * width)
        sheet.add(*line)
    for index in range(len(blocks)):
        sheet.min_widths[index * (width + 1) + 1] = 14
    return sheet


def late_sheet(report: StatisticsReport) -> SheetSpec:
    sheet = SheetSpec(SHEET_LATE, freeze="E2")
    sheet.add(
        *header(
            "件别", "届次", "编号", "标题", "承办单位", "办理方式", "轮次", "交办日期", "原答复期限",
            "延期后期限", "答复日期", "超期天数", "情况", "重点督办",
        )
    )  # fmt: skip
    for ob in report.late:
        item = ob.item
        sheet.add(
            KIND_ZH[item.kind],
            item.session,
            item.number,
            item.title,
            report.department_name(ob.department),
            ROLE_ZH[AssignmentRole(ob.role)],
            ob.round,
            ob.assigned_on,
            ob.original_due_on,
            ob.extended_due_on,
            ob.reply.sent_on if ob.reply else None,
            ob.days_late,
            OBLIGATION_STATUS_ZH[ob.status],
            "是" if item.key_supervision else "",
        )
    sheet.min_widths = {4: 40}
    return sheet


def _item_list_sheet(
    title: str, rows: Iterable[ItemListRow], extra: Sequence[tuple[str, Callable[[ItemListRow], Any]]]
) -> SheetSpec:
    sheet = SheetSpec(title, freeze="E2")
    sheet.add(
        *header("件别", "届次", "编号", "标题", "领衔人", "主办/分办单位", "协办单位", *(name for name, _ in extra))
    )
    for row in rows:
        item = row.item
        sheet.add(
            KIND_ZH[item.kind],
            item.session,
            item.number,
            item.title,
            item.lead_submitter,
            "、".join(row.lead_departments),
            "、".join(row.co_departments),
            *(get(row) for _, get in extra),
        )
    sheet.min_widths = {4: 40}
    return sheet


def rehandled_sheet(report: StatisticsReport) -> SheetSpec:
    return _item_list_sheet(
        SHEET_REHANDLED,
        report.rehandled,
        (
            ("办理轮次", lambda r: r.item.rounds),
            ("首轮测评", lambda r: r.first_rating),
            ("最终测评", lambda r: r.final_rating),
            ("当前状态", lambda r: STATE_ZH[r.item.state]),
        ),
    )


def key_sheet(report: StatisticsReport) -> SheetSpec:
    return _item_list_sheet(
        SHEET_KEY,
        report.key_items,
        (
            ("当前状态", lambda r: STATE_ZH[r.item.state]),
            ("本轮已答复", lambda r: r.replies_sent),
            ("本轮应答复", lambda r: r.replies_owed),
            ("办理结果", lambda r: "、".join(r.result_labels)),
            ("最终测评", lambda r: r.final_rating),
        ),
    )


def definitions_sheet(report: StatisticsReport) -> SheetSpec:
    profile, settings, appraisal = report.profile, report.settings, report.appraisal_settings
    sheet = SheetSpec(SHEET_DEFINITIONS, freeze="A2")
    sheet.add(*header("指标代码", "指标", "Indicator", "计算公式", "Formula"))
    for ind in INDICATORS:
        sheet.add(ind.code, ind.zh, ind.en, ind.formula_zh(profile, settings), ind.formula_en(profile, settings))
    sheet.blank()
    sheet.add(Cell(f"统计设置（rules/{profile.name}/profile.toml [statistics]）", "section"))
    level_labels = {lv.code: lv.label for lv in profile.satisfaction}
    sheet.add(
        "on_time_deadline",
        SETTING_ZH["on_time_deadline"][0],
        SETTING_ZH["on_time_deadline"][1][settings.on_time_deadline],
    )
    sheet.add(
        "satisfied_levels",
        "计入满意率的测评结果",
        "、".join(level_labels[c] for c in level_labels if c in settings.satisfied_levels),
    )
    sheet.add(
        "resolved_buckets",
        "计入解决采纳率的KPI分组",
        "、".join(BUCKET_ZH[b] for b in sorted(settings.resolved_buckets)),
    )
    sheet.add(
        "publication_denominator",
        SETTING_ZH["publication_denominator"][0],
        SETTING_ZH["publication_denominator"][1][settings.publication_denominator],
    )
    sheet.add("total_includes_reference", "主会办件合计含参阅件", "是" if settings.total_includes_reference else "否")
    sheet.blank()
    sheet.add(Cell(f"考核设置（rules/{profile.name}/profile.toml [appraisal]）", "section"))
    for component in appraisal.components:
        sheet.add(component.indicator, f"{COMPONENT_ZH[component.indicator]}权重", component.weight)
    sheet.add("penalty_per_late_reply", "每件超期或逾期答复扣分", appraisal.penalty_per_late_reply)
    sheet.add(
        "missing_component",
        SETTING_ZH["missing_component"][0],
        SETTING_ZH["missing_component"][1][appraisal.missing_component],
    )
    sheet.add("min_reply_obligations", "参加排名的最少应答复件次", appraisal.min_reply_obligations)
    sheet.add(
        "ranking",
        "排名规则",
        "按考核得分从高到低排名，得分相同者名次并列（如1、2、2、4）；应答复件次不足者列出但不排名",
    )
    sheet.blank()
    sheet.add(Cell("统计范围", "section"))
    sheet.add("scope", "范围", scope_text(report))
    sheet.min_widths = {1: 22, 2: 22, 3: 28, 4: 60, 5: 60}
    return sheet


def build_sheets(report: StatisticsReport) -> list[SheetSpec]:
    return [
        summary_sheet(report),
        department_sheet(report),
        category_sheet(report),
        groups_sheet(report),
        late_sheet(report),
        rehandled_sheet(report),
        key_sheet(report),
        definitions_sheet(report),
    ]


# --------------------------------------------------------------------------- charts


def _text_categories(chart, labels: Reference) -> None:
    """Category labels are text: a string reference, so that every spreadsheet shows them as such."""
    for series in chart.series:
        series.cat = AxDataSource(strRef=StrRef(f=str(labels)))


def _pie_builder(title: str, *, label_col: int, value_col: int, first: int, last: int):
    def build(ws):
        chart = PieChart()
        chart.title = title
        chart.add_data(Reference(ws, min_col=value_col, min_row=first, max_row=last), titles_from_data=False)
        _text_categories(chart, Reference(ws, min_col=label_col, min_row=first, max_row=last))
        chart.dataLabels = DataLabelList()
        chart.dataLabels.showPercent = True
        chart.width, chart.height = 16, 9
        return chart

    return build


def _bar_builder(
    title: str,
    *,
    category_col: int,
    value_cols: Iterable[int],
    first: int,
    last: int,
    direction: str,
    y_title: str,
    stacked: bool = False,
    height: float = 9.0,
    percent: bool = False,
):
    value_cols = list(value_cols)

    def build(ws):
        chart = BarChart()
        chart.type = direction
        chart.title = title
        chart.y_axis.title = y_title
        if stacked:
            chart.grouping, chart.overlap = "stacked", 100
        # the header row right above the data names each series
        for col in value_cols:
            chart.add_data(Reference(ws, min_col=col, min_row=first - 1, max_row=last), titles_from_data=True)
        _text_categories(chart, Reference(ws, min_col=category_col, min_row=first, max_row=last))
        if percent:
            chart.y_axis.number_format = "0%"
            chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
        chart.y_axis.delete = False
        chart.x_axis.delete = False
        chart.width, chart.height = 18, height
        return chart

    return build


# --------------------------------------------------------------------------- writing

_FONT_HEADER = Font(bold=True)
_FILL_HEADER = PatternFill("solid", fgColor="DDEBF7")
_FONT_TITLE = Font(bold=True, size=14)
_FONT_SECTION = Font(bold=True, size=12)
_WRAP = Alignment(wrap_text=True, vertical="top")


def _display_width(value: Any) -> float:
    if value is None:
        return 0
    if isinstance(value, float):
        return 8
    if isinstance(value, date):
        return 11
    text = str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text) + 1


def _column_widths(sheet: SheetSpec, sample: int = 500) -> dict[int, float]:
    widths: dict[int, float] = {}
    for row in sheet.rows[:sample]:
        for col, raw in enumerate(row, start=1):
            cell = raw if isinstance(raw, Cell) else Cell(raw)
            if cell.style in ("title", "note", "section"):
                continue  # long titles spill over, they need no wide column
            widths[col] = max(widths.get(col, 6), min(_display_width(cell.value), 48))
    for col, minimum in sheet.min_widths.items():
        widths[col] = max(widths.get(col, 0), minimum)
    return widths


def _write_sheet(wb: Workbook, sheet: SheetSpec) -> None:
    ws = wb.create_sheet(sheet.title)
    for col, width in _column_widths(sheet).items():
        ws.column_dimensions[get_column_letter(col)].width = width
    if sheet.freeze:
        ws.freeze_panes = sheet.freeze
    for row in sheet.rows:
        ws.append([_to_cell(ws, raw) for raw in row])
    for chart in sheet.charts:
        ws.add_chart(chart.build(ws), chart.anchor)


def _to_cell(ws, raw: Any) -> Any:
    if not isinstance(raw, Cell):
        return neutralise(raw)
    value = neutralise(raw.value)
    if not raw.style:
        return value
    cell = WriteOnlyCell(ws, value)
    if raw.style == "header":
        cell.font, cell.fill, cell.alignment = _FONT_HEADER, _FILL_HEADER, _WRAP
    elif raw.style == "title":
        cell.font = _FONT_TITLE
    elif raw.style == "section":
        cell.font = _FONT_SECTION
    elif raw.style == "rate":
        cell.number_format = RATE_FORMAT
    elif raw.style == "score":
        cell.number_format = SCORE_FORMAT
    return cell


def write_statistics_workbook(report: StatisticsReport, out: str | Path | IO[bytes]) -> None:
    """Write the workbook to a path or a binary stream."""
    wb = Workbook(write_only=True)
    for sheet in build_sheets(report):
        _write_sheet(wb, sheet)
    wb.save(out)
