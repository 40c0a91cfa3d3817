from __future__ import annotations

import hashlib

import pytest

from app.domain.attachments import AttachmentRejected, check_upload, clean_original_name, sniff
from tests.workflow.samples import (
    GIF_BYTES,
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    docx_bytes,
    ofd_bytes,
    plain_zip_bytes,
    xlsx_bytes,
)


@pytest.mark.parametrize(
    "data, code",
    [
        (PDF_BYTES, "pdf"),
        (PNG_BYTES, "png"),
        (JPEG_BYTES, "jpeg"),
        (GIF_BYTES, "gif"),
        (docx_bytes(), "docx"),
        (xlsx_bytes(), "xlsx"),
        (ofd_bytes(), "ofd"),
    ],
)
def test_sniffs_every_accepted_kind(data, code):
    assert sniff(data).code == code


@pytest.mark.parametrize(
    "data",
    [b"", b"hello world", b"MZ\x90\x00executable", plain_zip_bytes(), b"PK\x03\x04broken zip", b"<html>"],
)
def test_refuses_everything_else(data):
    assert sniff(data) is None


def test_check_upload_names_and_hashes():
    checked = check_upload(PDF_BYTES, "C:\\Users\\王明\\答复函.pdf", max_bytes=1000)
    assert checked.kind.code == "pdf"
    assert checked.original_name == "答复函.pdf"
    assert checked.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert checked.size == len(PDF_BYTES)
    assert check_upload(PNG_BYTES, "", max_bytes=1000).original_name == "attachment.png"
    assert check_upload(JPEG_BYTES, "照片.JPG", max_bytes=1000).original_name == "照片.JPG"


def test_check_upload_refusals():
    with pytest.raises(AttachmentRejected, match="empty"):
        check_upload(b"", "a.pdf", max_bytes=10)
    with pytest.raises(AttachmentRejected, match="limit") as too_big:
        check_upload(PDF_BYTES, "a.pdf", max_bytes=10)
    assert too_big.value.params == {"size": len(PDF_BYTES), "limit": 10}
    with pytest.raises(AttachmentRejected, match="Only PDF"):
        check_upload(b"#!/bin/sh\nrm -rf /", "run.pdf", max_bytes=1000)
    with pytest.raises(AttachmentRejected, match="content is PNG"):
        check_upload(PNG_BYTES, "scan.pdf", max_bytes=1000)


def test_clean_original_name():
    assert clean_original_name("../../etc/passwd") == "passwd"
    assert clean_original_name("a\x00b\n.pdf") == "ab.pdf"
    assert len(clean_original_name("长" * 300 + ".pdf")) == 200


# ----------------------------------------------------------------------------- structure, not magic bytes


def test_a_file_that_only_starts_like_a_pdf_is_refused():
    from tests.workflow.samples import FAKE_PDF_BYTES

    for data in (FAKE_PDF_BYTES, b"%PDF-1.7\n" + bytes(range(256)) * 40, b"%PDF-1.4 x"):
        with pytest.raises(AttachmentRejected) as refused:
            check_upload(data, "答复函.pdf", max_bytes=10**6)
        assert refused.value.params == {"name": "答复函.pdf", "kind": "PDF"}
        assert "not a readable" in refused.value.problem


def test_a_real_pdf_with_trailing_bytes_is_accepted():
    assert check_upload(PDF_BYTES + b"\n", "scan.pdf", max_bytes=10**6).kind.code == "pdf"


def _zip(members: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_office_files_need_a_sound_zip_directory_and_their_main_part():
    no_main_type = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    escaping = _zip(
        {
            "[Content_Types].xml": b"wordprocessingml.document.main+xml",
            "word/document.xml": b"<w:document/>",
            "../../evil.sh": b"x",
        }
    )
    bomb = _zip(
        {
            "[Content_Types].xml": b"wordprocessingml.document.main+xml",
            "word/document.xml": b"\0" * (20 * 1024 * 1024),
        }
    )
    truncated = docx_bytes()[:-40]
    for data in (no_main_type, escaping, bomb):
        with pytest.raises(AttachmentRejected) as refused:
            check_upload(data, "意见.docx", max_bytes=10**8)
        assert refused.value.params["kind"] == "Word"
    assert sniff(truncated) is None  # a cut central directory is no zip at all
    assert check_upload(docx_bytes(), "意见.docx", max_bytes=10**8).kind.code == "docx"
    assert check_upload(xlsx_bytes(), "附表.xlsx", max_bytes=10**8).kind.code == "xlsx"
