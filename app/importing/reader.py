"""One reader interface for every format an office sends: rows of cell values, sheet by sheet.

- .xlsx / .xlsm / .xls / .ods are read by python-calamine (Rust calamine: cached values only, so
  macros and formulas never run). Merged ranges (xlsx, xls) are filled down: a delegation written
  once and merged over its rows reaches every row.
- .xlsx / .xlsm are also pre-scanned once (their sheet XML) for what calamine does not tell:
  formula cells without a cached value, marked so the parser names them instead of reading "".
- .csv: encoding detected (UTF-8, UTF-8 with BOM, GB18030 which covers GBK; UTF-16 with BOM as
  Excel's "Unicode text"), delimiter detected (, ; tab), ragged rows refused.

Whatever the format, the rows then go through the same checks (row and column limits, progress)
into the same pure parser, so the problems are reported the same way. Empty cells are None.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils.cell import column_index_from_string, range_boundaries

from app.domain.enums import ItemKind
from app.domain.importing import ImportRecord, ParseResult, UncomputedFormula, WorkbookParser
from app.domain.profile import Profile
from app.importing.safety import CSV, XLS, XLSX, ReaderLimits, UnusableFile, sniff

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


RawRow = Sequence[Any]


class WorkbookReader:
    """Opens an upload safely (any supported format) and yields (sheet name, rows) for every
    visible worksheet. Rows are lists of cell values, first row = row 1, empty cells None."""

    def __init__(self, path: Path, limits: ReaderLimits | None = None, progress: Progress | None = None) -> None:
        self.path = Path(path)
        self.limits = limits or ReaderLimits()
        self.progress = progress
        self.rows_read = 0
        self.non_blank_cells = False
        self.format = sniff(self.path, self.limits)
        self._book: Any = None
        self._pool: ThreadPoolExecutor | None = None  # XML pre-scans
        self._loader: ThreadPoolExecutor | None = None  # sheet loads, one at a time
        if self.format != CSV:
            self._book = _open_calamine(self.path, self.format)

    def close(self) -> None:
        for pool in (self._loader, self._pool):  # a sheet may still be loading: the book is closed after it
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        self._loader = self._pool = None
        if self._book is not None:
            self._book.close()
            self._book = None

    def __enter__(self) -> WorkbookReader:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def sheets(self) -> Iterator[tuple[str, Iterator[list[Any]]]]:
        if self.format == CSV:
            rows = read_csv(self.path, self.limits)
            yield self.path.stem[:100] or "CSV", self._checked(rows)
            return
        import python_calamine

        visible = [
            meta.name
            for meta in self._book.sheets_metadata
            if meta.visible == python_calamine.SheetVisibleEnum.Visible
            and meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        ]
        if not visible:
            raise UnusableFile("no_sheets", self.path.name)
        parts = _sheet_parts(self.path) if self.format == XLSX else {}
        # calamine loads a sheet without holding the GIL: the next sheet (and each sheet's XML
        # pre-scan) is read in the background while the parser works through the current one.
        # One worker loads (the book is used by one thread at a time), one scans; one sheet ahead.
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="jianti-read")
        self._loader = loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jianti-load")
        try:
            following = self._start(visible[0], parts)
            for index, name in enumerate(visible):
                current = following
                if index + 1 < len(visible):
                    following = self._start(visible[index + 1], parts)
                yield name, self._checked(self._sheet_rows(name, *current))
        finally:
            loader.shutdown(wait=True, cancel_futures=True)

    def _start(self, name: str, parts: dict[str, str]) -> tuple[Future[Any], Future[SheetScan] | None]:
        """Start loading one sheet (and scanning its XML, for .xlsx) in the background."""
        assert self._loader is not None and self._pool is not None
        part = parts.get(name)
        scanning = self._pool.submit(_scan_part_of, self.path, part) if part is not None else None
        return self._loader.submit(self._book.get_sheet_by_name, name), scanning

    def _sheet_rows(self, name: str, loading: Future[Any], scanning: Future[SheetScan] | None) -> Iterator[list[Any]]:
        file = self.path.name
        uncomputed: dict[int, list[tuple[int, str]]] = {}
        with _as_corrupt(file):
            sheet = loading.result()
            merges = [
                (c0 + 1, r0 + 1, c1 + 1, r1 + 1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or ()) if r1 > r0
            ]
            start = sheet.start
            if scanning is not None:
                for (r, c), formula in scanning.result().uncomputed.items():
                    uncomputed.setdefault(r, []).append((c, formula))
            rows = sheet.iter_rows()
        # calamine's rows start at row 1 but at the first used column: put the columns back in place
        pad = [None] * start[1] if start and start[1] else None
        fill = _FillDown(merges)
        limit = self.limits.max_columns
        row_number = 0
        while True:
            try:
                values = next(rows, None)
            except Exception as exc:  # noqa: BLE001  see _as_corrupt: a failure inside the reader is the file's
                raise UnusableFile("corrupt", file, detail=_detail(exc)) from None
            if values is None:
                return
            row_number += 1
            row = [None if v == "" else v for v in values]
            if pad is not None:
                row = pad + row
            if len(row) > limit:
                del row[limit:]
            if uncomputed:
                for c, formula in uncomputed.get(row_number, ()):
                    if c <= limit:
                        if c > len(row):
                            row.extend([None] * (c - len(row)))
                        row[c - 1] = UncomputedFormula(formula)
            if fill.starts or fill.active:
                fill.apply(row_number, row)
            yield row

    def _checked(self, rows: Iterable[list[Any]]) -> Iterator[list[Any]]:
        """The same limits and progress for every format."""
        name = self.path.name
        max_rows = self.limits.max_rows
        for row in rows:
            for v in row:
                if v is not None and (v.__class__ is not str or v.strip()):
                    self.non_blank_cells = True
                    self.rows_read += 1
                    if self.rows_read > max_rows:
                        raise UnusableFile("too_many_rows", name, limit=max_rows)
                    if self.progress is not None and self.rows_read % 500 == 0:
                        self.progress(self.rows_read)
                    break
            yield row


def _scan_part_of(path: Path, part: str) -> SheetScan:
    import zipfile

    with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
        return scan_sheet_xml(stream)


_SUFFIXES = {XLSX: (".xlsx", ".xlsm"), XLS: (".xls",), "ods": (".ods",)}


def _open_calamine(path: Path, fmt: str) -> Any:
    """calamine picks its parser by the file name, and stored uploads are all "upload.xlsx": a file
    whose name does not match its content is opened through a correctly named link to it."""
    import python_calamine

    try:
        if path.suffix.lower() in _SUFFIXES.get(fmt, ()):
            return python_calamine.CalamineWorkbook.from_path(str(path))
        with tempfile.TemporaryDirectory(prefix="jianti-read-") as directory:
            named = Path(directory) / f"upload{_SUFFIXES[fmt][0]}"
            try:
                os.link(path, named)
            except OSError:
                shutil.copyfile(path, named)
            return python_calamine.CalamineWorkbook.from_path(str(named))  # the open file outlives its name
    except python_calamine.PasswordError:
        raise UnusableFile("encrypted_xls" if fmt == XLS else "encrypted", path.name) from None
    except Exception as exc:  # noqa: BLE001  any failure inside calamine on an untrusted file = damaged file
        raise UnusableFile("corrupt", path.name, detail=_detail(exc)) from None


_SHEET_ENTRY = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?/?>", re.S)
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*?/?>", re.S)


def _sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name -> its XML part in an .xlsx (xl/workbook.xml + its relationships)."""
    import zipfile

    with _as_corrupt(path.name), zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml")
        names = set(archive.namelist())
        rels = archive.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else b""
    targets = {}
    for match in _RELATIONSHIP.finditer(rels):
        attrs = dict(_ATTR.findall(match.group(0)))
        if b"Id" in attrs and b"Target" in attrs:
            target = attrs[b"Target"].decode("utf-8", "replace").lstrip("/")
            targets[attrs[b"Id"]] = target if target.startswith("xl/") else "xl/" + target
    parts = {}
    for match in _SHEET_ENTRY.finditer(workbook):
        attrs = dict(_ATTR.findall(match.group(0)))
        rid = next((v for k, v in attrs.items() if k.endswith(b":id")), None)
        name = html.unescape(attrs.get(b"name", b"").decode("utf-8", "replace"))
        part = targets.get(rid) if rid is not None else None
        if part in names:
            parts[name] = part
    return parts


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
    on_record: Callable[[ImportRecord, bool], None] | None = None,
) -> ParseResult:
    """Read and parse one upload. Raises UnusableFile for files that cannot be imported at all;
    content problems come back in the result. `on_record` sees each record as it is read (see
    WorkbookParser.on_record)."""
    parser = WorkbookParser(kind, profile, number_width)
    parser.on_record = on_record
    with WorkbookReader(path, limits, progress) as reader:
        for name, rows in reader.sheets():
            parser.add_sheet(name, rows)
        if not reader.non_blank_cells:
            raise UnusableFile("empty_workbook", Path(path).name)
    result = parser.finish()
    result.source_format = reader.format
    if result.data_rows == 0 and any(s.layout is not None for s in result.sheets) and result.ok:
        raise UnusableFile("header_only", Path(path).name)
    if progress is not None:
        progress(reader.rows_read)
    return result


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref="[A-Z]+\d+:[A-Z]+(\d+)"')


