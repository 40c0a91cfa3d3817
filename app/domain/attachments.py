"""What an uploaded file really is, told by its content, not by its name.

Accepted: PDF, DOCX, XLSX, PNG, JPEG, GIF and OFD (the Chinese fixed-layout format, a zip
whose root holds OFD.xml). The first bytes say what a file claims to be; its structure must
then agree: a PDF must parse (pypdf: cross-reference table, trailer, at least one page), an
Office file's zip central directory must be sound (no member outside the archive, sizes that
are not a zip bomb) and its [Content_Types].xml must declare the main document part. Only that
small part is ever decompressed. The original name is kept in metadata only; the file is stored
under its sha256.
"""

from __future__ import annotations

import hashlib
import io
import logging
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


# central directory limits: Office files of the office are a few MB; a bomb claims gigabytes
MAX_UNCOMPRESSED = 512 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 20_000
CONTENT_TYPES_LIMIT = 1024 * 1024
MAIN_PART_TYPES = {
    "docx": b"wordprocessingml.document.main+xml",
    "xlsx": b"spreadsheetml.sheet.main+xml",
}


def _pdf_is_sound(data: bytes) -> bool:
    from pypdf import PdfReader  # parsing only: nothing is rendered or executed

    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.CRITICAL)  # a broken upload is the user's problem, not a log line
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return True  # password-protected scans are still PDFs; their pages cannot be counted
        return len(reader.pages) >= 1
    except Exception:  # pypdf raises many kinds (PdfReadError, ValueError, KeyError...) for broken files
        return False
    finally:
        pypdf_log.setLevel(level)


def _zip_is_sound(data: bytes, kind: FileKind) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if not infos or len(infos) > MAX_MEMBERS:
                return False
            total = 0
            for info in infos:
                name = info.filename
                if name.startswith(("/", "\\")) or ".." in PurePosixPath(name.replace("\\", "/")).parts:
                    return False
                if info.header_offset + len(name) > len(data):
                    return False  # the central directory points past the end of the file
                total += info.file_size
                if info.file_size > MAX_RATIO * max(info.compress_size, 1) + 1024 or total > MAX_UNCOMPRESSED:
                    return False
            wanted = MAIN_PART_TYPES.get(kind.code)
            if wanted is None:
                return True
            types = archive.getinfo("[Content_Types].xml")
            if types.file_size > CONTENT_TYPES_LIMIT:
                return False
            return wanted in archive.read(types)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, NotImplementedError, RuntimeError):
        return False


def structure_is_sound(data: bytes, kind: FileKind) -> bool:
    """Whether the file's structure agrees with what its first bytes claim."""
    if kind is PDF:
        return _pdf_is_sound(data)
    if kind in (DOCX, XLSX, OFD):
        return _zip_is_sound(data, kind)
    return True


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
    if not structure_is_sound(data, kind):
        raise AttachmentRejected(
            N_("%(name)s starts like a %(kind)s file but is not a readable %(kind)s; it may be damaged"),
            name=name,
            kind=kind.label,
        )
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
