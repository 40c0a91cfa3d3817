"""Flash messages: one-time notices ("回复草稿已保存") kept with the login session on the server.

A notice is written by the request that succeeded (in its transaction) and read and deleted by
the next page the same session opens, so no URL ever carries the text shown.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, utcnow


class FlashMessage(Base):
    __tablename__ = "flash_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    # the login session it belongs to (web_sessions.token_hash is unique); gone with the session
    session_token_hash: Mapped[str] = mapped_column(
        String(64), ForeignKey("web_sessions.token_hash", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16), default="ok")  # ok | warn
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
