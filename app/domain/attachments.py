"""What an uploaded file really is, told by its first bytes, not by its name.

Accepted: PDF, DOCX, XLSX, PNG, JPEG, GIF and OFD (the Chinese fixed-layout format, a zip
whose root holds OFD.xml). Office files and OFD are zips: we read only the zip's directory
(names), never decompress members, so a zip bomb costs nothing. The original name is kept in
metadata only; the file is stored under its sha256.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from app.domain.text import N_


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    mime: str
    extensions: tuple[str, ...]


PDF = FileKind("pdf", "PDF", "application/pdf", (".pdf",))
DOCX = FileKind("docx", "Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = FileKind("xlsx", "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
PNG = FileKind("png", "PNG", "image/png", (".png",))
JPEG = FileKind("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg"))
GIF = FileKind("gif", "GIF", "image/gif", (".gif",))
OFD = FileKind("ofd", "OFD", "application/ofd", (".ofd",))
KINDS: tuple[FileKind, ...] = (PDF, DOCX, XLSX, PNG, JPEG, GIF, OFD)

_ZIP_MAGIC = (b"PK\x03\x04",)


def _zip_names(data: bytes) -> set[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {info.filename for info in archive.infolist()}
    except (zipfile.BadZipFile, ValueError, OSError):
        return None


def sniff(data: bytes) -> FileKind | None:
    """The kind of file these bytes are, or None when it is none of the accepted kinds."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if data.startswith(_ZIP_MAGIC):
        names = _zip_names(data)
        if names is None:
            return None
        if "OFD.xml" in names:
            return OFD
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    return None


class AttachmentRejected(ValueError):
    """An upload is refused; `problem` is an English msgid, `params` fill its placeholders."""

    def __init__(self, problem: str, **params: object) -> None:
        self.problem, self.params = problem, params
        super().__init__(problem % params if params else problem)


@dataclass(frozen=True)
class CheckedFile:
    kind: FileKind
    sha256: str
    size: int
    original_name: str


def clean_original_name(name: str) -> str:
    """The bare file name a browser sent (no folders, no control characters), at most 200 characters."""
    bare = PureWindowsPath(PurePosixPath(name or "").name).name
    bare = "".join(ch for ch in bare if ch.isprintable()).strip()
    return bare[-200:] if bare else "attachment"


def check_upload(data: bytes, original_name: str, max_bytes: int) -> CheckedFile:
    """Accept or refuse an upload: not empty, not over the limit, a known kind, a name that fits."""
    if not data:
        raise AttachmentRejected(N_("The file is empty"))
    if len(data) > max_bytes:
        raise AttachmentRejected(
            N_("The file is %(size)s bytes; the limit is %(limit)s bytes"), size=len(data), limit=max_bytes
        )
    kind = sniff(data)
    if kind is None:
        raise AttachmentRejected(N_("Only PDF, Word (.docx), Excel (.xlsx), PNG, JPEG, GIF and OFD files are accepted"))
    name = clean_original_name(original_name)
    suffix = PurePosixPath(name).suffix.lower()
    if suffix and suffix not in kind.extensions:
        raise AttachmentRejected(
            N_("The file is named %(name)s but its content is %(kind)s"), name=name, kind=kind.label
        )
    if not suffix:
        name = name + kind.extensions[0]
    return CheckedFile(kind=kind, sha256=hashlib.sha256(data).hexdigest(), size=len(data), original_name=name)


def kind_by_code(code: str) -> FileKind:
    return next(k for k in KINDS if k.code == code)
