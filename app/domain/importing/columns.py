"""Which column holds what: the field list, the header alias table per item kind, header detection.

Workbooks are made by people: the header row sits below one or more title rows, header names
vary ("建议号", "编号", "序号"), carry notes ("标题（必填）") or line breaks, and a few sheets
use two header rows (a merged group cell above the real names). Detection scans the first
rows and picks the one that matches most known header names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.domain.enums import ItemKind


class Field(StrEnum):
    NUMBER = "number"
    TITLE = "title"
    CONTENT = "content"
    CONTENT_BACKGROUND = "content_background"  # Shanghai CPPCC: 背景情况
    CONTENT_ANALYSIS = "content_analysis"  # 问题及分析
    CONTENT_PROPOSALS = "content_proposals"  # 具体建议
    CATEGORY = "category"
    SUBMITTER_TYPE = "submitter_type"
    LEAD_SUBMITTER = "lead_submitter"
    CO_SIGNERS = "co_signers"
    SUBMITTER_COUNT = "submitter_count"
    DELEGATION = "delegation"
    SECTOR = "sector"
    PARTY = "party"
    DURING_SESSION = "during_session"
    AGREE_TO_PUBLISH = "agree_to_publish"
    SUBMITTED_ON = "submitted_on"
    KEY_SUPERVISION = "key_supervision"
    INTENDED_LEAD = "intended_lead"
    INTENDED_CO = "intended_co"
    INTENDED_SPLIT = "intended_split"


REQUIRED_FIELDS = (Field.NUMBER, Field.TITLE, Field.LEAD_SUBMITTER)

#: Header names accepted for both kinds (besides the kind-specific ones below).
COMMON_ALIASES: dict[Field, tuple[str, ...]] = {
    Field.NUMBER: ("编号", "序号", "号", "案号", "no", "no.", "number", "id"),
    Field.TITLE: ("标题", "题目", "名称", "title", "subject"),
    Field.CONTENT: ("内容", "正文", "content", "text", "body"),
    Field.CONTENT_BACKGROUND: ("背景情况", "背景", "background"),
    Field.CONTENT_ANALYSIS: ("问题及分析", "问题分析", "analysis"),
    Field.CONTENT_PROPOSALS: ("具体建议", "proposals"),
    Field.CATEGORY: ("类别", "分类", "类型", "所属类别", "category"),
    Field.SUBMITTER_COUNT: ("提出人数", "人数", "联名人数", "submitters", "submitter count"),
    Field.DELEGATION: ("代表团", "所属代表团", "delegation"),
    Field.SECTOR: ("界别", "所属界别", "sector"),
    Field.PARTY: ("党派", "党派团体", "政治面貌", "party"),
    Field.DURING_SESSION: (
        "会上/闭会",
        "会上",
        "闭会",
        "会上闭会",
        "提出时段",
        "提出方式",
        "会上或闭会",
        "during session",
    ),
    Field.AGREE_TO_PUBLISH: ("可否公开", "是否公开", "是否同意公开", "同意公开", "公开", "public", "publish"),
    Field.SUBMITTED_ON: ("提出时间", "提交时间", "提出日期", "提交日期", "日期", "submitted on", "date"),
    Field.KEY_SUPERVISION: ("重点", "重点督办", "是否重点", "重点督办件", "key", "key supervision"),
    Field.INTENDED_LEAD: ("主办单位", "意向主办单位", "建议主办单位", "承办单位", "lead department", "intended lead"),
    Field.INTENDED_CO: (
        "协办单位",
        "会办单位",
        "协办/会办单位",
        "意向会办单位",
        "意向协办单位",
        "co departments",
        "intended co",
    ),
    Field.INTENDED_SPLIT: ("分办单位", "split departments"),
    Field.SUBMITTER_TYPE: ("提案者性质", "提出者性质", "提案人性质", "提出者类型", "submitter type"),
    Field.LEAD_SUBMITTER: ("提出人", "lead submitter"),
    Field.CO_SIGNERS: ("联名人", "附议人", "co-signers", "cosigners"),
}

KIND_ALIASES: dict[ItemKind, dict[Field, tuple[str, ...]]] = {
    ItemKind.NPC_SUGGESTION: {
        Field.NUMBER: ("建议号", "建议编号", "建议序号", "代表建议号"),
        Field.TITLE: ("建议题目", "建议标题", "建议名称", "案由"),
        Field.CONTENT: ("建议内容",),
        Field.CATEGORY: ("建议类别", "建议分类"),
        Field.LEAD_SUBMITTER: ("领衔代表", "代表", "代表姓名", "提出代表", "deputy"),
        Field.CO_SIGNERS: ("附议代表", "联名代表", "附议代表姓名"),
    },
    ItemKind.CPPCC_PROPOSAL: {
        Field.NUMBER: ("提案号", "提案序号", "提案编号"),
        Field.TITLE: ("案由", "提案题目", "提案标题", "提案名称"),
        Field.CONTENT: ("提案内容",),
        Field.CATEGORY: ("提案分类", "提案类别"),
        Field.LEAD_SUBMITTER: ("第一提案人", "提案人", "提案者", "member"),
        Field.CO_SIGNERS: ("联名提案人", "联名委员", "附议委员"),
    },
}

#: Canonical header per field, as written in our templates and exports (Chinese).
CANONICAL_HEADERS: dict[ItemKind, dict[Field, str]] = {
    ItemKind.NPC_SUGGESTION: {
        Field.NUMBER: "建议号",
        Field.TITLE: "标题",
        Field.LEAD_SUBMITTER: "领衔代表",
        Field.CO_SIGNERS: "附议代表",
        Field.SUBMITTER_COUNT: "提出人数",
        Field.SUBMITTER_TYPE: "提出者性质",
        Field.DELEGATION: "代表团",
        Field.CATEGORY: "类别",
        Field.CONTENT: "内容",
        Field.DURING_SESSION: "会上/闭会",
        Field.AGREE_TO_PUBLISH: "可否公开",
        Field.SUBMITTED_ON: "提出时间",
        Field.INTENDED_LEAD: "主办单位",
        Field.INTENDED_CO: "协办单位",
        Field.INTENDED_SPLIT: "分办单位",
        Field.KEY_SUPERVISION: "重点",
    },
    ItemKind.CPPCC_PROPOSAL: {
        Field.NUMBER: "提案号",
        Field.TITLE: "案由",
        Field.SUBMITTER_TYPE: "提案者性质",
        Field.LEAD_SUBMITTER: "第一提案人",
        Field.CO_SIGNERS: "联名提案人",
        Field.SUBMITTER_COUNT: "提出人数",
        Field.SECTOR: "界别",
        Field.PARTY: "党派",
        Field.CATEGORY: "提案分类",
        Field.CONTENT: "提案内容",
        Field.DURING_SESSION: "会上/闭会",
        Field.AGREE_TO_PUBLISH: "是否同意公开",
        Field.SUBMITTED_ON: "提交时间",
        Field.INTENDED_LEAD: "意向主办单位",
        Field.INTENDED_CO: "意向会办单位",
        Field.INTENDED_SPLIT: "分办单位",
        Field.KEY_SUPERVISION: "重点",
    },
}

KIND_LABELS = {ItemKind.NPC_SUGGESTION: "人大代表建议 (npc)", ItemKind.CPPCC_PROPOSAL: "政协提案 (cppcc)"}

HEADER_SCAN_ROWS = 20
_NOTE_IN_BRACKETS = re.compile(r"[(\[【<][^)\]】>]*[)\]】>]")
_DECORATION = re.compile(r"[\s*＊:：※#]+")


def normalize_header(text: Any) -> str:
    """'  标题\n（必填）*' -> '标题'; 'Lead Submitter' -> 'lead submitter'."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFKC", str(text)).strip().lower()
    value = _NOTE_IN_BRACKETS.sub("", value)
    latin = bool(re.fullmatch(r"[a-z0-9 .\-_/]+", value))
    if latin:
        return re.sub(r"[\s_]+", " ", value).strip()
    return _DECORATION.sub("", value)


