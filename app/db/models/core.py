"""Core tables: departments, categories, sessions, items, assignments, users, audit log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base, utcnow
from app.domain.enums import ItemState


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Department(TimestampMixin, Base):
    """承办单位. Synced from the profile; never deleted once it has items."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    short_name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # DepartmentKind
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return f"<Department {self.code} {self.short_name}>"


class Category(Base):
    """分类, per profile; at most two levels."""

    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("profile", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile: Mapped[str] = mapped_column(String(32))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    kinds: Mapped[str] = mapped_column(String(64))  # comma-separated ItemKind values
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped[Category | None] = relationship(remote_side=[id])


class CongressSession(Base):
    """届次/会议, e.g. 市十六届人大五次会议. Items are numbered per session."""

    __tablename__ = "congress_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(String(8))  # Body
    level: Mapped[str] = mapped_column(String(16), default="municipal")  # Level
    label: Mapped[str] = mapped_column(String(64), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    number_width: Mapped[int] = mapped_column(Integer, default=0)  # 259 -> "0259" when 4


class Item(TimestampMixin, Base):
    """One NPC suggestion or CPPCC proposal."""

    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("session_id", "number"),
        Index("ix_items_state", "state"),
        Index("ix_items_lead_department", "lead_department_id"),
        Index("ix_items_due_on", "due_on"),
        Index("ix_items_session_id_due_on", "session_id", "due_on"),  # a session by deadline
        Index("ix_items_open_due_on", "open_due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # ItemKind
    session_id: Mapped[int] = mapped_column(ForeignKey("congress_sessions.id"))
    number: Mapped[str] = mapped_column(String(32))  # text: keeps leading zeros
    title: Mapped[str] = mapped_column(String(500))
    content: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    submitter_type: Mapped[str] = mapped_column(String(20), default="individual")  # SubmitterType
    lead_submitter: Mapped[str] = mapped_column(String(200))
    submitter_count: Mapped[int] = mapped_column(Integer, default=1)  # 提出人数
    delegation: Mapped[str | None] = mapped_column(String(100))  # 代表团
    sector: Mapped[str | None] = mapped_column(String(100))  # 界别
    party: Mapped[str | None] = mapped_column(String(100))  # 党派
    during_session: Mapped[bool] = mapped_column(Boolean, default=True)  # 会上 vs 闭会期间
    agree_to_publish: Mapped[bool] = mapped_column(Boolean, default=True)
    submitted_on: Mapped[date | None] = mapped_column(Date)
    key_supervision: Mapped[bool] = mapped_column(Boolean, default=False)  # 重点督办
    state: Mapped[str] = mapped_column(String(20), default=ItemState.REGISTERED.value)
    round: Mapped[int] = mapped_column(Integer, default=1)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Kept from the assignments by app.db.list_columns (never set by hand), so the lists filter and
    # sort by 主办单位 and 期限 with an index instead of a subquery per row:
    lead_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))  # current lead part
    due_on: Mapped[date | None] = mapped_column(Date)  # earliest reply deadline of the current round
    open_due_on: Mapped[date | None] = mapped_column(Date)  # earliest deadline of a reply not yet sent

    __mapper_args__ = {"version_id_col": version}

    session: Mapped[CongressSession] = relationship()
    category: Mapped[Category | None] = relationship()
    co_signers: Mapped[list[ItemCoSigner]] = relationship(
        back_populates="item", order_by="ItemCoSigner.position", cascade="all, delete-orphan"
    )
    intended_departments: Mapped[list[ItemIntendedDepartment]] = relationship(
        back_populates="item", cascade="all, delete-orphan"
    )
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="item", order_by="Assignment.id", cascade="all, delete-orphan"
    )


class ItemCoSigner(Base):
    """附议代表 / 联名提案人, in the order they were written."""

    __tablename__ = "item_co_signers"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))

    item: Mapped[Item] = relationship(back_populates="co_signers")


class ItemIntendedDepartment(Base):
    """意向主办/会办单位 named by the submitter (a routing hint, not an assignment)."""

    __tablename__ = "item_intended_departments"
    __table_args__ = (UniqueConstraint("item_id", "department_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    role: Mapped[str] = mapped_column(String(8))  # AssignmentRole: lead | co

    item: Mapped[Item] = relationship(back_populates="intended_departments")
    department: Mapped[Department] = relationship()


class Assignment(TimestampMixin, Base):
    """One department's part of an item in one round (主办 / 协办 / 分办 / 参阅)."""

    __tablename__ = "assignments"
    __table_args__ = (
        Index("ix_assignments_department_state", "department_id", "state"),
        Index("ix_assignments_item_round", "item_id", "round"),
        Index("ix_assignments_department_item", "department_id", "item_id"),  # a department's scope
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    role: Mapped[str] = mapped_column(String(10))  # AssignmentRole
    round: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(String(24))  # AssignmentState
    assigned_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)  # reply (lead/split) or opinion (co) deadline
    ended_at: Mapped[datetime | None] = mapped_column()
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    item: Mapped[Item] = relationship(back_populates="assignments")
    department: Mapped[Department] = relationship()


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))  # Role
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column()
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column()

    department: Mapped[Department | None] = relationship()


class ApiToken(Base):
    """Bearer tokens for the JSON API; only a hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()

    user: Mapped[User] = relationship()


class WebSession(Base):
    """Server-side login sessions: the cookie holds a random token, the table its hash."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()

    user: Mapped[User] = relationship()


class AuditEntry(Base):
    """Append-only audit log (database triggers refuse UPDATE and DELETE)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(64))  # kept even if the user is renamed; "system" for jobs
    entity: Mapped[str] = mapped_column(String(32))  # item | assignment | user | department | batch ...
    entity_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(48))
    before: Mapped[dict | None] = mapped_column()
    after: Mapped[dict | None] = mapped_column()
    reason: Mapped[str | None] = mapped_column(Text)
