"""Streams the rows of an uploaded .xlsx (openpyxl read-only, cached values) into the pure parser.

Before rows are read, each worksheet's XML is scanned once for two things openpyxl's read-only
mode does not give: merged ranges (a delegation written once and merged down over its rows is
filled down) and formula cells without a usable cached value (marked so the parser can name them).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.cell import column_index_from_string, range_boundaries

from app.domain.enums import ItemKind
from app.domain.importing import ParseResult, UncomputedFormula, WorkbookParser
from app.domain.profile import Profile
from app.importing.safety import ReaderLimits, UnusableFile, sniff

Progress = Callable[[int], None]  # called with the number of rows read so far

_CHUNK = 1 << 20
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_ERROR_TYPE = re.compile(rb'\bt="e"')
_VALUE = re.compile(rb"<(?:\w+:)?v>\s*([^<\s][^<]*)</(?:\w+:)?v>")
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>([^<]*)</(?:\w+:)?f>)")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')


@dataclass
class SheetScan:
    """What the XML pre-scan found in one worksheet (rows and columns 1-based)."""

    uncomputed: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> formula text
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_col, min_row, max_col, max_row


def scan_sheet_xml(stream) -> SheetScan:
    """One pass over the decompressed XML; cut on tag boundaries so no element is split."""
    scan = SheetScan()
    carry = b""
    while True:
        chunk = stream.read(_CHUNK)
        data = carry + chunk
        if not chunk:
            _scan_part(data, scan)
            return scan
        cut = data.rfind(b"</c>")
        if cut < 0:
            cut = data.rfind(b"/>")
            cut = cut + 2 if cut >= 0 else -1
        else:
            cut += 4
        if cut <= 0:
            carry = data
            continue
        _scan_part(data[:cut], scan)
        carry = data[cut:]


def _scan_part(part: bytes, scan: SheetScan) -> None:
    if b"<f" in part or b":f" in part or b't="e"' in part:
        for match in _CELL.finditer(part):
            attrs, body = match.group(1), match.group(3) or b""
            is_error = _ERROR_TYPE.search(attrs) is not None
            formula = _FORMULA.search(body)
            if formula is None and not is_error:
                continue
            if formula is not None and not is_error and _VALUE.search(body):
                continue  # a formula with its cached value: fine
            ref = _REF.search(attrs)
            if ref is None:
                continue
            key = (int(ref.group(2)), column_index_from_string(ref.group(1).decode()))
            text = html.unescape((formula.group(1) or b"").decode("utf-8", "replace")) if formula else ""
            scan.uncomputed[key] = "=" + text if text else "=…"
    if b"mergeCell" in part:
        for match in _MERGE.finditer(part):
            try:
                scan.merges.append(range_boundaries(match.group(1).decode()))
            except ValueError:
                continue


class _FillDown:
    """Fills vertically merged ranges: cells below the top-left take its value."""

    def __init__(self, merges: Sequence[tuple[int, int, int, int]]) -> None:
        self.starts: dict[int, list[tuple[int, int]]] = {}
        for min_col, min_row, _max_col, max_row in merges:
            if max_row > min_row:
                self.starts.setdefault(min_row, []).append((min_col, max_row))
        self.active: dict[int, tuple[Any, int]] = {}  # col -> (value, last row)

    def apply(self, row_number: int, row: list[Any]) -> None:
        if self.active:
            for col, (value, last) in list(self.active.items()):
                if row_number > last:
                    del self.active[col]
                    continue
                if col > len(row):  # rows end at their last written cell
                    row.extend([None] * (col - len(row)))
                if row[col - 1] is None:
                    row[col - 1] = value
        for col, last in self.starts.get(row_number, ()):
            if col - 1 < len(row):
                self.active[col] = (row[col - 1], last)


class WorkbookReader:
    """Opens an upload safely and yields (sheet name, rows) for every visible worksheet."""

    def __init__(self, path: Path, limits: ReaderLimits | None = None, progress: Progress | None = None) -> None:
        self.path = Path(path)
        self.limits = limits or ReaderLimits()
        self.progress = progress
        self.rows_read = 0
        self.non_blank_cells = False
        sniff(self.path, self.limits)
        try:
            self.workbook = load_workbook(self.path, read_only=True, data_only=True, keep_links=False)
        except Exception as exc:  # noqa: BLE001  any failure inside openpyxl on an untrusted file = damaged file
            raise UnusableFile("corrupt", self.path.name, detail=_detail(exc)) from None
        self.archive = self.workbook._archive  # openpyxl keeps the zip open in read-only mode

    def close(self) -> None:
        self.workbook.close()

    def __enter__(self) -> WorkbookReader:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def sheets(self) -> Iterator[tuple[str, Iterator[list[Any]]]]:
        visible = [ws for ws in self.workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
        if not visible:
            raise UnusableFile("no_sheets", self.path.name)
        for worksheet in visible:
            yield worksheet.title, self._rows(worksheet)

    def _rows(self, worksheet) -> Iterator[list[Any]]:
        name = self.path.name
        with _as_corrupt(name):
            with self.archive.open(worksheet._worksheet_path) as stream:
                scan = scan_sheet_xml(stream)
            worksheet.reset_dimensions()  # a wrong <dimension> must not hide rows
            rows = worksheet.iter_rows(values_only=True)  # rows as wide as their last cell
        fill = _FillDown(scan.merges)
        uncomputed_by_row: dict[int, list[tuple[int, str]]] = {}
        for (r, c), formula in scan.uncomputed.items():
            uncomputed_by_row.setdefault(r, []).append((c, formula))
        row_number = 0
        while True:
            try:
                values = next(rows, None)
            except Exception as exc:  # noqa: BLE001  see _as_corrupt: a failure inside openpyxl is the file's
                raise UnusableFile("corrupt", name, detail=_detail(exc)) from None
            if values is None:
                return
            row_number += 1
            row = list(values[: self.limits.max_columns])
            for c, formula in uncomputed_by_row.get(row_number, ()):
                if c <= len(row):
                    row[c - 1] = UncomputedFormula(formula)
            if fill.starts or fill.active:
                fill.apply(row_number, row)
            if any(v is not None and (v.__class__ is not str or v.strip()) for v in row):
                self.non_blank_cells = True
                self.rows_read += 1
                if self.rows_read > self.limits.max_rows:
                    raise UnusableFile("too_many_rows", name, limit=self.limits.max_rows)
                if self.progress is not None and self.rows_read % 500 == 0:
                    self.progress(self.rows_read)
            yield row


@contextmanager
def _as_corrupt(name: str) -> Iterator[None]:
    """openpyxl on a damaged file fails in many ways (zlib, XML, KeyError, ValueError ...):
    every failure while it reads is the file's fault, reported as a damaged workbook."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001
        raise UnusableFile("corrupt", name, detail=_detail(exc)) from None


