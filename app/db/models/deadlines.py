"""Deadlines per assignment, the office's calendar entries, reminders and extension requests."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base, utcnow
from app.db.models.core import Assignment


class DeadlineRecord(Base):
    """One deadline of one assignment (reply, reply_max, co_opinion, feedback, ...).

    `computed_due` is what the calendar and the rule give; `due_on` is the deadline in force
    (the computed one, or an approved extension / a manual edit, see `override_kind`).
    Open deadlines are recomputed when the calendar or the rule changes; closed ones never.
    """

    __tablename__ = "deadlines"
    __table_args__ = (Index("ix_deadlines_status_due_on", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # at most one OPEN deadline per (assignment, rule); closed ones stay as history (rounds, reopened items)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(32))  # key of [deadlines] in profile.toml
    start_on: Mapped[date] = mapped_column(Date)
    period_amount: Mapped[int] = mapped_column(Integer)
    period_unit: Mapped[str] = mapped_column(String(16))  # months | working_days | days
    computed_due: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    override_kind: Mapped[str | None] = mapped_column(String(16))  # extension | manual
    override_reason: Mapped[str | None] = mapped_column(Text)
    explanation: Mapped[dict] = mapped_column()  # Deadline.to_dict()
    calendar_fingerprint: Mapped[str] = mapped_column(String(400))
    calendar_years: Mapped[str] = mapped_column(String(64))  # "2026,2027": years the computation consulted
    has_warning: Mapped[bool] = mapped_column(Boolean, default=False)  # a fallback (Mon–Fri) year was used
    status: Mapped[str] = mapped_column(String(8), default="open")  # open | closed
    met_on: Mapped[date | None] = mapped_column(Date)  # the day the obligation was fulfilled
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    assignment: Mapped[Assignment] = relationship()


class CalendarYearRecord(Base):
    """A year's schedule entered or imported by the office; replaces the file for that year."""

    __tablename__ = "calendar_years"
    __table_args__ = (UniqueConstraint("profile", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(String(200))  # e.g. "entered by wang (calendar page)"
    loaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    entries: Mapped[list[CalendarEntryRecord]] = relationship(
        back_populates="year_record", cascade="all, delete-orphan", order_by="CalendarEntryRecord.day"
    )


class CalendarEntryRecord(Base):
    __tablename__ = "calendar_entries"
    __table_args__ = (UniqueConstraint("year_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("calendar_years.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    working: Mapped[bool] = mapped_column(Boolean)  # True: make-up working day (调休上班)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64), default="")

    year_record: Mapped[CalendarYearRecord] = relationship(back_populates="entries")


class Reminder(Base):
    """A supervision reminder; `key` makes sending idempotent (never twice for the same key)."""

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    rule: Mapped[str] = mapped_column(String(64))
    rules_version: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(20))  # warn_department | escalate_office | flag_leader
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    deadline_id: Mapped[int | None] = mapped_column(ForeignKey("deadlines.id", ondelete="SET NULL"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    deadline_rule: Mapped[str] = mapped_column(String(32))
    due_on: Mapped[date] = mapped_column(Date)
    run_on: Mapped[date] = mapped_column(Date, index=True)
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    mailed_at: Mapped[datetime | None] = mapped_column()


class ExtensionRequest(Base):
    """A department's request for a later deadline (延期); the office approves or rejects it."""

    __tablename__ = "deadline_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id", ondelete="CASCADE"), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    requested_due: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="requested")  # requested | approved | rejected
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column()
    decision_reason: Mapped[str | None] = mapped_column(Text)

    deadline: Mapped[DeadlineRecord] = relationship()
