"""Attachment storage: files under JIANTI_DATA_DIR/attachments/<aa>/<sha256>, metadata in the database.

The stored name is the content's sha256 (identical files are stored once); the original name
lives only in the attachments table and is given back in the download's Content-Disposition.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models.workflow import Attachment
from app.domain.attachments import AttachmentRejected, check_upload
from app.i18n import _
from app.services.actor import Actor
from app.services.errors import Problem, ValidationFailed
from app.settings import get_settings


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def storage_path(sha256: str) -> Path:
    return get_settings().data_dir / "attachments" / sha256[:2] / sha256


def _write_once(path: Path, data: bytes) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(temporary, path)  # atomic: a reader never sees half a file


def check_uploads(uploads: list[Upload]) -> None:
    """Refuse the whole batch, naming every bad file, before anything is stored."""
    limit = get_settings().max_upload_mb * 1024 * 1024
    problems = []
    for upload in uploads:
        try:
            check_upload(upload.data, upload.filename, limit)
        except AttachmentRejected as rejected:
            problems.append(Problem(f"file {upload.filename}", _(rejected.problem, **rejected.params)))
    if problems:
        raise ValidationFailed(_("Some files were refused; nothing was saved."), problems)


def store(
    session: Session,
    actor: Actor,
    uploads: list[Upload],
    *,
    item_id: int,
    assignment_id: int | None,
    owner_type: str,
    owner_id: int,
) -> list[Attachment]:
    check_uploads(uploads)
    limit = get_settings().max_upload_mb * 1024 * 1024
    stored = []
    for upload in uploads:
        checked = check_upload(upload.data, upload.filename, limit)
        _write_once(storage_path(checked.sha256), upload.data)
        attachment = Attachment(
            item_id=item_id,
            assignment_id=assignment_id,
            owner_type=owner_type,
            owner_id=owner_id,
            sha256=checked.sha256,
            size=checked.size,
            kind=checked.kind.code,
            original_name=checked.original_name,
            uploaded_by_id=actor.user_id,
        )
        session.add(attachment)
        stored.append(attachment)
    session.flush()
    return stored


def attachments_of(session: Session, owner_type: str, owner_ids: list[int]) -> dict[int, list[Attachment]]:
    result: dict[int, list[Attachment]] = {owner_id: [] for owner_id in owner_ids}
    if not owner_ids:
        return result
    stmt = select(Attachment).where(Attachment.owner_type == owner_type, Attachment.owner_id.in_(owner_ids))
    for attachment in session.scalars(stmt.order_by(Attachment.id)):
        result[attachment.owner_id].append(attachment)
    return result
