"""The append-only audit log: one row per change, written in the caller's transaction.

Every audit row is written here: `record` (one change), `created` (add a new record, flush for
its id, audit its creation), `record_many` (bulk changes, one INSERT, the same normalisation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Protocol, TypeVar

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.db.base import table_of, utcnow
from app.db.models import AuditEntry
from app.services.actor import Actor


class _Identified(Protocol):
    id: Any


R = TypeVar("R", bound=_Identified)


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


def created(
    session: Session,
    actor: Actor,
    new: R,
    *,
    entity: str,
    after: dict[str, Any] | Callable[[R], dict[str, Any]] | None,
    action: str = "create",
    before: dict[str, Any] | None = None,
    reason: str | None = None,
) -> R:
    """Add `new`, flush so it has its id, and audit its creation in the same transaction.

    `after` may be a function of the flushed record, for values the database fills in (a
    version, a default state); `before` describes what the new record replaces, if anything
    (a reloaded calendar year)."""
    session.add(new)
    session.flush()
    shown = after(new) if callable(after) else after
    record(session, actor, entity=entity, entity_id=new.id, action=action, before=before, after=shown, reason=reason)
    return new


@dataclass(frozen=True)
class Change:
    """One audit row of a bulk change (see record_many)."""

    entity: str
    entity_id: int | None
    action: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    reason: str | None = None
    at: datetime | None = None  # when it happened, if not now (archive imports)


def record_many(session: Session, actor: Actor, changes: Iterable[Change]) -> int:
    """Audit many changes with one INSERT (bulk recomputes, archive imports); answers how many.

    Rows are normalised exactly as record() does; they are written at once, so flush pending
    ORM changes first if the rows must follow them."""
    now = utcnow()
    rows = [
        {
            "at": change.at or now,
            "actor_id": actor.user_id,
            "actor_name": actor.username,
            "entity": change.entity,
            "entity_id": change.entity_id,
            "action": change.action,
            "before": _plain(change.before) if change.before is not None else None,
            "after": _plain(change.after) if change.after is not None else None,
            "reason": change.reason,
        }
        for change in changes
    ]
    if rows:
        session.connection().execute(insert(table_of(AuditEntry)), rows)
    return len(rows)


def history(session: Session, entity: str, entity_id: int, *, actions: Iterable[str] | None = None) -> list[AuditEntry]:
    """A record's audit rows, oldest first (only these actions, when given)."""
    stmt = select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
    if actions is not None:
        stmt = stmt.where(AuditEntry.action.in_(list(actions)))
    return list(session.scalars(stmt.order_by(AuditEntry.id)))
