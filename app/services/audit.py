"""The append-only audit log: one row per change, written in the caller's transaction."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import AuditEntry
from app.services.actor import Actor


def _plain(value: Any) -> Any:
    """JSON-safe copy of a value (dates as ISO text, enums as their value)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def record(
    session: Session,
    actor: Actor,
    *,
    entity: str,
    entity_id: int | None,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        actor_id=actor.user_id,
        actor_name=actor.username,
        entity=entity,
        entity_id=entity_id,
        action=action,
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        reason=reason,
    )
    session.add(entry)
    return entry


def history(session: Session, entity: str, entity_id: int) -> list[AuditEntry]:
    stmt = (
        select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id).order_by(AuditEntry.id)
    )
    return list(session.scalars(stmt))
