"""JSON API of the portal (deputies), the public site (anonymous) and the roster links (office).

Typed response models; errors are the service errors, rendered by app/web/errors.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery

from app.services import portal, public_site, roster
from app.services.access import require_office
from app.web.deps import DbSession
from app.web.guards import deputy_only, office_only


@dataclass
class PortalItemOut:
    id: int
    session: str
    number: str
    title: str
    state: str
    progress: str
    as_lead: bool
    round: int
    units: list[str]
    reply_due: date | None
    feedback_due: date | None
    may_rate: bool
    version: int


@dataclass
class PublicReplyOut:
    id: int
    url: str
    year: int
    session: str
    number: str
    title: str
    category: str
    department: str
    result_class: str
    mode: str
    published_on: date
    text: str


@dataclass
class PublicReplyListOut:
    total: int
    page: int
    pages: int
    replies: list[PublicReplyOut]


@dataclass
class LinkReportOut:
    items: int
    linked: int
    ambiguous: int
    unknown: int
    kept: int


def _public(row) -> PublicReplyOut:
    return PublicReplyOut(
        id=row.id,
        url=f"/public/replies/{row.id}",
        year=row.year,
        session=row.session_label,
        number=row.number,
        title=row.title,
        category=row.category,
        department=row.department,
        result_class=row.result_class,
        mode=row.mode,
        published_on=row.published_on,
        text=row.text,
    )


@get(
    "/api/portal/items",
    guards=[deputy_only],
    summary="My items (deputy or member)",
    tags=["portal"],
    sync_to_thread=True,
)
def portal_items(request: Request, db_session: DbSession) -> list[PortalItemOut]:
    return [
        PortalItemOut(
            id=c.id,
            session=c.session_label,
            number=c.number,
            title=c.title,
            state=c.state,
            progress=c.progress,
            as_lead="lead" in c.positions,
            round=c.round,
            units=[name for name, _role in c.departments],
            reply_due=c.reply_due,
            feedback_due=c.feedback_due,
            may_rate=c.may_rate,
            version=c.version,
        )
        for c in portal.my_items(db_session, request.user)
    ]


@get("/api/public/replies", summary="Published replies (no login)", tags=["public"], sync_to_thread=True)
def public_replies(
    db_session: DbSession,
    year: FromQuery[int | None] = None,
    q: FromQuery[str] = "",
    department: FromQuery[str] = "",
    page: FromQuery[int] = 1,
) -> PublicReplyListOut:
    result = public_site.search(
        db_session, public_site.PublicQuery(year=year, q=q[:100], department=department[:128], page=page)
    )
    return PublicReplyListOut(result.total, result.page, result.pages, [_public(r) for r in result.rows])


@get(
    "/api/public/replies/{public_id:int}",
    summary="One published reply (no login)",
    tags=["public"],
    sync_to_thread=True,
)
def public_reply(db_session: DbSession, public_id: FromPath[int]) -> PublicReplyOut:
    return _public(public_site.get(db_session, public_id))


@post(
    "/api/roster/link",
    guards=[office_only],
    summary="Match every item's submitters against the roster",
    tags=["roster"],
    sync_to_thread=True,
)
def link_all(request: Request, db_session: DbSession) -> LinkReportOut:
    require_office(request.user)
    report = roster.link_items(db_session, request.user)
    return LinkReportOut(report.items, report.linked, report.ambiguous, report.unknown, report.kept)


route_handlers = [portal_items, public_replies, public_reply, link_all]
