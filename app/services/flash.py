"""One-time notices kept with the login session (app/db/models/flash.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db.models.flash import FlashMessage
from app.services.accounts import token_digest

MAX_LENGTH = 500


@dataclass(frozen=True)
class Notice:
    kind: str  # ok | warn
    message: str


def push(session: Session, session_token: str, message: str, kind: str = "ok") -> None:
    """Keep a notice for the next page of this login session (saved with the caller's transaction)."""
    session.add(FlashMessage(session_token_hash=token_digest(session_token), kind=kind, message=message[:MAX_LENGTH]))


def pop(session: Session, session_token: str) -> list[Notice]:
    """The session's waiting notices, oldest first; they are deleted (shown once)."""
    digest = token_digest(session_token)
    rows = session.execute(
        select(FlashMessage.id, FlashMessage.kind, FlashMessage.message)
        .where(FlashMessage.session_token_hash == digest)
        .order_by(FlashMessage.id)
    ).all()
    if rows:
        session.execute(delete(FlashMessage).where(FlashMessage.id.in_([r.id for r in rows])))
    return [Notice(r.kind, r.message) for r in rows]
