"""Checks run on an uploaded file before any spreadsheet parser touches it.

Uploaded files come from anywhere: a CSV renamed to .xlsx, an old .xls, a password-protected
workbook, a PDF, a zip bomb. Each gets a clear, named refusal (UnusableFile) instead of a
parser stack trace or a machine running out of memory.
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
    "csv": N_("This is a text/CSV file, not an Excel workbook; open it in Excel and save it as .xlsx"),
    "xls": N_("This is an old .xls workbook; open it in Excel and save it as .xlsx"),
    "encrypted": N_("The workbook is password-protected (encrypted); save an unprotected copy and upload that"),
    "pdf": N_("This is a PDF document, not an Excel workbook"),
    "not_a_workbook": N_("This is not an Excel .xlsx workbook"),
    "other_office_file": N_("This is a {what} file, not an Excel workbook"),
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


def sniff(path: Path, limits: ReaderLimits) -> None:
    """Refuse anything that is not a plausible, safe .xlsx before openpyxl sees it."""
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
        raise UnusableFile("encrypted" if ENCRYPTED_OOXML_MARKER in data else "xls", name)
    if head.startswith(b"%PDF"):
        raise UnusableFile("pdf", name)
    if not head.startswith(b"PK\x03\x04"):
        raise UnusableFile("csv" if _looks_like_text(head) else "not_a_workbook", name)
    _check_zip(path, limits)


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
        return printable >= 0.95 * max(len(text), 1)
    return False


def _check_zip(path: Path, limits: ReaderLimits) -> None:
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
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise UnusableFile("other_office_file", name, what="Word")
        if "ppt/presentation.xml" in names:
            raise UnusableFile("other_office_file", name, what="PowerPoint")
        if "content.xml" in names and "mimetype" in names:
            raise UnusableFile("other_office_file", name, what="OpenDocument")
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
