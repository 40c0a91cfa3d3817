"""The public site's own query path (/public, no login): it reads the PublicReply snapshots only.

Nothing here touches items, replies, drafts, attachments or people: an id that was never
published simply is not in the table, and answers 404 like any unknown id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.db.models.roster import PublicReply
from app.i18n import _
from app.services.errors import NotFound

PAGE_SIZE = 20


@dataclass(frozen=True)
class PublicQuery:
    year: int | None = None
    session: str = ""
    category: str = ""
    department: str = ""
    q: str = ""
    page: int = 1


@dataclass
class PublicPage:
    rows: list[PublicReply]
    total: int
    page: int
    pages: int
    years: list[int]
    sessions: list[str]
    categories: list[str]
    departments: list[str]


def _distinct(session: Session, column: Any) -> list[Any]:
    return [v for v in session.scalars(select(column).distinct().order_by(column)) if v not in (None, "")]


def search(session: Session, query: PublicQuery) -> PublicPage:
    stmt = select(PublicReply)
    if query.year:
        stmt = stmt.where(PublicReply.year == query.year)
    if query.session:
        stmt = stmt.where(PublicReply.session_label == query.session)
    if query.category:
        stmt = stmt.where(PublicReply.category == query.category)
    if query.department:
        stmt = stmt.where(PublicReply.department == query.department)
    for word in query.q.split()[:5]:
        like = f"%{word[:50]}%"
        stmt = stmt.where(or_(PublicReply.title.like(like), PublicReply.text.like(like), PublicReply.number == word))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, query.page), pages)
    rows = session.scalars(
        stmt.order_by(PublicReply.published_on.desc(), PublicReply.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return PublicPage(
        list(rows),
        total,
        page,
        pages,
        list(reversed(_distinct(session, PublicReply.year))),
        _distinct(session, PublicReply.session_label),
        _distinct(session, PublicReply.category),
        _distinct(session, PublicReply.department),
    )


def get(session: Session, public_id: int) -> PublicReply:
    row = session.get(PublicReply, public_id)
    if row is None:
        raise NotFound(_("Page not found."))
    return row