#: How specifically a header names its field. A specific header (建议编号, 提案号, the kind's own
#: names) wins over a generic one (编号, 标题); a bare row counter (序号, No.) loses to both and is
#: then a running count beside the real number column, ignored.
ROW_COUNTER, GENERIC, SPECIFIC = 0, 1, 2
ROW_COUNTER_HEADERS = ("序号", "行号", "no", "no.")
RANK_NAMES = {ROW_COUNTER: "row counter", GENERIC: "generic", SPECIFIC: "specific"}


def _alias_table(kind: ItemKind) -> dict[str, tuple[Field, int]]:
    table: dict[str, tuple[Field, int]] = {}
    for fld, aliases in COMMON_ALIASES.items():
        for alias in aliases:
            table[normalize_header(alias)] = (fld, GENERIC)
    for fld, aliases in KIND_ALIASES[kind].items():
        for alias in aliases:
            table[normalize_header(alias)] = (fld, SPECIFIC)
    for fld, header in CANONICAL_HEADERS[kind].items():
        table[normalize_header(header)] = (fld, SPECIFIC)
    for counter in ROW_COUNTER_HEADERS:
        table[normalize_header(counter)] = (Field.NUMBER, ROW_COUNTER)
    return table


ALIAS_TABLES: dict[ItemKind, dict[str, tuple[Field, int]]] = {kind: _alias_table(kind) for kind in ItemKind}


def _signature(kind: ItemKind) -> frozenset[str]:
    """Headers that only one kind uses: they tell an NPC workbook from a CPPCC one."""
    own = {normalize_header(a) for aliases in KIND_ALIASES[kind].values() for a in aliases}
    other = {
        normalize_header(a) for k in ItemKind if k is not kind for aliases in KIND_ALIASES[k].values() for a in aliases
    }
    return frozenset(own - other)


KIND_SIGNATURES = {kind: _signature(kind) for kind in ItemKind}


