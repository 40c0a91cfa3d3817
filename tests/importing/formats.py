"""Write the same rows as .xlsx, .xls, .ods and .csv inside a test (nothing binary is committed).

Cells may be str, int, float, bool, date, datetime or None; `merges` are 0-based
(first_row, first_col, last_row, last_col) ranges, written where the format has merges.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

Rows = Sequence[Sequence[Any]]
Merge = tuple[int, int, int, int]


def write_xlsx(path: Path, sheets: dict[str, Rows], merges: dict[str, list[Merge]] | None = None) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
        for r0, c0, r1, c1 in (merges or {}).get(name, []):
            sheet.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    workbook.save(path)
    return path


def write_xls(path: Path, sheets: dict[str, Rows], merges: dict[str, list[Merge]] | None = None) -> Path:
    """A real BIFF8 .xls (Excel 97-2003) written by xlwt."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    datetime_style = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        merged = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in (merges or {}).get(name, [])}
        covered = {
            (r, c) for (r0, c0), (r1, c1) in merged.items() for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
        }
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if (r, c) in merged:
                    r1, c1 = merged[(r, c)]
                    style = date_style if isinstance(value, date) else xlwt.Style.default_style
                    sheet.write_merge(r, r1, c, c1, value, style)
                    continue
                if value is None or (r, c) in covered:
                    continue
                if isinstance(value, datetime):
                    sheet.write(r, c, value, datetime_style)
                elif isinstance(value, date):
                    sheet.write(r, c, value, date_style)
                else:
                    sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_ods(path: Path, sheets: dict[str, Rows]) -> Path:
    """An OpenDocument spreadsheet written by odfpy (typed cells: float, date, boolean, string)."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        for row in rows:
            table_row = TableRow()
            for value in row:
                if value is None:
                    cell = TableCell()
                elif isinstance(value, bool):
                    cell = TableCell(valuetype="boolean", booleanvalue="true" if value else "false")
                    cell.addElement(P(text="TRUE" if value else "FALSE"))
                elif isinstance(value, datetime):
                    cell = TableCell(valuetype="date", datevalue=value.strftime("%Y-%m-%dT%H:%M:%S"))
                    cell.addElement(P(text=value.isoformat(sep=" ")))
                elif isinstance(value, date):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat())
                    cell.addElement(P(text=value.isoformat()))
                elif isinstance(value, int | float):
                    cell = TableCell(valuetype="float", value=str(value))
                    cell.addElement(P(text=str(value)))
                else:
                    cell = TableCell(valuetype="string")
                    for line in str(value).split("\n"):
                        cell.addElement(P(text=line))
                table_row.addElement(cell)
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


def csv_text(rows: Rows, delimiter: str = ",") -> str:
    """As Excel's "Save as CSV" writes it: dates as yyyy/m/d, every row as wide as the widest."""
    width = max((len(r) for r in rows), default=0)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        cells = []
        for value in list(row) + [None] * (width - len(row)):
            if value is None:
                cells.append("")
            elif isinstance(value, datetime):
                cells.append(f"{value.year}/{value.month}/{value.day} {value.hour}:{value.minute:02d}")
            elif isinstance(value, date):
                cells.append(f"{value.year}/{value.month}/{value.day}")
            elif isinstance(value, bool):
                cells.append("TRUE" if value else "FALSE")
            else:
                cells.append(str(value))
        writer.writerow(cells)
    return out.getvalue()


def write_csv(path: Path, rows: Rows, *, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    path.write_bytes(csv_text(rows, delimiter).encode(encoding))
    return path


def write_any(fmt: str, path: Path, rows: Rows, sheet: str = "交办清单") -> Path:
    if fmt == "xlsx":
        return write_xlsx(path, {sheet: rows})
    if fmt == "xls":
        return write_xls(path, {sheet: rows})
    if fmt == "ods":
        return write_ods(path, {sheet: rows})
    encoding, _, delimiter = fmt.removeprefix("csv-").partition("/")
    return write_csv(path, rows, encoding=encoding, delimiter={"tab": "\t", "semicolon": ";"}.get(delimiter, ","))
