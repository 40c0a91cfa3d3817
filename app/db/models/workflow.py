"""Handling tables: replies and their result-class history, co-handler opinions, communications,
feedback per round, reassignment requests, waivers, merges and attachments.

Replies, opinions and communications belong to an assignment, and an assignment belongs to one
round, so earlier rounds stay intact when a new one opens.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base, utcnow
from app.db.models.core import Assignment, Department, Item, User


class Reply(Base):
    """答复: one per lead or split assignment (and so per round)."""

    __tablename__ = "replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")  # published when disclosure is "summary"
    result_class: Mapped[str] = mapped_column(String(16))
    disclosure: Mapped[str] = mapped_column(String(8), default="full")  # Disclosure
    disclosure_reason: Mapped[str] = mapped_column(Text, default="")
    contact_person: Mapped[str] = mapped_column(String(64))
    contact_phone: Mapped[str] = mapped_column(String(32))
    letter_number: Mapped[str] = mapped_column(String(64), default="")  # 文号
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_off_at: Mapped[datetime | None] = mapped_column()
    returned_at: Mapped[datetime | None] = mapped_column()  # by the unit head; cleared by a revised draft
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    assignment: Mapped[Assignment] = relationship()
    drafted_by: Mapped[User | None] = relationship(foreign_keys=[drafted_by_id])
    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_id])
    class_changes: Mapped[list[ResultClassChange]] = relationship(
        back_populates="reply", order_by="ResultClassChange.id", cascade="all, delete-orphan"
    )


class ResultClassChange(Base):
    """Every change of a reply's result class: at review, or later (回头看), with who and why."""

    __tablename__ = "result_class_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("replies.id", ondelete="CASCADE"), index=True)
    from_class: Mapped[str] = mapped_column(String(16))
    to_class: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str] = mapped_column(String(16))  # review | follow_up
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_by_name: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    reply: Mapped[Reply] = relationship(back_populates="class_changes")


class CoOpinion(Base):
    """会办意见: a co-handler's opinion to the lead (one per co assignment)."""

    __tablename__ = "co_opinions"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text, default="")
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    assignment: Mapped[Assignment] = relationship()


class Communication(Base):
    """沟通 / 面商 with the submitter before replying."""

    __tablename__ = "communications"
    __table_args__ = (Index("ix_communications_assignment", "assignment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(16))  # CommunicationMethod
    happened_at: Mapped[datetime] = mapped_column()
    participants: Mapped[str] = mapped_column(String(500))
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    assignment: Mapped[Assignment] = relationship()


class Feedback(Base):
    """征询意见: the submitter's rating of one round, and who gave it."""

    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("item_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(32))  # overall, from the profile's satisfaction scale
    handling_level: Mapped[str | None] = mapped_column(String(32))  # on the handling (attitude, contact)
    result_level: Mapped[str | None] = mapped_column(String(32))  # on the result
    given_by: Mapped[str] = mapped_column(String(20))  # FeedbackGiver
    comment: Mapped[str] = mapped_column(Text, default="")
    received_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # paper (征询意见表 typed in by the office) | online (the deputy on the portal)
    source: Mapped[str] = mapped_column(String(8), default="paper", server_default="paper")


class ReassignmentRequest(Base):
    """申请调整: a department asks to be relieved; the office approves or rejects."""

    __tablename__ = "reassignment_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    suggested_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decision: Mapped[str] = mapped_column(String(10), default="pending")  # pending | approved | rejected
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column()
    new_assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))

    assignment: Mapped[Assignment] = relationship(foreign_keys=[assignment_id])
    suggested_department: Mapped[Department | None] = relationship()


class CoOpinionWaiver(Base):
    """The office lets a lead's reply go without the co-handlers' overdue opinions."""

    __tablename__ = "co_opinion_waivers"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    waived_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    waived_at: Mapped[datetime] = mapped_column(default=utcnow)


class ItemMerge(Base):
    """并案: an item handled together with another; its submitters still get a reply."""

    __tablename__ = "item_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), unique=True)
    into_item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    merged_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[Item] = relationship(foreign_keys=[item_id])
    into_item: Mapped[Item] = relationship(foreign_keys=[into_item_id])


class Attachment(Base):
    """A file stored under JIANTI_DATA_DIR/attachments by its sha256; the original name is metadata only."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_owner", "owner_type", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    owner_type: Mapped[str] = mapped_column(String(16))  # reply | opinion | communication
    owner_id: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8))  # FileKind code
    original_name: Mapped[str] = mapped_column(String(255))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
