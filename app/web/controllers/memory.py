"""Remembering: similar past items for routing (office) and a department's own past replies
beside its reply draft (page, side-by-side view and JSON API)."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from app.domain.enums import DEPARTMENT_ROLES, OFFICE_ROLES
from app.services import routing
from app.services.routing import similar_past
from app.services.workflow import past_replies
from app.web.deps import DbSession
from app.web.guards import office_only, roles

replying = roles(*DEPARTMENT_ROLES, *OFFICE_ROLES)


class PastReplyPages(Controller):
    include_in_schema = False
    guards = [replying]

    @get("/assignments/{assignment_id:int}/past-replies/{reply_id:int}", sync_to_thread=True)
    def side_by_side(
        self, request: Request, db_session: DbSession, assignment_id: FromPath[int], reply_id: FromPath[int]
    ) -> Template:
        pair = past_replies.side_by_side(db_session, request.user, assignment_id, reply_id)
        return Template("workflow/past_reply_compare.html", context={"pair": pair})


@dataclass
class SimilarPastOut:
    item_id: int
    session: str
    number: str
    title: str
    score: float  # 0..1
    shared_terms: list[str]
    lead: str | None  # department code of its lead
    overridden: bool  # the office overrode the rules there
    override_reason: str | None
    result_class: str | None
    result_label: str | None
    satisfaction: str | None
    satisfaction_label: str | None


@dataclass
class SuggestionOut:
    department: str
    score: float
    shared_terms: list[str]


@dataclass
class SimilarPastReportOut:
    items: list[SimilarPastOut]
    suggestions: list[SuggestionOut]  # unmatched items only: keyword suggestions with the items' leads


@dataclass
class PastReplyOut:
    reply_id: int
    item_id: int
    session: str
    number: str
    title: str
    score: float
    shared_terms: list[str]
    result_class: str
    result_label: str | None
    satisfaction: str | None
    satisfaction_label: str | None
    excerpt: str


@dataclass
class SideBySideOut:
    assignment_id: int
    item_id: int
    draft_body: str | None  # None: no draft saved yet
    draft_result_class: str | None
    past_reply_id: int
    past_item_id: int
    past_session: str
    past_title: str
    past_body: str
    past_result_class: str
    past_result_label: str | None


class MemoryApi(Controller):
    path = "/api"
    tags = ["memory"]

    @get(
        "/routing/items/{item_id:int}/similar",
        summary="Similar past items of an item with their lead, override, result class and satisfaction",
        guards=[office_only],
        sync_to_thread=True,
    )
    def similar(
        self, request: Request, db_session: DbSession, item_id: FromPath[int], limit: FromQuery[int] = 5
    ) -> SimilarPastReportOut:
        """Errors: 403 not office, 404 unknown item, 422 limit outside 1..20."""
        found = similar_past.similar_past_items(db_session, request.user, item_id, limit=limit)
        suggestions = similar_past.suggestions_with_evidence(routing.current_record(db_session, item_id), found)
        return SimilarPastReportOut(
            items=[
                SimilarPastOut(
                    p.item_id,
                    p.session_label,
                    p.number,
                    p.title,
                    p.score,
                    list(p.shared_terms),
                    p.lead,
                    p.overridden,
                    p.override_reason,
                    p.result_class,
                    p.result_label,
                    p.satisfaction,
                    p.satisfaction_label,
                )
                for p in found
            ],
            suggestions=[SuggestionOut(s.department, round(s.score, 4), list(s.shared_terms)) for s in suggestions],
        )

    @get(
        "/assignments/{assignment_id:int}/past-replies",
        summary="The department's own sent replies to items similar to this assignment's item",
        guards=[replying],
        sync_to_thread=True,
    )
    def past(
        self, request: Request, db_session: DbSession, assignment_id: FromPath[int], limit: FromQuery[int] = 5
    ) -> list[PastReplyOut]:
        """Errors: 404 an assignment of another department (or none), 422 limit outside 1..20."""
        return [
            PastReplyOut(
                p.reply_id,
                p.item_id,
                p.session_label,
                p.number,
                p.title,
                p.score,
                list(p.shared_terms),
                p.result_class,
                p.result_label,
                p.satisfaction,
                p.satisfaction_label,
                p.excerpt,
            )
            for p in past_replies.past_replies(db_session, request.user, assignment_id, limit=limit)
        ]

    @get(
        "/assignments/{assignment_id:int}/past-replies/{reply_id:int}",
        summary="This assignment's draft beside one of the department's own past replies",
        guards=[replying],
        sync_to_thread=True,
    )
    def pair(
        self, request: Request, db_session: DbSession, assignment_id: FromPath[int], reply_id: FromPath[int]
    ) -> SideBySideOut:
        """Errors: 404 an assignment or reply of another department (or none)."""
        pair = past_replies.side_by_side(db_session, request.user, assignment_id, reply_id)
        return SideBySideOut(
            assignment_id=pair.assignment.id,
            item_id=pair.item.id,
            draft_body=pair.draft.body if pair.draft else None,
            draft_result_class=pair.draft.result_class if pair.draft else None,
            past_reply_id=pair.past.id,
            past_item_id=pair.past_item.id,
            past_session=pair.past_session_label,
            past_title=pair.past_item.title,
            past_body=pair.past.body,
            past_result_class=pair.past.result_class,
            past_result_label=pair.past_result_label,
        )


route_handlers = [PastReplyPages, MemoryApi]
