"""Portal tables (issue 14): the roster of deputies and members per term, the links of items'
submitters to roster entries, portal accounts with one-time activation codes, and the public
disclosure of replies (a snapshot of exactly the text that went online).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base, utcnow


class RosterEntry(Base):
    """代表/委员名册: one deputy, member or collective submitter (代表团, 党派, 专委会, 界别) in one term."""

    __tablename__ = "roster_entries"
    __table_args__ = (
        UniqueConstraint("term", "body", "name", "delegation", "sector"),
        Index("ix_roster_entries_body_name", "body", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(64))  # 届, e.g. 市十六届人大 / 市政协十四届
    body: Mapped[str] = mapped_column(String(8))  # Body: npc | cppcc
    kind: Mapped[str] = mapped_column(String(20), default="individual")  # SubmitterType
    name: Mapped[str] = mapped_column(String(100))
    delegation: Mapped[str] = mapped_column(String(100), default="")  # 代表团 (npc)
    sector: Mapped[str] = mapped_column(String(100), default="")  # 界别 (cppcc)
    party: Mapped[str] = mapped_column(String(100), default="")
    # contact details: for the office only, never shown on the portal's public side or the public site
    phone: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class SubmitterLink(Base):
    """One submitter of an item (position 0: lead; 1..: co-signers in order) and its roster entry.

    status: linked (roster_entry_id set) | ambiguous (several candidates) | unknown (none).
    `by`: auto (matched on name + delegation/sector) or office (resolved by hand; never overwritten).
    """

    __tablename__ = "submitter_links"
    __table_args__ = (
        UniqueConstraint("item_id", "position"),
        Index("ix_submitter_links_entry", "roster_entry_id"),
        Index("ix_submitter_links_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    roster_entry_id: Mapped[int | None] = mapped_column(ForeignKey("roster_entries.id"))
    status: Mapped[str] = mapped_column(String(10))
    candidates: Mapped[str] = mapped_column(String(200), default="")  # comma-separated roster ids when ambiguous
    by: Mapped[str] = mapped_column(String(8), default="auto")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    roster_entry: Mapped[RosterEntry | None] = relationship()


class PortalAccount(Base):
    """A deputy's or member's portal login, issued by the office from the roster.

    The one-time activation code is stored as a SHA-256 digest (it is a 10-character random code,
    shown once on the printed letter); it is cleared when the deputy sets a password.
    """

    __tablename__ = "portal_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    roster_entry_id: Mapped[int] = mapped_column(ForeignKey("roster_entries.id"), unique=True)
    code_hash: Mapped[str | None] = mapped_column(String(64))
    code_expires_at: Mapped[datetime | None] = mapped_column()
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    activated_at: Mapped[datetime | None] = mapped_column()

    roster_entry: Mapped[RosterEntry] = relationship()


class PublicReply(Base):
    """A reply as published on the public site (公开): a snapshot of the exact public text.

    The public site reads this table only, so nothing that was not published can be reached from it.
    """

    __tablename__ = "public_replies"
    __table_args__ = (Index("ix_public_replies_year", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("replies.id", ondelete="CASCADE"), unique=True)
    mode: Mapped[str] = mapped_column(String(8))  # Disclosure: full | summary
    published_on: Mapped[date] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # ItemKind
    session_label: Mapped[str] = mapped_column(String(64))
    number: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(500))
    category: Mapped[str] = mapped_column(String(64), default="")
    department: Mapped[str] = mapped_column(String(128))
    result_class: Mapped[str] = mapped_column(String(64), default="")
    text: Mapped[str] = mapped_column(Text)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReplyNonPublication(Base):
    """The office applied a 不公开 decision: the reply is not published (reason kept); never read by /public."""

    __tablename__ = "reply_non_publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("replies.id", ondelete="CASCADE"), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
