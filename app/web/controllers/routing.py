"""Routing: the office's review page (proposals, explanations, bulk accept, override, deadline,
key flag, assignment) and the JSON API for the same."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, overload
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Redirect, Template
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import CongressSession, Item
from app.db.models.routing import RoutingRecord
from app.domain.dates import DateOutOfRange, check_day
from app.domain.enums import OFFICE_ROLES
from app.domain.routing.decision import Decision
from app.domain.text import N_
from app.i18n import _
from app.services import audit, duplicates, routing
from app.services import departments as department_service
from app.services.access import require_office
from app.services.actor import Actor
from app.services.errors import NotFound, Problem, UserError, ValidationFailed
from app.services.listing import parse
from app.services.routing import review_list, similar_past
from app.services.routing.review_list import REVIEW_SPEC
from app.services.routing.rulesets import current_profile
from app.services.routing.text import (
    conflict_text,
    department_label,
    departments_label,
    reason_text,
    summary,
    why_lost_text,
)
from app.web import forms
from app.web.deps import DbSession, FormData
from app.web.errors import out_of_range_problem
from app.web.flash import flash_redirect
from app.web.guards import office_only
from app.web.listing import parse_query, raw_query
from app.web.listing import view as list_view
from app.web.nav import NavEntry
from app.web.params import form_id
from app.web.versions import VersionOut, changed_versions

NAV = [NavEntry(N_("Routing"), "/routing", frozenset(OFFICE_ROLES), order=20)]

ACTION_LABELS = {
    "routing_propose": N_("proposal made"),
    "routing_accept": N_("proposal accepted"),
    "routing_override": N_("overridden"),
    "routing_deadline": N_("reply deadline set"),
    "routing_key": N_("key supervision changed"),
    "assign": N_("assigned"),
}
ROUTING_ACTIONS = tuple(ACTION_LABELS)


def _ids(value: Any) -> list[int]:
    values = value if isinstance(value, list) else [value] if value else []
    ids = [form_id(v) for v in values]
    if None in ids:
        raise ValidationFailed(_("Please check the form."), [Problem("item_ids", _("not a number"), values)])
    return [i for i in ids if i is not None]


def _day(value: Any, field_name: str) -> date | None:
    if not value:
        return None
    try:
        return check_day(date.fromisoformat(str(value)), field_name)
    except DateOutOfRange as exc:
        raise ValidationFailed(_("Please check the form."), [out_of_range_problem(exc)]) from None
    except ValueError:
        raise ValidationFailed(
            _("Please check the form."), [Problem(field_name, _("not a date such as 2026-09-28"), value)]
        ) from None


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [v for v in (str(x).strip() for x in values) if v]


def _session_or_404(db_session: Session, session_id: int) -> CongressSession:
    found = db_session.get(CongressSession, session_id)
    if found is None:
        raise NotFound(_("No such session."))
    return found


def _sessions(db_session: Session) -> list[tuple[CongressSession, int]]:
    counts = dict(db_session.execute(select(Item.session_id, func.count(Item.id)).group_by(Item.session_id)).all())
    sessions = db_session.scalars(select(CongressSession).order_by(CongressSession.year.desc(), CongressSession.label))
    return [(s, counts.get(s.id, 0)) for s in sessions]


def _rows(db_session: Session, congress: CongressSession) -> list[dict]:
    items = list(db_session.scalars(select(Item).where(Item.session_id == congress.id).order_by(Item.number, Item.id)))
    records = routing.current_records(db_session, [i.id for i in items])
    return [{"item": item, "record": records.get(item.id)} for item in items]


def _review_context(db_session: Session, request: Request, congress: CongressSession) -> dict[str, Any]:
    """The review list of one session: tab, unit, search and page from the URL (the list mechanism)."""
    query = parse_query(request.query_params, REVIEW_SPEC)
    result = review_list.review_page(db_session, congress.id, query)
    page_view = list_view(result, "/routing", [("session", str(congress.id))])
    return {
        "rows": [{"item": item, "record": record} for item, record in result.rows],
        "view": page_view,
        "query": query,
        "tab": query.get("tab", "all"),
        "tabs": review_list.TABS,
        "tab_counts": review_list.tab_counts(db_session, congress.id, query),
        "units": department_service.active_departments(db_session),
        "duplicate_counts": duplicates.open_counts(db_session, [item.id for item, _record in result.rows]),
    }


def _choice(record: RoutingRecord | None) -> dict:
    if record is None:
        return {}
    return {
        "mode": record.mode,
        "lead": record.lead_code,
        "co": record.co_codes,
        "split": record.split_codes,
        "reference": record.reference_codes,
        "key_supervision": record.key_supervision,
    }


def _helpers() -> dict:
    profile = current_profile()
    return {
        "profile": profile,
        "summary": lambda choice: summary(profile, choice),
        "dept": lambda code: department_label(profile, code),
        "depts": lambda codes: departments_label(profile, codes),
        "reason_text": lambda reason: reason_text(profile, reason),
        "conflict_text": lambda conflict: conflict_text(profile, conflict),
        "why_lost_text": why_lost_text,
        "choice": _choice,
        "STATUS_LABELS": routing.STATUS_LABELS,
        "ACTION_LABELS": ACTION_LABELS,
        "MODE_LABELS": routing.MODE_LABELS,
    }


def _back(request: Request, db_session: Session, session_id: int | None, message: str) -> Redirect:
    """Back to the review page with a notice from the server session (never text in the URL)."""
    query = {"session": session_id} if session_id else {}
    return flash_redirect(request, db_session, "/routing" + ("?" + urlencode(query) if query else ""), message)


class RoutingPages(Controller):
    path = "/routing"
    include_in_schema = False
    guards = [office_only]

    @get("/", sync_to_thread=True)
    def index(
        self,
        request: Request,
        db_session: DbSession,
        session: FromQuery[int | None] = None,
        page: FromQuery[int | None] = None,
        per_page: FromQuery[int | None] = None,
    ) -> Template:
        context: dict[str, Any] = {
            "sessions": _sessions(db_session),
            "selected": None,
            "rows": [],
            "dry_run": None,
            "done": None,  # notices come from the server session (base.html)
            "error": None,
            "active": routing.active_version(db_session, current_profile()),
            **_helpers(),
        }
        if session:
            congress = _session_or_404(db_session, session)
            context.update(selected=congress, **_review_context(db_session, request, congress))
        return Template("routing/index.html", context=context)

    @post("/run", sync_to_thread=True)
    def run(
        self,
        request: Request,
        db_session: DbSession,
        data: FormData,
    ) -> Template | Redirect:
        congress = _session_or_404(db_session, form_id(data.get("session_id")) or 0)
        dry_run = data.get("dry_run") == "1"
        report = routing.route_session(db_session, request.user, congress.label, dry_run=dry_run)
        if not dry_run:
            routed = report.count(action="routed") + report.count(action="rerouted")
            return _back(request, db_session, congress.id, _("%(count)s items routed.", count=routed))
        return Template(
            "routing/index.html",
            context={
                "sessions": _sessions(db_session),
                "selected": congress,
                **_review_context(db_session, request, congress),
                "dry_run": report,
                "done": None,
                "error": None,
                "active": routing.active_version(db_session, current_profile()),
                **_helpers(),
            },
        )

    @post("/accept", sync_to_thread=True)
    def accept(
        self,
        request: Request,
        db_session: DbSession,
        data: FormData,
    ) -> Redirect:
        session_id = form_id(data.get("session_id"))
        if data.get("all_matching") in ("1", "true", "on") and session_id:
            filters = parse(raw_query(data), REVIEW_SPEC).filters
            ids = review_list.matching_ids(db_session, session_id, filters)
        else:
            ids = _ids(data.get("item_ids"))
        if data.get("do") == "assign":
            result = routing.assign_many(db_session, request.user, ids)
            message = _(
                "%(done)s assigned, %(skipped)s not assigned.", done=len(result.done), skipped=len(result.skipped)
            )
        else:
            result = routing.accept(db_session, request.user, ids)
            message = _("%(done)s accepted, %(skipped)s skipped.", done=len(result.done), skipped=len(result.skipped))
        return _back(request, db_session, session_id, message)

    @get("/items/{item_id:int}", sync_to_thread=True)
    def item_page(
        self,
        request: Request,
        db_session: DbSession,
        item_id: FromPath[int],
    ) -> Template:
        return Template("routing/item.html", context=self._item_context(db_session, item_id, request.user))

    def _item_context(self, db_session: Session, item_id: int, actor: Actor) -> dict[str, Any]:
        item = db_session.get(Item, item_id)
        if item is None:
            raise NotFound(_("No such item."))
        record = routing.current_record(db_session, item_id)
        history = audit.history(db_session, "item", item_id, actions=ROUTING_ACTIONS)
        departments = department_service.active_departments(db_session)
        return {
            "item": item,
            "record": record,
            "history": history,
            "departments": departments,
            "error": None,
            "errors": {},
            "problems": [],
            "form": {},
            "submitted": None,
            "merge_suggestions": duplicates.suggestions_for_item(db_session, actor, item_id),
            **_helpers(),
            **similar_past.page_context(db_session, actor, item_id, record),  # templates/routing/_similar.html
        }

    def _item_action(
        self, request: Request, db_session: Session, item_id: int, action, data: dict, form_name: str
    ) -> Template | Redirect:
        """Success: 303 back to the page with a notice; refusal: the page again with the form as typed."""
        try:
            message = action()
        except UserError as exc:
            return forms.rerender(
                db_session,
                exc,
                "routing/item.html",
                lambda: self._item_context(db_session, item_id, request.user),
                data,
                page_url=f"/routing/items/{item_id}",
                submitted=form_name,
            )
        return flash_redirect(request, db_session, f"/routing/items/{item_id}", message)

    @post("/items/{item_id:int}/override", sync_to_thread=True)
    def override(
        self,
        request: Request,
        db_session: DbSession,
        item_id: FromPath[int],
        data: FormData,
    ) -> Template | Redirect:
        def act() -> str:
            routing.override(
                db_session,
                request.user,
                item_id,
                mode=str(data.get("mode", "")),
                lead=str(data.get("lead") or "") or None,
                co=_list(data.get("co")),
                split=_list(data.get("split")),
                reference=_list(data.get("reference")),
                key_supervision=data.get("key_supervision") == "1",
                reason=str(data.get("reason", "")),
            )
            return _("Override saved.")

        return self._item_action(request, db_session, item_id, act, data, "override")

    @post("/items/{item_id:int}/accept", sync_to_thread=True)
    def accept_one(self, request: Request, db_session: DbSession, item_id: FromPath[int]) -> Template | Redirect:
        def act() -> str:
            result = routing.accept(db_session, request.user, [item_id])
            if not result.done:
                raise UserError(result.skipped.get(item_id, _("Nothing to accept.")))
            return _("Proposal accepted.")

        return self._item_action(request, db_session, item_id, act, {}, "accept")

    @post("/items/{item_id:int}/deadline", sync_to_thread=True)
    def deadline(
        self,
        request: Request,
        db_session: DbSession,
        item_id: FromPath[int],
        data: FormData,
    ) -> Template | Redirect:
        def act() -> str:
            due = _day(data.get("due_on"), "due_on")
            routing.set_reply_deadline(db_session, request.user, item_id, due, str(data.get("due_reason", "")))
            return _("Reply deadline saved.")

        return self._item_action(request, db_session, item_id, act, data, "deadline")

    @post("/items/{item_id:int}/key", sync_to_thread=True)
    def key(
        self,
        request: Request,
        db_session: DbSession,
        item_id: FromPath[int],
        data: FormData,
    ) -> Template | Redirect:
        def act() -> str:
            routing.set_key_supervision(db_session, request.user, item_id, data.get("key_supervision") == "1")
            return _("Key supervision saved.")

        return self._item_action(request, db_session, item_id, act, data, "key")

    @post("/items/{item_id:int}/assign", sync_to_thread=True)
    def assign(
        self,
        request: Request,
        db_session: DbSession,
        item_id: FromPath[int],
        data: FormData,
    ) -> Template | Redirect:
        def act() -> str:
            routing.assign(db_session, request.user, item_id, assigned_on=_day(data.get("assigned_on"), "assigned_on"))
            return _("Assigned.")

        return self._item_action(request, db_session, item_id, act, data, "assign")

    @post("/items/{item_id:int}/reroute", sync_to_thread=True)
    def reroute(
        self,
        request: Request,
        db_session: DbSession,
        item_id: FromPath[int],
        data: FormData,
    ) -> Template | Redirect:
        def act() -> str:
            routing.reroute_item(
                db_session,
                request.user,
                item_id,
                reassign=data.get("reassign") == "1",
                reason=str(data.get("reason", "")),
            )
            return _("Routed again.")

        return self._item_action(request, db_session, item_id, act, data, "reroute")


# --------------------------------------------------------------------------- API


@dataclass
class RouteRequest:
    session: str  # session label
    dry_run: bool = False


@dataclass
class ExplainRequest:
    title: str
    content: str = ""
    category: str | None = None
    kind: str | None = None


@dataclass
class ItemIds:
    item_ids: list[int]


@dataclass
class OverrideRequest:
    mode: str
    reason: str
    lead: str | None = None
    co: list[str] = field(default_factory=list)
    split: list[str] = field(default_factory=list)
    reference: list[str] = field(default_factory=list)
    key_supervision: bool | None = None


@dataclass
class DeadlineRequest:
    due_on: date | None
    reason: str = ""


@dataclass
class KeyRequest:
    key_supervision: bool


@dataclass
class AssignRequest:
    assigned_on: date | None = None
    expected_version: int | None = None


@dataclass
class RerouteRequest:
    reassign: bool = False
    reason: str = ""


@dataclass
class RoutingRecordOut:
    id: int
    item_id: int
    status: str  # proposed | manual | accepted | overridden | assigned
    rule_set: str  # content hash of the rule-set version
    mode: str | None  # lead | split | reference
    lead: str | None
    co: list[str]
    split: list[str]
    reference: list[str]
    key_supervision: bool
    has_conflicts: bool
    override_reason: str | None
    reply_due_on: str | None  # ISO date
    reply_due_reason: str | None
    created_at: str  # ISO timestamp
    decided_by: str | None
    assigned_at: str | None
    proposal: dict[str, Any]  # matches, reasons, losing rules, conflicts, suggestions


@dataclass
class RoutingRecordWriteOut(RoutingRecordOut):
    changed: list[VersionOut] = field(default_factory=list)  # new version of every item/assignment changed


def _record_after(session: Session, record: RoutingRecord) -> RoutingRecordWriteOut:
    return RoutingRecordWriteOut(**vars(_record_out(record)), changed=changed_versions(session))


@overload
def _record_out(record: RoutingRecord) -> RoutingRecordOut: ...
@overload
def _record_out(record: None) -> None: ...
def _record_out(record: RoutingRecord | None) -> RoutingRecordOut | None:
    if record is None:
        return None
    return RoutingRecordOut(
        id=record.id,
        item_id=record.item_id,
        status=record.status,
        rule_set=record.rule_set.content_hash,
        mode=record.mode,
        lead=record.lead_code,
        co=list(record.co_codes),
        split=list(record.split_codes),
        reference=list(record.reference_codes),
        key_supervision=record.key_supervision,
        has_conflicts=record.has_conflicts,
        override_reason=record.override_reason,
        reply_due_on=record.reply_due_on.isoformat() if record.reply_due_on else None,
        reply_due_reason=record.reply_due_reason,
        created_at=record.created_at.isoformat(),
        decided_by=record.decided_by_name,
        assigned_at=record.assigned_at.isoformat() if record.assigned_at else None,
        proposal=record.proposal,
    )


@dataclass
class BulkOut:
    done: list[int]  # item ids
    skipped: dict[str, str]  # item id -> why
    changed: list[VersionOut] = field(default_factory=list)  # new version of every item/assignment changed


def _bulk_out(result: routing.BulkResult, session: Session) -> BulkOut:
    return BulkOut(
        done=list(result.done),
        skipped={str(k): v for k, v in result.skipped.items()},
        changed=changed_versions(session),
    )


@dataclass
class RuleSetOut:
    id: int
    content_hash: str
    rules: int
    source: str
    loaded_by: str
    loaded_at: str
    active: bool


@dataclass
class ProposalRowOut:
    item_id: int
    number: str
    title: str
    state: str
    record: RoutingRecordOut | None


@dataclass
class ReviewRowOut:
    item_id: int
    number: str
    title: str
    state: str
    conflict: bool  # conflicting rules, and nobody has decided yet
    record: RoutingRecordOut | None


@dataclass
class ReviewOut:
    total: int
    page: int
    per_page: int
    pages: int
    sort: str
    dir: str
    tab_counts: dict[str, int]
    rows: list[ReviewRowOut]


@dataclass
class ItemRoutingOut:
    item_id: int
    record: RoutingRecordOut | None
    explanation: dict[str, Any] | None  # matches with reasons_text, conflicts_text, summary


@dataclass
class DecisionOut:
    """A routing decision with the reasons for it (app.domain.routing.decision.Decision)."""

    status: str  # proposed | manual
    mode: str | None
    lead: str | None
    co: list[str]
    split: list[str]
    reference: list[str]
    key_supervision: bool
    winner: str | None
    matches: list[dict[str, Any]]
    losing: list[dict[str, Any]]
    conflicts: list[dict[str, Any]]
    suggestions: list[dict[str, Any]]


@dataclass
class ExplainOut(DecisionOut):
    rule_set: str = ""  # content hash of the rule-set version used


@dataclass
class RoutedItemOut:
    item_id: int
    number: str
    title: str
    action: str  # routed | rerouted | kept | skipped | would_route
    proposal: DecisionOut


@dataclass
class RouteReportOut:
    session: str
    rule_set: str
    dry_run: bool
    refused_rule_file: list[dict[str, Any]]  # problems of a changed rule file that was refused
    items: list[RoutedItemOut]
    changed: list[VersionOut] = field(default_factory=list)  # new version of every item/assignment changed


def _decision_out(decision: Decision) -> DecisionOut:
    return DecisionOut(**decision.as_dict())


def _report_out(report: routing.RouteReport) -> RouteReportOut:
    return RouteReportOut(
        session=report.session_label,
        rule_set=report.rule_set_hash,
        dry_run=report.dry_run,
        refused_rule_file=[p.as_dict() for p in report.refused_file_problems],
        items=[
            RoutedItemOut(o.item_id, o.number, o.title, o.action, _decision_out(o.decision)) for o in report.outcomes
        ],
    )


@dataclass
class AssignedOut:
    id: int
    department: str
    role: str
    state: str
    assigned_on: str
    due_on: str | None
    version: int


@dataclass
class AssignOut:
    item_id: int
    item_version: int | None  # the item's new version (None only if nothing was assigned)
    assignments: list[AssignedOut]
    changed: list[VersionOut] = field(default_factory=list)  # new version of every item/assignment changed


class RoutingApi(Controller):
    path = "/api/routing"
    tags = ["routing"]
    guards = [office_only]

    @get("/rule-sets", summary="Routing rule-set versions (newest first)", sync_to_thread=True)
    def rule_sets(self, db_session: DbSession) -> list[RuleSetOut]:
        return [
            RuleSetOut(
                id=v.id,
                content_hash=v.content_hash,
                rules=v.rule_count,
                source=v.source,
                loaded_by=v.loaded_by_name,
                loaded_at=v.loaded_at.isoformat(),
                active=v.active,
            )
            for v in routing.versions(db_session)
        ]

    @post("/route", summary="Route a session's registered items (or try it with dry_run)", sync_to_thread=True)
    def route(self, request: Request, db_session: DbSession, data: JSONBody[RouteRequest]) -> RouteReportOut:
        """Errors: 404 unknown session, 403 not office, 422 broken rule file with no previous version."""
        report = routing.route_session(db_session, request.user, data.session, dry_run=data.dry_run)
        out = _report_out(report)
        if not data.dry_run:
            out.changed = changed_versions(db_session)
        return out

    @get(
        "/sessions/{session_id:int}/proposals",
        summary="Current routing records of a session's items",
        sync_to_thread=True,
    )
    def proposals(self, db_session: DbSession, session_id: FromPath[int]) -> list[ProposalRowOut]:
        congress = _session_or_404(db_session, session_id)
        return [
            ProposalRowOut(
                item_id=row["item"].id,
                number=row["item"].number,
                title=row["item"].title,
                state=row["item"].state,
                record=_record_out(row["record"]),
            )
            for row in _rows(db_session, congress)
        ]

    @get(
        "/sessions/{session_id:int}/review",
        summary="The routing review of a session: tab, unit, search, sort and paging as on /routing",
        sync_to_thread=True,
    )
    def review(
        self,
        request: Request,
        db_session: DbSession,
        session_id: FromPath[int],
        tab: Annotated[
            str | None,
            QueryParameter(description="all | pending | conflict | unmatched | decided | duplicates", required=False),
        ] = None,
        unit: Annotated[
            str | None, QueryParameter(description="department code proposed as lead, co or split unit", required=False)
        ] = None,
        q: Annotated[
            str | None, QueryParameter(description="text in the number, title or content", required=False)
        ] = None,
        sort: Annotated[
            str | None, QueryParameter(description="number | title | status | state", required=False)
        ] = None,
        direction: Annotated[str | None, QueryParameter(name="dir", description="asc | desc", required=False)] = None,
        page: Annotated[int | None, QueryParameter(description="1 .. 2^31-1", required=False)] = None,
        per_page: Annotated[int | None, QueryParameter(description="1 .. 200, default 50", required=False)] = None,
    ) -> ReviewOut:
        congress = _session_or_404(db_session, session_id)
        query = parse_query(request.query_params, REVIEW_SPEC)
        result = review_list.review_page(db_session, congress.id, query)
        facts = result.as_dict()
        return ReviewOut(
            total=facts["total"],
            page=facts["page"],
            per_page=facts["per_page"],
            pages=facts["pages"],
            sort=facts["sort"],
            dir=facts["dir"],
            tab_counts=review_list.tab_counts(db_session, congress.id, query),
            rows=[
                ReviewRowOut(
                    item_id=item.id,
                    number=item.number,
                    title=item.title,
                    state=item.state,
                    conflict=bool(record and record.has_conflicts and record.status in review_list.UNDECIDED),
                    record=_record_out(record),
                )
                for item, record in result.rows
            ],
        )

    @get("/items/{item_id:int}", summary="An item's routing record with its explanation", sync_to_thread=True)
    def item(self, request: Request, db_session: DbSession, item_id: FromPath[int]) -> ItemRoutingOut:
        require_office(request.user)
        if db_session.get(Item, item_id) is None:
            raise NotFound(_("No such item."))
        record = routing.current_record(db_session, item_id)
        profile = current_profile()
        explanation = None
        if record is not None:
            proposal = record.proposal
            explanation = {
                "matches": [
                    {**m, "reasons_text": [reason_text(profile, r) for r in m["reasons"]]} for m in proposal["matches"]
                ],
                "conflicts_text": [conflict_text(profile, c) for c in proposal["conflicts"]],
                "summary": summary(profile, _choice(record)),
            }
        return ItemRoutingOut(item_id=item_id, record=_record_out(record), explanation=explanation)

    @post("/explain", summary="Route a title without storing anything", sync_to_thread=True)
    def explain(self, request: Request, db_session: DbSession, data: JSONBody[ExplainRequest]) -> ExplainOut:
        decision, digest = routing.explain_title(
            db_session, request.user, data.title, content=data.content, category=data.category, kind=data.kind
        )
        return ExplainOut(**decision.as_dict(), rule_set=digest)

    @post("/accept", summary="Accept proposals in bulk", sync_to_thread=True)
    def accept(self, request: Request, db_session: DbSession, data: JSONBody[ItemIds]) -> BulkOut:
        return _bulk_out(routing.accept(db_session, request.user, data.item_ids), db_session)

    @post("/assign", summary="Assign (交办) items whose proposal was accepted or overridden", sync_to_thread=True)
    def assign_many(self, request: Request, db_session: DbSession, data: JSONBody[ItemIds]) -> BulkOut:
        return _bulk_out(routing.assign_many(db_session, request.user, data.item_ids), db_session)

    @post(
        "/items/{item_id:int}/override", summary="Override the proposal (reason required, audited)", sync_to_thread=True
    )
    def override(
        self, request: Request, db_session: DbSession, item_id: FromPath[int], data: JSONBody[OverrideRequest]
    ) -> RoutingRecordWriteOut:
        record = routing.override(
            db_session,
            request.user,
            item_id,
            mode=data.mode,
            lead=data.lead,
            co=data.co,
            split=data.split,
            reference=data.reference,
            key_supervision=data.key_supervision,
            reason=data.reason,
        )
        return _record_after(db_session, record)

    @post(
        "/items/{item_id:int}/deadline",
        summary="Set the reply deadline instead of the computed one",
        sync_to_thread=True,
    )
    def deadline(
        self, request: Request, db_session: DbSession, item_id: FromPath[int], data: JSONBody[DeadlineRequest]
    ) -> RoutingRecordWriteOut:
        return _record_after(
            db_session, routing.set_reply_deadline(db_session, request.user, item_id, data.due_on, data.reason)
        )

    @post("/items/{item_id:int}/key", summary="Set or clear the key-supervision flag", sync_to_thread=True)
    def key(
        self, request: Request, db_session: DbSession, item_id: FromPath[int], data: JSONBody[KeyRequest]
    ) -> RoutingRecordWriteOut:
        return _record_after(
            db_session, routing.set_key_supervision(db_session, request.user, item_id, data.key_supervision)
        )

    @post("/items/{item_id:int}/assign", summary="Assign (交办) one item", sync_to_thread=True)
    def assign(
        self, request: Request, db_session: DbSession, item_id: FromPath[int], data: JSONBody[AssignRequest]
    ) -> AssignOut:
        created = routing.assign(
            db_session, request.user, item_id, assigned_on=data.assigned_on, expected_version=data.expected_version
        )
        db_session.flush()  # the versions below are the ones committed
        return AssignOut(
            item_id=item_id,
            item_version=created[0].item.version if created else None,
            assignments=[
                AssignedOut(
                    id=a.id,
                    department=a.department.code,
                    role=a.role,
                    state=a.state,
                    assigned_on=a.assigned_on.isoformat(),
                    due_on=a.due_on.isoformat() if a.due_on else None,
                    version=a.version,
                )
                for a in created
            ],
            changed=changed_versions(db_session),
        )

    @post(
        "/items/{item_id:int}/reroute",
        summary="Route one item again (assigned items only when reassigning)",
        sync_to_thread=True,
    )
    def reroute(
        self, request: Request, db_session: DbSession, item_id: FromPath[int], data: JSONBody[RerouteRequest]
    ) -> RoutingRecordWriteOut:
        return _record_after(
            db_session,
            routing.reroute_item(db_session, request.user, item_id, reassign=data.reassign, reason=data.reason),
        )


route_handlers = [RoutingPages, RoutingApi]
