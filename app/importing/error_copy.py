"""The marked-up copy of an uploaded workbook: each bad cell filled red with a comment, an
error column added beside the data, and a sheet listing every problem, so the office can fix
the file and upload it again."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill

from app.domain.importing import Problem
from app.domain.importing.problems import display_value

BAD_CELL = PatternFill("solid", fgColor="FFC7CE")
BAD_ROW_NOTE = PatternFill("solid", fgColor="FFEB9C")
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
ERROR_COLUMN_HEADER = "错误说明"
SUMMARY_SHEET = "导入问题"
SUMMARY_HEADERS = ("工作表", "单元格", "行", "列", "表头", "值", "问题")
AUTHOR = "建提 Jianti"


def write_error_copy(
    source: Path,
    destination: Path,
    problems: Iterable[Problem],
    header_rows: dict[str, int] | None = None,
    translate: Callable[[str], str] = lambda s: s,
) -> Path:
    """Write `destination`, a copy of `source` with `problems` marked.

    header_rows maps sheet name -> 1-based header row, where the error column gets its title.
    Formulas are replaced by their cached values (data_only), as in the import itself.
    """
    workbook = _as_workbook(source)
    header_rows = header_rows or {}
    errors = [p for p in problems if not p.is_note]
    by_sheet_row: dict[tuple[str, int], list[Problem]] = defaultdict(list)
    for problem in errors:
        if problem.sheet in workbook.sheetnames and problem.row is not None:
            by_sheet_row[(problem.sheet, problem.row)].append(problem)

    if SUMMARY_SHEET in workbook.sheetnames:  # a re-uploaded error copy: start afresh
        del workbook[SUMMARY_SHEET]
    error_columns: dict[str, int] = {}
    for sheet_name in sorted({p.sheet for p in errors if p.sheet in workbook.sheetnames}):
        sheet = workbook[sheet_name]
        header_row = header_rows.get(sheet_name, 1)
        column = _previous_error_column(sheet, header_row) or sheet.max_column + 1
        error_columns[sheet_name] = column
        title = sheet.cell(row=header_row, column=column, value=ERROR_COLUMN_HEADER)
        title.font = Font(bold=True, color="9C0006")
        title.fill = HEADER_FILL
        sheet.column_dimensions[title.column_letter].width = 60

    for (sheet_name, row), row_problems in by_sheet_row.items():
        sheet = workbook[sheet_name]
        lines = []
        for problem in row_problems:
            reason = problem.reason(translate)
            lines.append(f"{problem.cell or problem.place()}：{reason}" if problem.cell else reason)
            if problem.column is not None:
                cell = sheet.cell(row=row, column=problem.column + 1)
                cell.fill = BAD_CELL
                text = reason if cell.comment is None else f"{cell.comment.text}\n{reason}"
                cell.comment = Comment(text, AUTHOR, width=320, height=120)
        note = sheet.cell(row=row, column=error_columns[sheet_name], value="\n".join(lines))
        note.fill = BAD_ROW_NOTE
        note.alignment = Alignment(wrap_text=True, vertical="top")

    summary = workbook.create_sheet(SUMMARY_SHEET, 0)
    summary.append(SUMMARY_HEADERS)
    for cell in summary[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for problem in errors:
        summary.append(
            [
                problem.sheet,
                problem.cell or "",
                problem.row,
                problem.letter or "",
                problem.header or "",
                _safe(display_value(problem.value)),
                problem.reason(translate),
            ]
        )
    for letter, width in zip("ABCDEFG", (14, 10, 8, 6, 16, 30, 80), strict=True):
        summary.column_dimensions[letter].width = width
    summary.freeze_panes = "A2"
    workbook.active = 0
    destination.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(destination)
    return destination


def _as_workbook(source: Path) -> Workbook:
    """The upload as an openpyxl workbook: .xlsx/.xlsm as it is (styles kept); any other format
    (.xls, .ods, .csv) as a new .xlsx holding its values, so every format gets the same marked copy."""
    from app.importing.reader import WorkbookReader
    from app.importing.safety import XLSX, ReaderLimits

    with WorkbookReader(source, ReaderLimits(max_file_bytes=1 << 62, max_rows=1 << 62)) as reader:
        if reader.format == XLSX:
            reader.close()
            return load_workbook(source, data_only=True)
        workbook = Workbook()
        workbook.remove(workbook.active)
        for name, rows in reader.sheets():
            sheet = workbook.create_sheet(_sheet_title(name, workbook.sheetnames))
            for row in rows:
                sheet.append([_cell(v) for v in row])
    return workbook


def _sheet_title(name: str, taken: list[str]) -> str:
    title = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "Sheet"
    return title if title not in taken else f"{title[:28]}_{len(taken)}"


def _cell(value: object) -> object:
    if isinstance(value, str):
        return _safe(value)
    if value is None or isinstance(value, int | float | bool) or hasattr(value, "isoformat"):
        return value
    return str(value)


def _previous_error_column(sheet, header_row: int) -> int | None:
    """The error column of an earlier error copy is reused, its old notes cleared."""
    for cell in sheet[header_row]:
        if cell.value == ERROR_COLUMN_HEADER:
            for row in sheet.iter_rows(min_row=header_row + 1, min_col=cell.column, max_col=cell.column):
                row[0].value = None
                row[0].fill = PatternFill()
            return cell.column
    return None


def _safe(text: str | None) -> str:
    """Never let a value echoed back turn into a formula."""
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text or ""
