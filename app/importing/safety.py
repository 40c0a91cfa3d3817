"""Checks run on an uploaded file before any spreadsheet parser touches it, and what format it is.

Uploaded files come from anywhere: .xlsx, .xlsm, .xls (Excel 97-2003, WPS), .ods, CSV in UTF-8 or
GB18030, but also a web page saved as .xls, a password-protected workbook, a PDF, a zip bomb.
The format is decided by the content, never by the file name. Each unusable file gets a clear,
named refusal (UnusableFile) instead of a parser stack trace or a machine running out of memory.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.domain.text import N_

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_OOXML_MARKER = "EncryptionInfo".encode("utf-16-le")

#: reason code -> English message (msgid); the layers above translate.
UNUSABLE_REASONS: dict[str, str] = {
    "empty_file": N_("The file is empty"),
    "too_large": N_("The file is too large ({size} bytes; at most {limit})"),
    "encrypted": N_("The workbook is password-protected (encrypted); save an unprotected copy and upload that"),
    "encrypted_xls": N_(
        "The .xls workbook is password-protected; open it in Excel, remove the password and upload it again"
    ),
    "html_as_xls": N_(
        "This file is a web page (HTML) saved under a spreadsheet name, as some systems export; "
        "open it in Excel and save it as .xlsx"
    ),
    "xml_spreadsheet": N_("This is an Excel 2003 XML spreadsheet; open it in Excel and save it as .xlsx"),
    "unknown_encoding": N_(
        "The text file is in none of the encodings read (UTF-8, UTF-8 with BOM, GB18030/GBK); "
        "save it again as CSV UTF-8"
    ),
    "ragged_csv": N_(
        "Row {row} has {found} fields where the rows above have {expected}: a separator inside a value "
        "that is not in quotes? (rows with another number of fields: {rows})"
    ),
    "pdf": N_("This is a PDF document, not a workbook"),
    "not_a_workbook": N_("This is not a workbook that can be imported (.xlsx, .xlsm, .xls, .ods or .csv)"),
    "other_office_file": N_("This is a {what} file, not a workbook"),
    "xlsb": N_("Binary .xlsb workbooks are not supported; save the workbook as .xlsx"),
    "corrupt": N_("The workbook is damaged and cannot be read ({detail})"),
    "zip_bomb": N_("The workbook unpacks to {size} bytes, more than the {limit} allowed; it is refused as unsafe"),
    "suspicious_compression": N_(
        "Part {part} of the workbook is compressed {ratio}:1, which only crafted files do; refused as unsafe"
    ),
    "too_many_parts": N_("The workbook has {count} internal parts (at most {limit})"),
    "too_many_rows": N_("The workbook has more than {limit} rows to import; split it into smaller files"),
    "empty_workbook": N_("The workbook has no data: every sheet is empty"),
    "header_only": N_("The workbook has a header row but no rows to import"),
    "no_sheets": N_("The workbook has no visible worksheet"),
}


class UnusableFile(Exception):
    """The upload cannot be read at all; nothing is imported."""

    def __init__(self, code: str, file: str = "", **params: Any) -> None:
        self.code, self.file, self.params = code, file, params
        super().__init__(self.reason())

    def reason(self, translate=lambda s: s) -> str:
        template = translate(UNUSABLE_REASONS[self.code])
        try:
            return template.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return template

    def as_dict(self, translate=lambda s: s) -> dict[str, Any]:
        return {"file": self.file, "code": self.code, "reason": self.reason(translate)}


@dataclass(frozen=True)
class ReaderLimits:
    max_file_bytes: int = 20 * 1024 * 1024
    max_uncompressed_bytes: int = 400 * 1024 * 1024
    #: ratios above this are refused for parts bigger than `ratio_floor_bytes` (text XML is 5-20:1)
    max_compression_ratio: int = 200
    ratio_floor_bytes: int = 1024 * 1024
    max_parts: int = 2_000
    max_rows: int = 60_000
    max_columns: int = 64


#: formats the readers take (decided by `sniff`)
XLSX, XLS, ODS, CSV = "xlsx", "xls", "ods", "csv"
FORMAT_LABELS = {XLSX: ".xlsx/.xlsm", XLS: ".xls", ODS: ".ods", CSV: ".csv"}
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def sniff(path: Path, limits: ReaderLimits) -> str:
    """Refuse anything that is not a plausible, safe workbook before a parser sees it; answer its
    format (XLSX, XLS, ODS or CSV)."""
    name = path.name
    size = path.stat().st_size
    if size == 0:
        raise UnusableFile("empty_file", name)
    if size > limits.max_file_bytes:
        raise UnusableFile("too_large", name, size=size, limit=limits.max_file_bytes)
    with path.open("rb") as fh:
        head = fh.read(4096)
    if head.startswith(OLE_MAGIC):
        data = path.read_bytes()
        if ENCRYPTED_OOXML_MARKER in data:  # an encrypted .xlsx travels inside an OLE container
            raise UnusableFile("encrypted", name)
        return XLS
    if head.startswith(b"%PDF"):
        raise UnusableFile("pdf", name)
    if head.startswith(b"PK\x03\x04"):
        return _check_zip(path, limits)
    markup = _markup(head)
    if markup is not None:
        raise UnusableFile(markup, name)
    return CSV  # any other content: the CSV reader decides whether it is readable text


def _markup(head: bytes) -> str | None:
    """An HTML table or an Excel 2003 XML spreadsheet saved as .xls (both are common exports)."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"\xff\xfe") or start.startswith(b"\xfe\xff"):  # UTF-16 markup
        try:
            start = head.decode("utf-16").lstrip("\ufeff \t\r\n").lower().encode("utf-8", "replace")
        except UnicodeDecodeError:
            return None
    if not start.startswith(b"<"):
        return None
    if b"urn:schemas-microsoft-com:office:spreadsheet" in start and b"<workbook" in start:
        return "xml_spreadsheet"
    if any(tag in start for tag in (b"<html", b"<table", b"<!doctype html", b"<meta", b"<head", b"<body")):
        return "html_as_xls"
    return None


