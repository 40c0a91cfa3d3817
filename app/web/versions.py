"""The new version of every record a write changed, for its answer.

Items and assignments carry a version (optimistic locking: writes send `expected_version`). A write
often changes more than the record it names: recording a communication touches the assignment, a
reply accepted moves the item, a reassignment ends one assignment and creates another. Every
flush notes the versioned records it wrote (in the session's `info`), and each write answers
them all as `changed`, so the next write can send the right `expected_version`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.db.models import Assignment, Item

_KEY = "jianti_changed_records"
ENTITIES = ((Item, "item"), (Assignment, "assignment"))


@dataclass
class VersionOut:
    entity: str  # item | assignment
    id: int
    version: int


@event.listens_for(Session, "after_flush")
def _note_changed(session: Session, _flush_context) -> None:
    noted = session.info.setdefault(_KEY, {})
    for record in (*session.new, *session.dirty):
        for model, entity in ENTITIES:
            if isinstance(record, model) and (record in session.new or session.is_modified(record)):
                noted[(entity, id(record))] = (entity, record)


def changed_versions(session: Session) -> list[VersionOut]:
    """Flush, then every item and assignment this transaction wrote, with its version now."""
    session.flush()
    noted = session.info.get(_KEY, {})
    out = {
        (entity, record.id): VersionOut(entity, record.id, record.version)
        for entity, record in noted.values()
        if record.id is not None
    }
    return sorted(out.values(), key=lambda v: (v.entity, v.id))


def changed_dicts(session: Session) -> list[dict]:
    return [{"entity": v.entity, "id": v.id, "version": v.version} for v in changed_versions(session)]


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, *_args) -> None:
    session.info.pop(_KEY, None)
