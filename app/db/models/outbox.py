"""Mail waiting to be sent after the transaction that decided it commits (the outbox)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, utcnow


class OutboxMail(Base):
    """One message; `sent_at` is set in the transaction right after the SMTP server accepted it."""

    __tablename__ = "outbox_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    subject: Mapped[str] = mapped_column(String(300))
    sender: Mapped[str] = mapped_column(String(200))
    recipients: Mapped[str] = mapped_column(Text)  # comma-separated addresses
    body: Mapped[str] = mapped_column(Text)
    reminder_keys: Mapped[list[Any]] = mapped_column(JSON, default=list)  # marked mailed once sent
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