def _detail(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__


def parse_file(
    path: Path,
    kind: ItemKind,
    profile: Profile,
    number_width: int | None = None,
    limits: ReaderLimits | None = None,
    progress: Progress | None = None,
) -> ParseResult:
    """Read and parse one upload. Raises UnusableFile for files that cannot be imported at all;
    content problems come back in the result."""
    parser = WorkbookParser(kind, profile, number_width)
    with WorkbookReader(path, limits, progress) as reader:
        for name, rows in reader.sheets():
            parser.add_sheet(name, rows)
        if not reader.non_blank_cells:
            raise UnusableFile("empty_workbook", Path(path).name)
    result = parser.finish()
    if result.data_rows == 0 and any(s.layout is not None for s in result.sheets) and result.ok:
        raise UnusableFile("header_only", Path(path).name)
    if progress is not None:
        progress(reader.rows_read)
    return result


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref="[A-Z]+\d+:[A-Z]+(\d+)"')


def estimate_rows(path: Path) -> int | None:
    """Rows the workbook declares (its <dimension> tags), for a progress bar; None when unknown."""
    import zipfile

    total = 0
    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    with archive.open(name) as stream:
                        match = _DIMENSION.search(stream.read(4096))
                    if match:
                        total += int(match.group(1))
    except Exception:  # noqa: BLE001  only an estimate: the real read reports damage properly
        return None
    return total or None
