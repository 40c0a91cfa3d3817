"""Deadlines, calendar and supervision: pages (board, calendar, an assignment's deadlines) and the JSON API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.concurrency import sync_to_thread
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import office_today
from app.db.models import Department, Item
from app.db.models.deadlines import CalendarYearRecord, DeadlineRecord, ExtensionRequest
from app.db.models.deadlines import Reminder as ReminderRecord
from app.domain.calendar import CalendarError, DayKind
from app.domain.calendar_file import year_document
from app.domain.dates import DateOutOfRange, check_day, check_period
from app.domain.deadlines import Deadline, compute_deadline, explain
from app.domain.enums import OFFICE_ROLES, Role
from app.domain.profile import Period
from app.domain.text import N_
from app.i18n import _, get_locale
from app.rules.calendars import library_year_range, parse_year_text
from app.services import context
from app.services import deadlines as deadline_service
from app.services import departments as department_service
from app.services.access import get_assignment_for
from app.services.errors import Problem, UserError, ValidationFailed
from app.services.supervision import run_supervision
from app.services.supervision_board import BOARD_SPEC, SECTIONS, SORT_KEYS, board_page, build_board, recent_moves
from app.web import forms
from app.web.deps import DbSession, FormData
from app.web.errors import out_of_range_problem
from app.web.flash import flash_redirect
from app.web.guards import department_or_office, logged_in, office_admin_only, office_only, roles
from app.web.listing import parse_query, view
from app.web.nav import NavEntry
from app.web.versions import VersionOut, changed_versions

NAV = [
    NavEntry(N_("Supervision"), "/supervision", frozenset({*OFFICE_ROLES, Role.LEADER_READONLY}), order=40),
    NavEntry(N_("Calendar"), "/calendar", order=70),
]

office_or_leader = roles(*OFFICE_ROLES, Role.LEADER_READONLY)

SECTION_LABELS = {
    "due_this_week": N_("Due this week"),
    "overdue": N_("Overdue"),
    "key_items": N_("Key-supervision items"),
    "co_opinions_late": N_("Co-handler opinions late"),
    "feedback_missing": N_("Feedback not received"),
}
RULE_LABELS = {
    "reply": N_("Reply"),
    "reply_max": N_("Longest reply deadline"),
    "co_opinion": N_("Co-handler opinion"),
    "reassignment_window": N_("Reassignment request window"),
    "reassignment_answer": N_("Answer to reassignment request"),
    "rehandling_reply": N_("Re-handling reply"),
    "feedback": N_("Feedback"),
    "publication": N_("Publication"),
}

SORT_LABELS = {
    "due": N_("due date"),
    "department": N_("department"),
    "item": N_("item number"),
    "overdue": N_("days overdue"),
}
SOURCE_LABELS = {
    "library": N_("official schedule (chinesecalendar)"),
    "office": N_("entered by the office"),
    "library+office": N_("official schedule with office entries"),
    "fallback": N_("no schedule: Monday to Friday assumed"),
}
STATUS_LABELS = {
    "open": N_("open"),
    "closed": N_("closed"),
    "requested": N_("requested"),
    "approved": N_("approved"),
    "rejected": N_("rejected"),
}
OUTCOME_LABELS = {
    "warn_department": N_("department warned"),
    "escalate_office": N_("escalated to the office"),
    "flag_leader": N_("flagged to the leader"),
}
LABELS = {
    "sort": SORT_LABELS,
    "source": SOURCE_LABELS,
    "status": STATUS_LABELS,
    "outcome": OUTCOME_LABELS,
    "rule": RULE_LABELS,
}

YEAR_TEMPLATE = """year = {year}
note = "国务院办公厅关于{year}年部分节假日安排的通知"

[[holiday]]
name = "元旦"
from = {year}-01-01
to = {year}-01-01

