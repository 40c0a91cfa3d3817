"""Similarity index (one vector of character bigrams per item, kept by app.services.similarity) and
the 并案 suggestions found at import, which the office accepts or dismisses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base, utcnow
from app.db.models.core import Item


class SimilarityDocument(Base):
    """One indexed item: the hash of what was indexed (drift check: text edited without reindex)."""

    __tablename__ = "similarity_documents"

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64))  # sha256 of algorithm version + title + content
    term_count: Mapped[int] = mapped_column(Integer)
    indexed_at: Mapped[datetime] = mapped_column(default=utcnow)


class SimilarityTerm(Base):
    """One term of an item's vector (weight: unit vector × 1000, as an integer)."""

    __tablename__ = "similarity_terms"
    __table_args__ = (Index("ix_similarity_terms_term", "term", "item_id", "weight"),)  # the posting lists

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), primary_key=True)
    term: Mapped[str] = mapped_column(String(8), primary_key=True)
    weight: Mapped[int] = mapped_column(Integer)


class SimilarityTermFrequency(Base):
    """How many indexed items have the term (for IDF); kept with the terms in the same transaction."""

    __tablename__ = "similarity_term_frequencies"

    term: Mapped[str] = mapped_column(String(8), primary_key=True)
    documents: Mapped[int] = mapped_column(Integer)


class MergeSuggestion(Base):
    """并案 suggestion: item looks like a duplicate of other_item (found at import). Never acted on by
    itself: status proposed → accepted (the office merged item into other_item) | dismissed."""

    __tablename__ = "merge_suggestions"
    __table_args__ = (
        UniqueConstraint("item_id", "other_item_id"),
        Index("ix_merge_suggestions_status_item", "status", "item_id"),
        Index("ix_merge_suggestions_other_item", "other_item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    other_item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    score_permille: Mapped[int] = mapped_column(Integer)  # score × 1000, the same on every database
    shared_terms: Mapped[list] = mapped_column(default=list)
    kind: Mapped[str] = mapped_column(String(16))  # DuplicateKind
    status: Mapped[str] = mapped_column(String(12), default="proposed")  # proposed | accepted | dismissed
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_name: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column()
    reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    item: Mapped[Item] = relationship(foreign_keys=[item_id])
    other_item: Mapped[Item] = relationship(foreign_keys=[other_item_id])