def accepted_headers(kind: ItemKind, fld: Field) -> list[str]:
    names = (
        [CANONICAL_HEADERS[kind].get(fld, "")]
        + list(KIND_ALIASES[kind].get(fld, ()))
        + list(COMMON_ALIASES.get(fld, ()))
    )
    seen: list[str] = []
    for name in names:
        if name and name not in seen:
            seen.append(name)
    return seen


@dataclass
class HeaderLayout:
    """Where the header is and which column holds which field (0-based indexes)."""

    header_rows: tuple[int, ...]  # 0-based indexes of the header row(s) in the sheet
    columns: dict[Field, int]
    headers: dict[int, str]  # column -> header text as written
    ignored: list[int] = field(default_factory=list)  # columns with an unknown header
    duplicates: list[tuple[Field, int, int]] = field(default_factory=list)
    #: (column, field, winning column): a less specific header beside the one that names the field
    superseded: list[tuple[int, Field, int]] = field(default_factory=list)
    other_kind_hits: dict[ItemKind, int] = field(default_factory=dict)

    @property
    def data_start(self) -> int:
        return self.header_rows[-1] + 1

    def header_of(self, fld: Field) -> str | None:
        column = self.columns.get(fld)
        return self.headers.get(column) if column is not None else None


def _matches(row: Sequence[Any], table: Mapping[str, tuple[Field, int]]) -> dict[int, tuple[Field, int]]:
    found = {}
    for index, cell in enumerate(row):
        if isinstance(cell, str):
            hit = table.get(normalize_header(cell))
            if hit is not None:
                found[index] = hit
    return found


def _is_header_row(found: Mapping[int, tuple[Field, int]]) -> bool:
    fields = {fld for fld, _rank in found.values()}
    return len(found) >= 2 and bool({Field.NUMBER, Field.TITLE} & fields)


def _joins_as_lower_row(below: Mapping[int, tuple[Field, int]], lower: Sequence[Any]) -> bool:
    """The row under the header is its second row when it names at least two columns and is
    mostly header names (a data row has a few cells that look like headers at most)."""
    return len(below) >= 2 and 2 * len(below) >= len(_row_cells(lower))


def detect_header(rows: Sequence[Sequence[Any]], kind: ItemKind) -> HeaderLayout | None:
    """Find the header row among the first rows; None when no row looks like a header.

    A row qualifies when it matches at least two known headers, one of them the number or the
    title. The best-matching row wins (the first on a tie). When the row just below is a second
    header row (under a merged group cell such as 提案人 above 第一提案人 / 联名提案人), the two are
    read as one, the lower row's names winning wherever it has one.

    Each field then takes its most specific column: 建议编号 beats 编号 beats 序号. Two columns
    equally specific for one field are a duplicate (the sheet is refused, naming both); the
    less specific ones are superseded (a 序号 beside the real number is a row counter).
    """
    table = ALIAS_TABLES[kind]
    best_index, best = -1, dict[int, tuple[Field, int]]()
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found = _matches(row, table)
        if not _is_header_row(found):
            continue
        if len(found) > len(best):
            best_index, best = index, found
    if best_index < 0:
        return None

    header_rows = [best_index]
    merged: dict[int, tuple[Field, int]] = dict(best)
    if best_index + 1 < len(rows):
        lower = rows[best_index + 1]
        below = _matches(lower, table)
        if _joins_as_lower_row(below, lower):
            merged.update(below)  # the lower, more specific name wins
            header_rows.append(best_index + 1)

    texts: dict[int, str] = {}
    for r in header_rows:  # the lower row's text wins where both rows have one
        for index, cell in enumerate(rows[r]):
            if cell is not None and str(cell).strip():
                texts[index] = str(cell).strip()

    by_field: dict[Field, list[tuple[int, int]]] = {}
    for column in sorted(merged):
        fld, rank = merged[column]
        by_field.setdefault(fld, []).append((rank, column))
    columns: dict[Field, int] = {}
    duplicates: list[tuple[Field, int, int]] = []
    superseded: list[tuple[int, Field, int]] = []
    for fld, candidates in by_field.items():
        top = max(rank for rank, _column in candidates)
        winners = [column for rank, column in candidates if rank == top]
        columns[fld] = winners[0]
        duplicates += [(fld, winners[0], other) for other in winners[1:]]
        superseded += [(column, fld, winners[0]) for rank, column in candidates if rank < top]
    ignored = [c for c in sorted(texts) if c not in merged]
    # a header row of the other kind is a likely mix-up: count its distinctive names
    hits = {}
    for other in ItemKind:
        names = {normalize_header(t) for t in texts.values()}
        hits[other] = len(names & KIND_SIGNATURES[other])
    return HeaderLayout(
        tuple(header_rows),
        dict(sorted(columns.items(), key=lambda fc: fc[1])),
        texts,
        ignored,
        sorted(duplicates, key=lambda d: d[2]),
        sorted(superseded),
        hits,
    )


def _row_cells(row: Sequence[Any]) -> set[int]:
    return {i for i, cell in enumerate(row) if cell is not None and str(cell).strip()}
