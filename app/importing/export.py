"""Item export as .xlsx, .csv or .json.

The .xlsx export uses the import headers of each kind (one sheet per kind), so an exported
file imported again is recognised as unchanged. Text that a spreadsheet would run as a formula
(starting with = + - @) is neutralised: in .xlsx it is written as a text cell with Excel's own
quote prefix (the value itself stays intact), in .csv it gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from app.domain.enums import ItemKind, ItemState, SubmitterType
from app.domain.importing.columns import CANONICAL_HEADERS, Field

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLES = {ItemKind.NPC_SUGGESTION: "人大代表建议", ItemKind.CPPCC_PROPOSAL: "政协提案"}
KIND_LABELS = {ItemKind.NPC_SUGGESTION: "人大代表建议", ItemKind.CPPCC_PROPOSAL: "政协提案"}
STATE_LABELS = {
    ItemState.REGISTERED: "已登记",
    ItemState.ASSIGNED: "已交办",
    ItemState.IN_PROGRESS: "办理中",
    ItemState.REPLIED: "已答复",
    ItemState.AWAITING_FEEDBACK: "待反馈",
    ItemState.REHANDLING: "重新办理",
    ItemState.CLOSED: "已办结",
    ItemState.MERGED: "已并案",
    ItemState.WITHDRAWN: "已撤回",
}
SUBMITTER_TYPE_LABELS = {
    SubmitterType.DELEGATION: "代表团",
    SubmitterType.PARTY_GROUP: "党派团体",
    SubmitterType.SPECIAL_COMMITTEE: "专委会",
    SubmitterType.SECTOR: "界别",
}
EXTRA_HEADERS = ("会议", "状态")  # not import columns: an import notes and ignores them
EXPORT_SUFFIXES = (".xlsx", ".csv", ".json")


@dataclass
class ExportRow:
    kind: ItemKind
    session: str
    number: str
    title: str
    lead_submitter: str
    state: str
    content: str = ""
    category: str | None = None  # category name
    submitter_type: str = SubmitterType.INDIVIDUAL.value
    co_signers: list[str] = field(default_factory=list)
    submitter_count: int = 1
    delegation: str | None = None
    sector: str | None = None
    party: str | None = None
    during_session: bool = True
    agree_to_publish: bool = True
    submitted_on: date | None = None
    key_supervision: bool = False
    intended_lead: list[str] = field(default_factory=list)  # department short names
    intended_co: list[str] = field(default_factory=list)
    intended_split: list[str] = field(default_factory=list)

    def cells(self) -> dict[Field, Any]:
        """Values under the import headers, written the way the importer reads them back."""
        individual = "代表" if self.kind is ItemKind.NPC_SUGGESTION else "委员"
        return {
            Field.NUMBER: self.number,
            Field.TITLE: self.title,
            Field.LEAD_SUBMITTER: self.lead_submitter,
            Field.CO_SIGNERS: "、".join(self.co_signers) or None,
            Field.SUBMITTER_COUNT: self.submitter_count,
            Field.SUBMITTER_TYPE: SUBMITTER_TYPE_LABELS.get(SubmitterType(self.submitter_type), individual),
            Field.DELEGATION: self.delegation,
            Field.SECTOR: self.sector,
            Field.PARTY: self.party,
            Field.CATEGORY: self.category,
            Field.CONTENT: self.content or None,
            Field.DURING_SESSION: "会上" if self.during_session else "闭会期间",
            Field.AGREE_TO_PUBLISH: "是" if self.agree_to_publish else "否",
            Field.SUBMITTED_ON: self.submitted_on,
            Field.INTENDED_LEAD: "、".join(self.intended_lead) or None,
            Field.INTENDED_CO: "、".join(self.intended_co) or None,
            Field.INTENDED_SPLIT: "、".join(self.intended_split) or None,
            Field.KEY_SUPERVISION: "是" if self.key_supervision else "否",
        }

    def extra(self) -> list[Any]:
        return [self.session, STATE_LABELS.get(ItemState(self.state), self.state)]

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "session": self.session,
            "number": self.number,
            "title": self.title,
            "lead_submitter": self.lead_submitter,
            "co_signers": self.co_signers,
            "submitter_count": self.submitter_count,
            "submitter_type": self.submitter_type,
            "delegation": self.delegation,
            "sector": self.sector,
            "party": self.party,
            "category": self.category,
            "content": self.content,
            "during_session": self.during_session,
            "agree_to_publish": self.agree_to_publish,
            "submitted_on": self.submitted_on.isoformat() if self.submitted_on else None,
            "key_supervision": self.key_supervision,
            "intended_lead": self.intended_lead,
            "intended_co": self.intended_co,
            "intended_split": self.intended_split,
            "state": self.state,
        }


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def export_items(rows: Iterable[ExportRow], path: Path) -> int:
    """Write rows to path (.xlsx, .csv or .json by suffix); returns the number written."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return write_xlsx(rows, path)
    if suffix == ".csv":
        return write_csv(rows, path)
    if suffix == ".json":
        return write_json(rows, path)
    raise ValueError(f"unsupported export format '{path.suffix}'; use one of {', '.join(EXPORT_SUFFIXES)}")