[[makeup_workday]]
date = {year}-02-06
for = "春节"
"""


def _lang() -> str:
    return "zh" if get_locale() == "zh_CN" else "en"


def _parse_day(value: str | None, field: str, default: date | None = None) -> date:
    if not value:
        if default is None:
            raise ValidationFailed(_("Please check the form."), [Problem(field, _("required"))])
        return default
    try:
        return check_day(date.fromisoformat(value), field)
    except DateOutOfRange as exc:
        raise ValidationFailed(_("Please check the form."), [out_of_range_problem(exc)]) from None
    except ValueError:
        raise ValidationFailed(
            _("Please check the form."), [Problem(field, _("not a date such as 2026-09-28"), value)]
        ) from None


def _profile_name() -> str:
    return context.current().profile_name


@dataclass
class PeriodOut:
    amount: int
    unit: str  # months | working_days | days


@dataclass
class TextOut:
    zh: list[str]
    en: list[str]


@dataclass
class DeadlineOut:
    id: int
    assignment_id: int
    item_id: int
    rule: str
    status: str  # open | closed
    start: str  # ISO dates below
    period: PeriodOut
    computed_due: str
    due: str
    override: str | None  # extension | edit
    override_reason: str | None
    calendar_warning: bool
    met_on: str | None
    explanation: dict[str, Any]  # Deadline.to_dict()
    explanation_text: TextOut


def _deadline_out(record: DeadlineRecord) -> DeadlineOut:
    return DeadlineOut(
        id=record.id,
        assignment_id=record.assignment_id,
        item_id=record.item_id,
        rule=record.rule,
        status=record.status,
        start=record.start_on.isoformat(),
        period=PeriodOut(record.period_amount, record.period_unit),
        computed_due=record.computed_due.isoformat(),
        due=record.due_on.isoformat(),
        override=record.override_kind,
        override_reason=record.override_reason,
        calendar_warning=record.has_warning,
        met_on=record.met_on.isoformat() if record.met_on else None,
        explanation=record.explanation,
        explanation_text=TextOut(explain_dict(record.explanation, "zh"), explain_dict(record.explanation, "en")),
    )


@dataclass
class DeadlineEditOut(DeadlineOut):
    changed: list[VersionOut] = field(default_factory=list)  # new version of every item/assignment changed


@dataclass
class DueOut:
    due: str
    explanation: dict[str, Any]  # Deadline.to_dict()
    text: TextOut


@dataclass
class YearOut:
    source: dict[str, Any]  # library | office | library+office | fallback, with origins and fingerprint
    days: list[dict[str, Any]]


@dataclass
class LoadedYearOut:
    year: int
    document: dict[str, Any]  # the schedule in the calendar file format
    recompute: dict[str, Any] | None  # deadlines examined, recomputed and moved
    changed: list[VersionOut] = field(default_factory=list)  # new version of every item/assignment changed


@dataclass
class ExtensionOut:
    id: int
    status: str  # requested | approved | rejected
    requested_due: str
    changed: list[VersionOut] = field(default_factory=list)  # new version of every item/assignment changed


@dataclass
class ExtensionDecisionOut:
    id: int
    status: str
    deadline: DeadlineOut
    changed: list[VersionOut] = field(default_factory=list)  # new version of every item/assignment changed


@dataclass
class SupervisionRunOut:
    day: str
    rules_version: str
    evaluated: int
    matched: int
    new: int
    already_recorded: int
    digests: list[dict[str, Any]]  # per department / office / leader, with their reminders
    recompute: dict[str, Any] | None
    mailed: list[dict[str, Any]]
    not_mailed: list[str]
    changed: list[VersionOut] = field(default_factory=list)  # new version of every item/assignment changed


def explain_dict(explanation: dict, lang: str) -> list[str]:
    return explain(Deadline.from_dict(explanation), lang)


def _calendar_years(session: Session) -> list[dict[str, Any]]:
    """Every year worth showing: the library's, the office's, and the next one (usually missing)."""
    calendar = deadline_service.current_calendar(session, _profile_name())
    first, last = library_year_range()
    today = office_today()
    years = sorted(set(calendar.years_with_data) | {today.year, today.year + 1}, reverse=True)
    return [
        {"year": y, "source": calendar.year_source(y), "days": len(calendar.year_entries(y))}
        for y in years
        if y >= min(first + 15, today.year - 3)  # recent years first; older library years stay available via ?year=
    ]


def _calendar_context(session: Session, year: int, **extra: Any) -> dict[str, Any]:
    calendar = deadline_service.current_calendar(session, _profile_name())
    stored = session.scalar(
        select(CalendarYearRecord).where(CalendarYearRecord.profile == _profile_name(), CalendarYearRecord.year == year)
    )
    context = {
        "year": year,
        "years": _calendar_years(session),
        "source": calendar.year_source(year),
        "days": calendar.year_entries(year),
        "DayKind": DayKind,
        "labels": LABELS,
        "stored": stored,
        "template_text": YEAR_TEMPLATE.format(year=year),
        "report": None,
        "error": None,
        "problems": [],
        "form_text": "",
    }
    context.update(extra)
    return context


# --------------------------------------------------------------------------- pages


@dataclass
class CalendarForm:
    text: str = ""
    file: UploadFile | None = None
    note: str = ""


@dataclass
class ExtensionForm:
    requested_due: str = ""
    reason: str = ""
    version: int | None = None


@dataclass
class DecisionForm:
    decision: str = ""  # approve | reject
    reason: str = ""


@dataclass
class EditForm:
    due_on: str = ""
    reason: str = ""
    version: int | None = None


class DeadlinePages(Controller):
    include_in_schema = False

    @get("/supervision", guards=[office_or_leader], sync_to_thread=True)
    def board_page(
        self,
        request: Request,
        db_session: DbSession,
        day: FromQuery[str | None] = None,
    ) -> Template:
        """Each section's first rows (or one section, paged), filtered by department and text, sorted."""
        today = _parse_day(day, "day", office_today())
        calendar = deadline_service.current_calendar(db_session, _profile_name())
        query = parse_query(request.query_params, BOARD_SPEC)
        shown = board_page(db_session, request.user, today, calendar, query)
        reminders = list(db_session.scalars(select(ReminderRecord).order_by(ReminderRecord.id.desc()).limit(20)))
        sort = query.sort
        return Template(
            "deadlines/board.html",
            context={
                "board": shown.board,
                "counts": shown.counts,
                "view": view(shown.page, "/supervision", [("day", today.isoformat())]),
                "query": query,
                "departments": department_service.all_departments(db_session),
                "sections": [query.get("section")] if query.get("section") else SECTIONS,
                "all_sections": SECTIONS,
                "section_labels": SECTION_LABELS,
                "rule_labels": RULE_LABELS,
                "labels": LABELS,
                "sort": sort if sort in SORT_KEYS else "due",
                "sort_keys": SORT_KEYS,
                "extensions": deadline_service.pending_extensions(db_session, request.user)
                if request.user.is_office
                else [],
                "reminders": reminders,
                "moves": recent_moves(db_session),
                "ran": None,  # the notice comes from the server session (app/web/flash.py)
                "day": today,
            },
        )

    @post("/supervision/run", guards=[office_only], sync_to_thread=True)
    def run_page(self, request: Request, db_session: DbSession, data: FormData) -> Redirect:
        today = _parse_day(data.get("day"), "day", office_today())
        run = run_supervision(db_session, request.user, profile_name=_profile_name(), today=today)
        message = _("Supervision run: %(n)s new reminders recorded.", n=len(run.new))
        return flash_redirect(request, db_session, f"/supervision?day={today.isoformat()}", message)

    @post("/supervision/extensions/{extension_id:int}", guards=[office_only], sync_to_thread=True)
    def decide_page(
        self,
        request: Request,
        db_session: DbSession,
        extension_id: FromPath[int],
        data: Annotated[DecisionForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Redirect:
        approve = data.decision == "approve"
        deadline_service.decide_extension(
            db_session, request.user, extension_id, approve=approve, reason=data.reason or None
        )
        message = _("Done: %(action)s", action=_("Approve extension") if approve else _("Reject extension"))
        return flash_redirect(request, db_session, "/supervision", message)

    @get("/calendar", guards=[logged_in], sync_to_thread=True)
    def calendar_page(self, db_session: DbSession, year: FromQuery[int | None] = None) -> Template:
        return Template(
            "deadlines/calendar.html", context=_calendar_context(db_session, year or office_today().year + 1)
        )

    @post("/calendar/years", guards=[office_admin_only])
    async def calendar_load_page(
        self,
        request: Request,
        db_session: DbSession,
        data: Annotated[CalendarForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Response:
        text = data.text or ""
        origin = _("entered by %(name)s on the calendar page", name=request.user.username)
        if data.file is not None and data.file.filename:
            raw = await data.file.read()
            text = raw.decode("utf-8-sig", errors="replace")
            origin = _("imported by %(name)s from %(file)s", name=request.user.username, file=data.file.filename)
        return await _load_year(request, db_session, text, origin, data.note)

    @post("/calendar/years/{year:int}/remove", guards=[office_admin_only], sync_to_thread=True)
    def calendar_remove_page(self, request: Request, db_session: DbSession, year: FromPath[int]) -> Template:
        report = deadline_service.remove_calendar_year(db_session, request.user, _profile_name(), year)
        return Template("deadlines/calendar.html", context=_calendar_context(db_session, year, report=report))

    @get("/deadlines/assignments/{assignment_id:int}", guards=[department_or_office], sync_to_thread=True)
    def assignment_page(self, request: Request, db_session: DbSession, assignment_id: FromPath[int]) -> Template:
        return Template("deadlines/assignment.html", context=_assignment_context(db_session, request, assignment_id))

    @post("/deadlines/{deadline_id:int}/extension", guards=[department_or_office], sync_to_thread=True)
    def extension_page(
        self,
        request: Request,
        db_session: DbSession,
        deadline_id: FromPath[int],
        data: Annotated[ExtensionForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response:
        try:
            record = deadline_service.request_extension(
                db_session,
                request.user,
                deadline_id,
                _parse_day(data.requested_due, "requested_due"),
                data.reason,
                expected_version=data.version,
            )
        except UserError as exc:
            return _deadline_refused(db_session, request, deadline_id, exc, data)
        message = _("Extension requested; the office will decide.")
        return flash_redirect(request, db_session, f"/deadlines/assignments/{record.assignment_id}", message)

    @post("/deadlines/{deadline_id:int}/edit", guards=[office_only], sync_to_thread=True)
    def edit_page(
        self,
        request: Request,
        db_session: DbSession,
        deadline_id: FromPath[int],
        data: Annotated[EditForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response:
        try:
            record = deadline_service.edit_deadline(
                db_session,
                request.user,
                deadline_id,
                _parse_day(data.due_on, "due_on"),
                data.reason,
                expected_version=data.version,
            )
        except UserError as exc:
            return _deadline_refused(db_session, request, deadline_id, exc, data)
        return flash_redirect(
            request, db_session, f"/deadlines/assignments/{record.assignment_id}", _("Deadline changed.")
        )


async def _load_year(request: Request, db_session: Session, text: str, origin: str, note: str) -> Response:
    def work() -> Response:
        try:
            data = parse_year_text(text, origin)
        except CalendarError as exc:
            context = _calendar_context(
                db_session,
                office_today().year + 1,
                error=_("The schedule was not loaded."),
                problems=[exc],
                form_text=text,
            )
            return Template("deadlines/calendar.html", context=context, status_code=422)
        report = deadline_service.load_calendar_year(db_session, request.user, _profile_name(), data, note=note)
        return Template("deadlines/calendar.html", context=_calendar_context(db_session, data.year, report=report))

    return await sync_to_thread(work)


def _deadline_refused(db_session: Session, request: Request, deadline_id: int, exc: UserError, data) -> Response:
    """The deadlines page again with the refused form filled in as typed and the message beside the field."""
    record = db_session.get(DeadlineRecord, deadline_id)
    if record is None:
        raise exc
    assignment_id = record.assignment_id
    return forms.rerender(
        db_session,
        exc,
        "deadlines/assignment.html",
        lambda: _assignment_context(db_session, request, assignment_id),
        data,
        labels={"due_on": N_("New deadline")},
        page_url=f"/deadlines/assignments/{assignment_id}",
        submitted=deadline_id,
    )


def _assignment_context(db_session: Session, request: Request, assignment_id: int) -> dict[str, Any]:
    assignment = get_assignment_for(db_session, request.user, assignment_id)
    item = db_session.get(Item, assignment.item_id)
    department = db_session.get(Department, assignment.department_id)
    records = deadline_service.deadlines_of(db_session, [assignment.id])
    extensions = list(
        db_session.scalars(
            select(ExtensionRequest)
            .where(ExtensionRequest.assignment_id == assignment.id)
            .order_by(ExtensionRequest.id.desc())
        )
    )
    return {
        "assignment": assignment,
        "item": item,
        "department": department,
        "records": records,
        "extensions": extensions,
        "rule_labels": RULE_LABELS,
        "labels": LABELS,
        "form": {},
        "errors": {},
        "error": None,
        "problems": [],
        "submitted": None,
    }


# --------------------------------------------------------------------------- API


@dataclass
class CalendarYearIn:
    text: str  # the year's schedule in the calendar file format (TOML)
    note: str = ""


@dataclass
class ExtensionIn:
    requested_due: date
    reason: str
    expected_version: int | None = None


@dataclass
class DecisionIn:
    approve: bool
    reason: str | None = None


@dataclass
class DeadlineEditIn:
    due: date
    reason: str
    expected_version: int | None = None


@dataclass
class SupervisionRunIn:
    day: date | None = None


class DeadlineApi(Controller):
    path = "/api"
    tags = ["deadlines"]

    @get("/calendar/due", guards=[logged_in], summary="Due date of a period, explained", sync_to_thread=True)
    def api_due(
        self,
        db_session: DbSession,
        start: FromQuery[date | None] = None,
        months: FromQuery[int | None] = None,
        working_days: FromQuery[int | None] = None,
        days: FromQuery[int | None] = None,
    ) -> DueOut:
        """`start` (not counted) plus exactly one of `months`, `working_days`, `days`."""
        given = [(n, u) for n, u in ((months, "months"), (working_days, "working_days"), (days, "days")) if n]
        problems = []
        if start is None:
            problems.append(Problem("start", _("required")))
        if len(given) != 1 or given[0][0] < 1:
            problems.append(Problem("period", _("give exactly one of months, working_days, days (a positive number)")))
        if problems or start is None:
            raise ValidationFailed(_("Please check the request."), problems)
        check_period(given[0][0], given[0][1], given[0][1])  # 400 naming the parameter, before any counting
        calendar = deadline_service.current_calendar(db_session, _profile_name())
        deadline = compute_deadline(calendar, start, Period(given[0][0], given[0][1]))
        return DueOut(
            deadline.due.isoformat(), deadline.to_dict(), TextOut(explain(deadline, "zh"), explain(deadline, "en"))
        )

    @get(
        "/calendar/years/{year:int}",
        guards=[logged_in],
        summary="A year's holidays and make-up working days",
        sync_to_thread=True,
    )
    def api_year(self, db_session: DbSession, year: FromPath[int]) -> YearOut:
        calendar = deadline_service.current_calendar(db_session, _profile_name())
        return YearOut(calendar.year_source(year).to_dict(), [d.to_dict() for d in calendar.year_entries(year)])

    @post(
        "/calendar/years", guards=[office_admin_only], summary="Load or replace a year's schedule", sync_to_thread=True
    )
    def api_load_year(self, request: Request, db_session: DbSession, data: JSONBody[CalendarYearIn]) -> LoadedYearOut:
        """The schedule in the calendar file format; open deadlines are recomputed and the moved ones listed."""
        try:
            parsed = parse_year_text(data.text, f"API ({request.user.username})")
        except CalendarError as exc:
            raise ValidationFailed(_("The schedule was not loaded."), [Problem(exc.entry, exc.problem)]) from None
        report = deadline_service.load_calendar_year(db_session, request.user, _profile_name(), parsed, note=data.note)
        return LoadedYearOut(
            parsed.year,
            _plain_document(year_document(parsed)),
            report.as_dict() if report is not None else None,
            changed_versions(db_session),
        )

    @get(
        "/assignments/{assignment_id:int}/deadlines",
        guards=[department_or_office],
        summary="An assignment's deadlines with their explanations",
        sync_to_thread=True,
    )
    def api_assignment_deadlines(
        self, request: Request, db_session: DbSession, assignment_id: FromPath[int]
    ) -> list[DeadlineOut]:
        assignment = get_assignment_for(db_session, request.user, assignment_id)
        return [_deadline_out(r) for r in deadline_service.deadlines_of(db_session, [assignment.id])]

    @post(
        "/deadlines/{deadline_id:int}/extension-requests",
        guards=[department_or_office],
        summary="Request an extension (department)",
        sync_to_thread=True,
    )
    def api_request_extension(
        self, request: Request, db_session: DbSession, deadline_id: FromPath[int], data: JSONBody[ExtensionIn]
    ) -> ExtensionOut:
        extension = deadline_service.request_extension(
            db_session,
            request.user,
            deadline_id,
            data.requested_due,
            data.reason,
            expected_version=data.expected_version,
        )
        return ExtensionOut(
            extension.id, extension.status, extension.requested_due.isoformat(), changed_versions(db_session)
        )

    @post(
        "/extension-requests/{extension_id:int}/decision",
        guards=[office_only],
        summary="Approve or reject an extension request (office)",
        sync_to_thread=True,
    )
    def api_decide(
        self, request: Request, db_session: DbSession, extension_id: FromPath[int], data: JSONBody[DecisionIn]
    ) -> ExtensionDecisionOut:
        extension = deadline_service.decide_extension(
            db_session, request.user, extension_id, approve=data.approve, reason=data.reason
        )
        return ExtensionDecisionOut(
            extension.id, extension.status, _deadline_out(extension.deadline), changed_versions(db_session)
        )

    @post(
        "/deadlines/{deadline_id:int}/due-date",
        guards=[office_only],
        summary="Set a deadline by hand, with a reason",
        sync_to_thread=True,
    )
    def api_edit(
        self, request: Request, db_session: DbSession, deadline_id: FromPath[int], data: JSONBody[DeadlineEditIn]
    ) -> DeadlineEditOut:
        record = deadline_service.edit_deadline(
            db_session, request.user, deadline_id, data.due, data.reason, expected_version=data.expected_version
        )
        return DeadlineEditOut(**vars(_deadline_out(record)), changed=changed_versions(db_session))

    @get(
        "/supervision/board",
        guards=[department_or_office],
        summary="The supervision board as JSON",
        sync_to_thread=True,
    )
    def api_board(
        self,
        request: Request,
        db_session: DbSession,
        day: FromQuery[date | None] = None,
        sort: FromQuery[str] = "due",
    ) -> dict[str, Any]:
        """Department users get their own department's rows only."""
        calendar = deadline_service.current_calendar(db_session, _profile_name())
        return build_board(db_session, request.user, day or office_today(), calendar, sort).as_dict()

    @post(
        "/supervision/runs", guards=[office_only], summary="Run supervision for a day (idempotent)", sync_to_thread=True
    )
    def api_run(self, request: Request, db_session: DbSession, data: JSONBody[SupervisionRunIn]) -> SupervisionRunOut:
        run = run_supervision(db_session, request.user, profile_name=_profile_name(), today=data.day or office_today())
        return SupervisionRunOut(**run.as_dict(), changed=changed_versions(db_session))


def _plain_document(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        key: [{k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()} for row in value]
        if isinstance(value, list)
        else value
        for key, value in doc.items()
    }


route_handlers = [DeadlinePages, DeadlineApi]
