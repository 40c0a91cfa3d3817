"""Statistics tables: when a reply was published online (上网公开), for the publication rate."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, utcnow


class ReplyPublication(Base):
    """The office put a department's reply of one round online (in full or as a summary).

    Keyed by the assignment (one reply per lead/split assignment, and so per round).
    """

    __tablename__ = "reply_publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), unique=True)
    published_on: Mapped[date] = mapped_column(Date)
    location: Mapped[str] = mapped_column(String(500), default="")  # address or place of publication
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