def _check_zip(path: Path, limits: ReaderLimits) -> str:
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except Exception as exc:  # noqa: BLE001  zipfile fails in many ways on a damaged container
        raise UnusableFile("corrupt", name, detail=str(exc) or type(exc).__name__) from None
    if len(infos) > limits.max_parts:
        raise UnusableFile("too_many_parts", name, count=len(infos), limit=limits.max_parts)
    names = {info.filename for info in infos}
    if "xl/workbook.bin" in names:
        raise UnusableFile("xlsb", name)
    found = XLSX
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise UnusableFile("other_office_file", name, what="Word")
        if "ppt/presentation.xml" in names:
            raise UnusableFile("other_office_file", name, what="PowerPoint")
        if "content.xml" in names and "mimetype" in names:
            if _member(path, "mimetype", 200).strip() != ODS_MIMETYPE:
                raise UnusableFile("other_office_file", name, what="OpenDocument")
            found = ODS
        else:
            raise UnusableFile("not_a_workbook", name)
    if any(info.flag_bits & 0x1 for info in infos):
        raise UnusableFile("encrypted", name)
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > limits.ratio_floor_bytes:
            ratio = info.file_size // max(info.compress_size, 1)
            if ratio > limits.max_compression_ratio:
                raise UnusableFile("suspicious_compression", name, part=info.filename, ratio=ratio)
    if total > limits.max_uncompressed_bytes:
        raise UnusableFile("zip_bomb", name, size=total, limit=limits.max_uncompressed_bytes)
    return found


def _member(path: Path, member: str, limit: int) -> bytes:
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
            return stream.read(limit)
    except Exception as exc:  # noqa: BLE001  zipfile fails in many ways on a damaged container
        raise UnusableFile("corrupt", path.name, detail=str(exc) or type(exc).__name__) from None
