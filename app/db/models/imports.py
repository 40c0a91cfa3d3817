"""Import batches: one row per committed workbook import, linked to the items it touched."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base, utcnow
from app.db.models.core import CongressSession, Item, User


class ImportBatch(Base):
    __tablename__ = "import_batches"
    __table_args__ = (Index("ix_import_batches_session_sha", "session_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # ItemKind
    session_id: Mapped[int] = mapped_column(ForeignKey("congress_sessions.id"))
    rows: Mapped[int] = mapped_column(Integer, default=0)  # data rows read
    new_count: Mapped[int] = mapped_column(Integer, default=0)
    changed_count: Mapped[int] = mapped_column(Integer, default=0)
    unchanged_count: Mapped[int] = mapped_column(Integer, default=0)
    notes_count: Mapped[int] = mapped_column(Integer, default=0)  # ignored columns and sheets
    stored_file: Mapped[str | None] = mapped_column(String(500))  # relative to JIANTI_DATA_DIR
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[CongressSession] = relationship()
    created_by: Mapped[User | None] = relationship()


class ImportBatchItem(Base):
    """Which items a batch created, updated or found unchanged, and from which row."""

    __tablename__ = "import_batch_items"
    __table_args__ = (Index("ix_import_batch_items_item", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    outcome: Mapped[str] = mapped_column(String(10))  # new | changed | unchanged
    sheet: Mapped[str] = mapped_column(String(100))
    row: Mapped[int] = mapped_column(Integer)

    item: Mapped[Item] = relationship()
