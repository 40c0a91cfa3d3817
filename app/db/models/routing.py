"""Routing: versions of the routing rule file, and one routing record per item and proposal."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base, utcnow
from app.db.models.core import Item


class RuleSetVersion(Base):
    """One version of rules/<profile>/routing.toml, kept whole so any past proposal can be explained."""

    __tablename__ = "routing_rule_sets"
    __table_args__ = (UniqueConstraint("profile", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile: Mapped[str] = mapped_column(String(32))
    content_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the file's bytes
    source: Mapped[str] = mapped_column(String(255))  # path as shown to users
    content: Mapped[str] = mapped_column(Text)
    rule_count: Mapped[int] = mapped_column(Integer)
    loaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    loaded_by_name: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=False)


class RoutingRecord(Base):
    """Why an item goes where it goes: the rule-set version, every matching rule with its reasons,
    the losing candidates, the final choice, and any override with its reason.

    status: proposed | manual (no rule matched) | accepted | overridden | assigned | superseded.
    Only one record per item is current; re-routing supersedes the previous one.
    """

    __tablename__ = "routing_records"
    __table_args__ = (Index("ix_routing_records_item_current", "item_id", "current"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    rule_set_id: Mapped[int] = mapped_column(ForeignKey("routing_rule_sets.id"))
    round: Mapped[int] = mapped_column(Integer, default=1)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(16))
    proposal: Mapped[dict] = mapped_column()  # Decision.as_dict(): matches, reasons, losing, conflicts, suggestions
    # the final choice (the proposal's until the office overrides it); departments by code
    mode: Mapped[str | None] = mapped_column(String(12))  # lead | split | reference
    lead_code: Mapped[str | None] = mapped_column(String(32))
    co_codes: Mapped[list] = mapped_column(default=list)
    split_codes: Mapped[list] = mapped_column(default=list)
    reference_codes: Mapped[list] = mapped_column(default=list)
    key_supervision: Mapped[bool] = mapped_column(Boolean, default=False)
    has_conflicts: Mapped[bool] = mapped_column(Boolean, default=False)
    override_reason: Mapped[str | None] = mapped_column(Text)
    reply_due_on: Mapped[date | None] = mapped_column(Date)  # set by the office instead of the computed one
    reply_due_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_name: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column()  # accepted or overridden
    decided_by_name: Mapped[str | None] = mapped_column(String(64))
    assigned_at: Mapped[datetime | None] = mapped_column()

    item: Mapped[Item] = relationship()
    rule_set: Mapped[RuleSetVersion] = relationship()