def estimate_rows(path: Path) -> int | None:
    """Rows the workbook declares (its <dimension> tags, .xlsx only), for a progress bar; None when unknown."""
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


# --------------------------------------------------------------------------- CSV

CSV_DELIMITERS = (",", ";", "\t")
_SNIFF_ROWS = 50


def decode_text(data: bytes, file: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK and GB2312)."""
    head = data[:4096]
    if sum(1 for b in head if b < 9 or 13 < b < 27) > len(head) // 100:
        raise UnusableFile("not_a_workbook", file)  # binary, not text in any encoding
    if data.startswith(b"\xef\xbb\xbf"):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text or _control_share(text) > 0.01:
            break  # binary data that happens to decode: not a text file in a known encoding
        return text
    raise UnusableFile("unknown_encoding", file)


def _control_share(text: str) -> float:
    sample = text[:20_000]
    control = sum(1 for ch in sample if ch < " " and ch not in "\r\n\t")
    return control / max(len(sample), 1)


def detect_delimiter(text: str) -> str:
    """The delimiter (, ; tab) that splits the first rows into the most columns, most consistently."""
    import csv
    import io
    from collections import Counter

    best, best_score = ",", (-1, -1)
    head = "\n".join(text.splitlines()[:_SNIFF_ROWS])
    for delimiter in CSV_DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(io.StringIO(head), delimiter=delimiter) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        if not widths:
            continue
        width, rows = Counter(widths).most_common(1)[0]
        score = (rows if width > 1 else 0, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(path: Path, limits: ReaderLimits) -> Iterator[list[Any]]:
    """Rows of a CSV file; every value is text (the normalisers read numbers and dates from text).

    Rows above the first row of the usual width are title rows and may be shorter; below it, a row
    of any other width (but a blank one) is ragged and the file is refused, naming the rows."""
    import csv
    import io
    from collections import Counter

    file = path.name
    text = decode_text(path.read_bytes(), file)
    delimiter = detect_delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False))
    except csv.Error as exc:
        raise UnusableFile("corrupt", file, detail=str(exc)) from None
    widths = [len(r) for r in rows[:_SNIFF_ROWS] if any(c.strip() for c in r)]
    expected = Counter(widths).most_common(1)[0][0] if widths else 0
    ragged: list[tuple[int, int]] = []
    started = False
    for number, row in enumerate(rows, start=1):
        if not any(c.strip() for c in row):
            continue
        if len(row) == expected:
            started = True
        elif started:
            ragged.append((number, len(row)))
    if ragged:
        first, found = ragged[0]
        shown = ", ".join(str(n) for n, _w in ragged[:10]) + (" …" if len(ragged) > 10 else "")
        raise UnusableFile("ragged_csv", file, row=first, found=found, expected=expected, rows=shown)
    limit = limits.max_columns
    for row in rows:
        yield [c if c != "" else None for c in row[:limit]]