def write_xlsx(rows: Iterable[ExportRow], path: Path) -> int:
    workbook = Workbook(write_only=True)
    sheets: dict[ItemKind, Any] = {}
    bold = Font(bold=True)
    count = 0

    def sheet_for(kind: ItemKind):
        if kind not in sheets:
            sheet = workbook.create_sheet(SHEET_TITLES[kind])
            header = []
            for text in [*CANONICAL_HEADERS[kind].values(), *EXTRA_HEADERS]:
                cell = WriteOnlyCell(sheet, value=text)
                cell.font = bold
                header.append(cell)
            sheet.append(header)
            sheets[kind] = sheet
        return sheets[kind]

    for row in rows:
        sheet = sheet_for(row.kind)
        values = row.cells()
        out = [_xlsx_cell(sheet, values.get(fld)) for fld in CANONICAL_HEADERS[row.kind]]
        out += [_xlsx_cell(sheet, v) for v in row.extra()]
        sheet.append(out)
        count += 1
    if not sheets:
        sheet_for(ItemKind.NPC_SUGGESTION)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return count


def _xlsx_cell(sheet, value: Any):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever it starts with
        if is_formula_like(value):
            cell.quotePrefix = True
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    return cell


CSV_HEADERS = (
    "类型",
    "会议",
    "编号",
    "标题",
    "领衔人",
    "附议/联名",
    "提出人数",
    "提出者性质",
    "代表团",
    "界别",
    "党派",
    "类别",
    "会上/闭会",
    "可否公开",
    "提出时间",
    "意向主办单位",
    "意向会办单位",
    "分办单位",
    "重点",
    "状态",
    "内容",
)
CSV_FIELDS = (
    Field.NUMBER,
    Field.TITLE,
    Field.LEAD_SUBMITTER,
    Field.CO_SIGNERS,
    Field.SUBMITTER_COUNT,
    Field.SUBMITTER_TYPE,
    Field.DELEGATION,
    Field.SECTOR,
    Field.PARTY,
    Field.CATEGORY,
    Field.DURING_SESSION,
    Field.AGREE_TO_PUBLISH,
    Field.SUBMITTED_ON,
    Field.INTENDED_LEAD,
    Field.INTENDED_CO,
    Field.INTENDED_SPLIT,
    Field.KEY_SUPERVISION,
)


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if is_formula_like(text) else text


def write_csv(rows: Iterable[ExportRow], path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel opens UTF-8 correctly
        writer = csv.writer(fh)
        writer.writerow(CSV_HEADERS)
        for row in rows:
            values = row.cells()
            session, state = row.extra()
            writer.writerow(
                [
                    _csv_text(v)
                    for v in (
                        KIND_LABELS[row.kind],
                        session,
                        *(values[f] for f in CSV_FIELDS),
                        state,
                        values[Field.CONTENT],
                    )
                ]
            )
            count += 1
    return count


def write_json(rows: Iterable[ExportRow], path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as fh:
        fh.write("[")
        for row in rows:
            fh.write(("," if count else "") + "\n" + json.dumps(row.as_json(), ensure_ascii=False))
            count += 1
        fh.write("\n]\n")
    return count
