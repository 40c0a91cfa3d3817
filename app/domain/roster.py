"""The roster workbook (代表/委员名册), pure: find the header, read each row, name every bad cell.

Columns (header names vary; the first matching row within the first 20 rows is the header):
姓名/名称 (required), 类型/身份 (代表, 委员, 代表团, 党派团体, 专委会, 界别; empty = individual,
or guessed from a collective name), 代表团, 界别, 党派, 联系电话/手机, 电子邮箱. Problems use the
import machinery's Problem (sheet, row, column, header, value, reason code).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.domain.enums import Body, SubmitterType
from app.domain.importing.columns import normalize_header
from app.domain.importing.normalize import CellIssue, guess_submitter_type, is_blank, submitter_type, text
from app.domain.importing.problems import REASONS, Problem
from app.domain.text import N_

REASONS.update(
    {
        "roster_no_header": N_("No header row found in the first {rows} rows (expected a column 姓名 or 名称)"),
        "roster_duplicate": N_("{name} ({group}) appears twice in the file (first at row {first})"),
        "roster_bad_phone": N_("'{value}' is not a phone number"),
        "roster_bad_email": N_("'{value}' is not an e-mail address"),
        "roster_no_rows": N_("The sheet has a header but no names"),
    }
)

HEADERS = {
    "name": ("姓名", "名称", "代表姓名", "委员姓名", "提案者", "name"),
    "kind": ("类型", "身份", "提案者性质", "性质", "type"),
    "delegation": ("代表团", "所属代表团", "delegation"),
    "sector": ("界别", "sector"),
    "party": ("党派", "政治面貌", "party"),
    "phone": ("联系电话", "电话", "手机", "手机号码", "phone"),
    "email": ("电子邮箱", "邮箱", "email", "e-mail"),
}
_ALIASES = {normalize_header(alias): key for key, aliases in HEADERS.items() for alias in aliases}
_PHONE = re.compile(r"^[0-9+()\- 转]{7,24}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SCAN_ROWS = 20


@dataclass(frozen=True)
class RosterRow:
    sheet: str
    row: int
    name: str
    kind: SubmitterType
    delegation: str = ""
    sector: str = ""
    party: str = ""
    phone: str = ""
    email: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.name, self.delegation, self.sector)

    def values(self) -> dict[str, str]:
        return {
            "kind": self.kind.value,
            "party": self.party,
            "phone": self.phone,
            "email": self.email,
        }


@dataclass
class RosterParse:
    rows: list[RosterRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    header_rows: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(not p.is_note for p in self.problems)


def _header(rows: Sequence[Sequence[Any]]) -> tuple[int, dict[int, str]] | None:
    for index, row in enumerate(rows[:SCAN_ROWS]):
        found: dict[int, str] = {}
        for col, cell in enumerate(row):
            key = _ALIASES.get(normalize_header(cell))
            if key and key not in found.values():
                found[col] = key
        if "name" in found.values():
            return index, found
    return None


def parse_roster(sheets: Iterable[tuple[str, Iterable[Sequence[Any]]]], body: Body) -> RosterParse:
    result = RosterParse()
    seen: dict[tuple[str, str, str], int] = {}
    for sheet, raw_rows in sheets:
        rows = [list(r) for r in raw_rows]
        found = _header(rows)
        if found is None:
            if any(any(not is_blank(c) for c in r) for r in rows):
                result.problems.append(Problem(sheet, None, None, None, None, "roster_no_header", {"rows": SCAN_ROWS}))
            continue
        header_index, columns = found
        result.header_rows[sheet] = header_index + 1
        headers = {col: str(rows[header_index][col]) for col in columns}
        count = 0
        for index in range(header_index + 1, len(rows)):
            row = rows[index]
            if all(is_blank(c) for c in row):
                continue
            record, problems = _parse_row(sheet, index + 1, row, columns, headers, body)
            result.problems.extend(problems)
            if record is None:
                continue
            if record.key in seen:
                group = record.delegation or record.sector or "—"
                col = next(c for c, k in columns.items() if k == "name")
                result.problems.append(
                    Problem(
                        sheet,
                        index + 1,
                        col,
                        headers[col],
                        record.name,
                        "roster_duplicate",
                        {"name": record.name, "group": group, "first": seen[record.key]},
                    )
                )
                continue
            seen[record.key] = index + 1
            result.rows.append(record)
            count += 1
        if count == 0 and not any(p.sheet == sheet for p in result.problems):
            result.problems.append(Problem(sheet, None, None, None, None, "roster_no_rows", {}))
    return result


def _parse_row(
    sheet: str, number: int, row: Sequence[Any], columns: dict[int, str], headers: dict[int, str], body: Body
) -> tuple[RosterRow | None, list[Problem]]:
    problems: list[Problem] = []
    values: dict[str, str] = {}
    col_of = {key: col for col, key in columns.items()}

    def problem(col: int, shown: Any, code: str, **params: Any) -> None:
        problems.append(Problem(sheet, number, col, headers.get(col), shown, code, params))

    for col, key in columns.items():
        cell = row[col] if col < len(row) else None
        try:
            if key == "kind":
                kind = submitter_type(cell)
                values[key] = kind.value if kind else ""
            else:
                values[key] = text(cell, limit=120 if key == "email" else 100) or ""
        except CellIssue as issue:
            problem(col, cell, issue.code, **issue.params)
    name = values.get("name", "")
    if not name and not problems:
        problem(col_of["name"], None, "missing_value", field=headers[col_of["name"]])
    if values.get("phone") and not _PHONE.match(values["phone"]):
        problem(col_of["phone"], values["phone"], "roster_bad_phone", value=values["phone"])
    if values.get("email") and not _EMAIL.match(values["email"]):
        problem(col_of["email"], values["email"], "roster_bad_email", value=values["email"])
    if problems:
        return None, problems
    kind = SubmitterType(values["kind"]) if values.get("kind") else guess_submitter_type(name)
    npc_group = body is Body.NPC or kind is SubmitterType.DELEGATION
    cppcc_group = body is Body.CPPCC or kind is SubmitterType.SECTOR
    return (
        RosterRow(
            sheet,
            number,
            name,
            kind,
            delegation=values.get("delegation", "") if npc_group else "",
            sector=values.get("sector", "") if cppcc_group else "",
            party=values.get("party", ""),
            phone=values.get("phone", ""),
            email=values.get("email", ""),
        ),
        [],
    )
