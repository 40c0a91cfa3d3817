"""Handling pages: department inbox, item page with the allowed actions, reply and opinion editors,
office review queue, feedback entry, the leaders' overview, reply letters and attachment downloads.

Every form posts to one of two dispatchers (item or assignment action) that call the same
services as the JSON API (app/web/controllers/workflow_api.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery, MultipartBody, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import from_office_wall_clock, office_today
from app.db.models import Item
from app.documents.reply_letter import docx_filename, render_docx, render_html
from app.domain.dates import check_day
from app.domain.enums import DEPARTMENT_ROLES, OFFICE_ROLES, AssignmentRole, ItemKind, ItemState, Role
from app.domain.handling import COMMUNICATION_LABELS, FeedbackGiver
from app.domain.lifecycle import TRANSITIONS, find_transition
from app.domain.text import N_
from app.i18n import _
from app.services import access
from app.services import departments as department_service
from app.services.errors import Problem, UserError, ValidationFailed
from app.services.workflow import actions, letters, past_replies, queues, review_list, views
from app.services.workflow.files import Upload, storage_path
from app.web import forms
from app.web.deps import DbSession
from app.web.flash import flash_redirect, see_other
from app.web.guards import department_or_office, office_only, roles
from app.web.listing import parse_query, raw_query, view
from app.web.nav import NavEntry
from app.web.params import form_id

NAV = [
    NavEntry(N_("My items"), "/inbox", frozenset(DEPARTMENT_ROLES), order=20),
    NavEntry(N_("Review queue"), "/review", frozenset(OFFICE_ROLES), order=30),
    NavEntry(N_("Handling overview"), "/overview", frozenset({*OFFICE_ROLES, Role.LEADER_READONLY}), order=35),
]

readers = roles(*OFFICE_ROLES, *DEPARTMENT_ROLES, Role.LEADER_READONLY)
# Forms that carry files may hold several uploads; each file is checked against
# JIANTI_MAX_UPLOAD_MB by the service, this only bounds the whole request.
UPLOAD_REQUEST_BYTES = 200 * 1024 * 1024


def _text(form: dict[str, Any], key: str) -> str:
    value = form.get(key, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return value if isinstance(value, str) else ""


def _version(form: dict[str, Any]) -> int | None:
    raw = _text(form, "expected_version")
    return int(raw) if raw.isdigit() else None


def _uploads(form: dict[str, Any]) -> list[Upload]:
    raw = form.get("files")
    files = raw if isinstance(raw, list) else [raw] if raw is not None else []
    uploads = []
    for upload in files:
        if isinstance(upload, UploadFile) and upload.filename:
            data = upload.file.read()
            if data:
                uploads.append(Upload(upload.filename, data))
    return uploads


def _datetime_local(value: str) -> datetime | None:
    """<input type=datetime-local> gives Beijing wall-clock time without a zone."""
    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        return None
    return from_office_wall_clock(naive)


def _date(value: str) -> date | None:
    """None (refused by the caller as not a date) also for dates outside the bounds."""
    try:
        return check_day(date.fromisoformat(value))
    except ValueError:
        return None


# One entry per action a form may post: the service call with the form's fields.
AssignmentCall = Callable[[Session, Any, int, dict[str, Any]], object]
ASSIGNMENT_ACTIONS: dict[str, AssignmentCall] = {
    "sign_for": lambda s, a, i, f: actions.sign_for(s, a, i, expected_version=_version(f)),
    "request_reassignment": lambda s, a, i, f: actions.request_reassignment(
        s,
        a,
        i,
        reason=_text(f, "reason"),
        suggested_department_code=_text(f, "department") or None,
        expected_version=_version(f),
    ),
    "approve_reassignment": lambda s, a, i, f: actions.approve_reassignment(
        s, a, i, new_department_code=_text(f, "department"), reason=_text(f, "reason"), expected_version=_version(f)
    ),
    "reject_reassignment": lambda s, a, i, f: actions.reject_reassignment(
        s, a, i, reason=_text(f, "reason"), expected_version=_version(f)
    ),
    "record_communication": lambda s, a, i, f: actions.record_communication(
        s,
        a,
        i,
        method=_text(f, "method"),
        happened_at=_datetime_local(_text(f, "happened_at")),
        participants=_text(f, "participants"),
        notes=_text(f, "notes"),
        files=_uploads(f),
    ),
    "send_opinion": lambda s, a, i, f: actions.send_opinion(s, a, i, expected_version=_version(f)),
    "sign_off": lambda s, a, i, f: actions.sign_off(s, a, i, expected_version=_version(f)),
    "return_draft": lambda s, a, i, f: actions.return_draft(
        s, a, i, reason=_text(f, "reason"), expected_version=_version(f)
    ),
    "submit_for_review": lambda s, a, i, f: actions.submit_for_review(s, a, i, expected_version=_version(f)),
    "acknowledge": lambda s, a, i, f: actions.acknowledge(s, a, i, expected_version=_version(f)),
    "waive_co_opinions": lambda s, a, i, f: actions.waive_co_opinions(s, a, i, reason=_text(f, "reason")),
    "return_reply": lambda s, a, i, f: actions.return_reply(
        s, a, i, reason=_text(f, "reason"), expected_version=_version(f)
    ),
    "accept_reply": lambda s, a, i, f: actions.accept_reply(
        s,
        a,
        i,
        result_class=_text(f, "result_class") or None,
        reason=_text(f, "reason"),
        expected_version=_version(f),
    ),
}

ITEM_ACTIONS: dict[str, AssignmentCall] = {
    "request_feedback": lambda s, a, i, f: actions.request_feedback(s, a, i, expected_version=_version(f)),
    "close": lambda s, a, i, f: actions.close_item(s, a, i, expected_version=_version(f)),
    "close_without_reply": lambda s, a, i, f: actions.close_without_reply(s, a, i, expected_version=_version(f)),
    "withdraw": lambda s, a, i, f: actions.withdraw(s, a, i, reason=_text(f, "reason"), expected_version=_version(f)),
    "merge": lambda s, a, i, f: actions.merge(
        s, a, i, into_item_id=_merge_target(s, f), reason=_text(f, "reason"), expected_version=_version(f)
    ),
    "change_result_class": lambda s, a, i, f: actions.change_result_class(
        s, a, _reply_id_of(s, a, i, f), result_class=_text(f, "result_class"), reason=_text(f, "reason")
    ),
    "record_feedback": lambda s, a, i, f: actions.record_feedback(
        s,
        a,
        i,
        level=_text(f, "level"),
        given_by=_text(f, "given_by"),
        handling_level=_text(f, "handling_level") or None,
        result_level=_text(f, "result_level") or None,
        comment=_text(f, "comment"),
        received_on=_date(_text(f, "received_on")),
        expected_version=_version(f),
    ),
}


def _reply_id_of(session: Session, actor, item_id: int, form: dict[str, Any]) -> int:
    """The reply named by the form, which must belong to this item."""
    raw = _text(form, "reply_id")
    reply_id = form_id(raw)
    reply = views.reply_for(session, actor, reply_id) if reply_id is not None else None
    if reply is None or reply.item_id != item_id:
        raise ValidationFailed(_("Choose a reply of this item."), [Problem("field reply_id", _("required"))])
    return reply.id


ACTION_LABELS = {"create": "Created", **{t.action: t.label for t in TRANSITIONS}}
# Deadline actions have their own page (app/web/controllers/deadlines.py); the item page links to it.
DEADLINE_ACTIONS = ("request_extension", "approve_extension", "reject_extension", "edit_deadline")


def _merge_target(session: Session, form: dict[str, Any]) -> int:
    return form_id(_text(form, "into_item_id")) or 0


def _item_context(session: Session, request: Request, item_id: int, **extra) -> dict[str, Any]:
    profile = actions._profile()
    page = views.item_page(session, request.user, item_id)
    departments = department_service.active_departments(session, by_kind=False)
    return {
        "page": page,
        "profile": profile,
        "result_classes": profile.result_schemes[ItemKind(page.item.kind)],
        "satisfaction": profile.satisfaction,
        "communication_methods": COMMUNICATION_LABELS,
        "feedback_givers": list(FeedbackGiver),
        "all_departments": list(departments),
        "error": None,
        "problems": [],
        "errors": {},
        "form": {},
        "submitted": None,
        "action_labels": ACTION_LABELS,
        "deadline_action_names": DEADLINE_ACTIONS,
        **extra,
    }


def _failed(
    session: Session, request: Request, item_id: int, exc: UserError, data: dict[str, Any], scope: str, target: int
) -> Template:
    """The item page again with the refused form open, what was typed kept and the messages beside the fields."""
    submitted = {"scope": scope, "id": target, "action": _text(data, "action")}
    return forms.rerender(
        session,
        exc,
        "workflow/item.html",
        lambda: _item_context(session, request, item_id),
        data,
        page_url=f"/items/{item_id}",
        submitted=submitted,
    )


def _done(request: Request, session: Session, item_id: int, action: str) -> Redirect:
    label = ACTION_LABELS.get(action)
    message = _("Done: %(action)s", action=_(label)) if label else _("Saved.")
    return flash_redirect(request, session, f"/items/{item_id}", message)


class HandlingPages(Controller):
    include_in_schema = False

    @get("/inbox", guards=[roles(*DEPARTMENT_ROLES)], sync_to_thread=True)
    def inbox(self, request: Request, db_session: DbSession) -> Template:
        """The department's queues (待签收, 办理中, 即将到期, 已超期, 退回修改; the unit head's 待我签发)
        on the list mechanism: search, filter, sort, page, the whole state in the URL."""
        today = office_today()
        query = parse_query(request.query_params, queues.INBOX_SPEC)
        page = queues.list_inbox(db_session, request.user, query, today)
        return Template(
            "workflow/inbox.html",
            context={
                "view": view(page, "/inbox"),
                "query": query,
                "rows": page.rows,
                "queues": queues.queues_for(request.user),
                "counts": queues.department_counts(db_session, request.user, today),
                "roles": [r.value for r in AssignmentRole],
                "states": list(queues.WAITING) + ["opinion_sent", "sent", "closed"],
            },
        )

    @get("/review", guards=[office_only], sync_to_thread=True)
    def review(self, request: Request, db_session: DbSession) -> Template:
        """Tabs on the list mechanism: replies to review, reassignment requests, feedback due."""
        raw = raw_query(request.query_params)
        chosen = review_list.tab(raw["tab"][-1] if raw.get("tab") else None)
        page, counts = review_list.review_page(db_session, request.user, chosen.key, raw)
        base = [] if chosen.key == review_list.TABS[0].key else [("tab", chosen.key)]
        return Template(
            "workflow/review.html",
            context={
                "tab": chosen,
                "tabs": review_list.TABS,
                "counts": counts,
                "view": view(page, "/review", base),
                "query": page.query,
                "rows": page.rows,
                "departments": department_service.all_departments(db_session),
                "extensions": review_list.pending_extensions(db_session),
            },
        )

    @get("/overview", guards=[roles(*OFFICE_ROLES, Role.LEADER_READONLY)], sync_to_thread=True)
    def overview(
        self,
        request: Request,
        db_session: DbSession,
        page: FromQuery[int | None] = None,
        per_page: FromQuery[int | None] = None,
    ) -> Template:
        """Every item the user may see, on the list mechanism (the item list's filters), key items first."""
        from app.services.item_list import OVERVIEW_SPEC, list_items
        from app.web.listing import parse_query, view

        query = parse_query(request.query_params, OVERVIEW_SPEC)
        result = list_items(db_session, request.user, query)
        counts: dict[str, int] = {}
        for s in db_session.scalars(access.scope_items(select(Item.state), request.user)):
            counts[s] = counts.get(s, 0) + 1
        states: tuple[str, ...] = query.get("state") or ()
        return Template(
            "workflow/overview.html",
            context={
                "view": view(result, "/overview"),
                "counts": counts,
                "states": list(ItemState),
                "state": states[0] if len(states) == 1 else None,
            },
        )

    @get("/items/{item_id:int}", guards=[readers], sync_to_thread=True)
    def item(self, request: Request, db_session: DbSession, item_id: FromPath[int]) -> Template:
        return Template("workflow/item.html", context=_item_context(db_session, request, item_id))

    @get("/items/{item_id:int}/act", guards=[readers], sync_to_thread=True)
    def item_act_page(self, item_id: FromPath[int]) -> Redirect:
        """A reloaded or shared action URL leads to the item page, never to a 405."""
        return see_other(f"/items/{item_id}")

    @get("/assignments/{assignment_id:int}/act", guards=[readers], sync_to_thread=True)
    def assignment_act_page(self, request: Request, db_session: DbSession, assignment_id: FromPath[int]) -> Redirect:
        assignment = access.get_assignment_for(db_session, request.user, assignment_id)
        return see_other(f"/items/{assignment.item_id}")

    @post("/items/{item_id:int}/act", guards=[department_or_office], sync_to_thread=True)
    def item_act(
        self, request: Request, db_session: DbSession, item_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
    ) -> Response:
        action = _text(data, "action")
        call = ITEM_ACTIONS.get(action)
        try:
            if call is None:
                raise UserError(_("Unknown action %(action)s.", action=action))
            call(db_session, request.user, item_id, data)
        except UserError as exc:
            if action == "record_feedback":
                return _feedback_failed(db_session, request, item_id, exc, data)
            return _failed(db_session, request, item_id, exc, data, "item", item_id)
        return _done(request, db_session, item_id, action)

    @post(
        "/assignments/{assignment_id:int}/act",
        guards=[department_or_office],
        sync_to_thread=True,
        request_max_body_size=UPLOAD_REQUEST_BYTES,
    )
    def assignment_act(
        self, request: Request, db_session: DbSession, assignment_id: FromPath[int], data: MultipartBody[dict[str, Any]]
    ) -> Response:
        assignment = access.get_assignment_for(db_session, request.user, assignment_id)
        item_id = assignment.item_id
        action = _text(data, "action")
        call = ASSIGNMENT_ACTIONS.get(action)
        try:
            if call is None:
                raise UserError(_("Unknown action %(action)s.", action=action))
            call(db_session, request.user, assignment_id, data)
        except UserError as exc:
            return _failed(db_session, request, item_id, exc, data, "assignment", assignment_id)
        return _done(request, db_session, item_id, action)

    # ------------------------------------------------------------------ reply and opinion editors

    @get("/assignments/{assignment_id:int}/reply", guards=[roles(*DEPARTMENT_ROLES)], sync_to_thread=True)
    def reply_editor(self, request: Request, db_session: DbSession, assignment_id: FromPath[int]) -> Template:
        return Template("workflow/reply_edit.html", context=_editor_context(db_session, request, assignment_id))

    @post(
        "/assignments/{assignment_id:int}/reply",
        guards=[roles(*DEPARTMENT_ROLES)],
        sync_to_thread=True,
        request_max_body_size=UPLOAD_REQUEST_BYTES,
    )
    def reply_save(
        self, request: Request, db_session: DbSession, assignment_id: FromPath[int], data: MultipartBody[dict[str, Any]]
    ) -> Response:
        draft = actions.ReplyDraft(
            body=_text(data, "body"),
            result_class=_text(data, "result_class"),
            contact_person=_text(data, "contact_person"),
            contact_phone=_text(data, "contact_phone"),
            disclosure=_text(data, "disclosure") or "full",
            disclosure_reason=_text(data, "disclosure_reason"),
            summary=_text(data, "summary"),
            letter_number=_text(data, "letter_number"),
        )
        try:
            reply = actions.save_reply(
                db_session, request.user, assignment_id, draft, files=_uploads(data), expected_version=_version(data)
            )
        except UserError as exc:
            return forms.rerender(
                db_session,
                exc,
                "workflow/reply_edit.html",
                lambda: _editor_context(db_session, request, assignment_id),
                data,
                labels={"body": N_("Reply text")},
            )
        return flash_redirect(request, db_session, f"/items/{reply.item_id}", _("Reply draft saved."))

    @get("/assignments/{assignment_id:int}/opinion", guards=[roles(*DEPARTMENT_ROLES)], sync_to_thread=True)
    def opinion_editor(self, request: Request, db_session: DbSession, assignment_id: FromPath[int]) -> Template:
        return Template("workflow/opinion_edit.html", context=_editor_context(db_session, request, assignment_id))

    @post(
        "/assignments/{assignment_id:int}/opinion",
        guards=[roles(*DEPARTMENT_ROLES)],
        sync_to_thread=True,
        request_max_body_size=UPLOAD_REQUEST_BYTES,
    )
    def opinion_save(
        self, request: Request, db_session: DbSession, assignment_id: FromPath[int], data: MultipartBody[dict[str, Any]]
    ) -> Response:
        try:
            opinion = actions.save_opinion(
                db_session,
                request.user,
                assignment_id,
                body=_text(data, "body"),
                files=_uploads(data),
                expected_version=_version(data),
            )
        except UserError as exc:
            return forms.rerender(
                db_session,
                exc,
                "workflow/opinion_edit.html",
                lambda: _editor_context(db_session, request, assignment_id),
                data,
                labels={"body": N_("Opinion to the lead department")},
            )
        return flash_redirect(request, db_session, f"/items/{opinion.item_id}", _("Opinion saved."))

    # ------------------------------------------------------------------ feedback entry

    @get("/items/{item_id:int}/feedback", guards=[office_only], sync_to_thread=True)
    def feedback_form(self, request: Request, db_session: DbSession, item_id: FromPath[int]) -> Template:
        return Template("workflow/feedback.html", context=_item_context(db_session, request, item_id))

    @post("/items/{item_id:int}/feedback", guards=[office_only], sync_to_thread=True)
    def feedback_save(
        self, request: Request, db_session: DbSession, item_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
    ) -> Response:
        try:
            ITEM_ACTIONS["record_feedback"](db_session, request.user, item_id, data)
        except UserError as exc:
            return _feedback_failed(db_session, request, item_id, exc, data)
        return _done(request, db_session, item_id, "record_feedback")

    # ------------------------------------------------------------------ letters and files

    @get("/replies/{reply_id:int}/letter", guards=[readers], sync_to_thread=True)
    def letter_html(
        self, request: Request, db_session: DbSession, reply_id: FromPath[int], item: FromQuery[int | None] = None
    ) -> Response:
        letter = _letter(db_session, request, reply_id, item)
        return Response(render_html(letter), media_type="text/html; charset=utf-8")

    @get("/replies/{reply_id:int}/letter.docx", guards=[readers], sync_to_thread=True)
    def letter_docx(
        self, request: Request, db_session: DbSession, reply_id: FromPath[int], item: FromQuery[int | None] = None
    ) -> Response:
        return letter_docx_response(db_session, request, reply_id, item)

    @get("/attachments/{attachment_id:int}", guards=[readers], sync_to_thread=True)
    def attachment(self, request: Request, db_session: DbSession, attachment_id: FromPath[int]) -> Response:
        return attachment_response(db_session, request, attachment_id)


def _feedback_failed(session: Session, request: Request, item_id: int, exc: UserError, data: dict[str, Any]):
    return forms.rerender(
        session,
        exc,
        "workflow/feedback.html",
        lambda: _item_context(session, request, item_id),
        data,
        page_url=f"/items/{item_id}/feedback",
    )


def _editor_context(session: Session, request: Request, assignment_id: int, **extra) -> dict[str, Any]:
    assignment = access.get_assignment_for(session, request.user, assignment_id)
    context = _item_context(session, request, assignment.item_id)
    from app.db.models.workflow import CoOpinion, Reply

    reply = session.scalar(select(Reply).where(Reply.assignment_id == assignment.id))
    opinion = session.scalar(select(CoOpinion).where(CoOpinion.assignment_id == assignment.id))
    saved: dict[str, Any] = {}
    if reply is not None:
        saved = {name: getattr(reply, name) or "" for name in actions.ReplyDraft.__dataclass_fields__}
    if opinion is not None:
        saved = {"body": opinion.body or ""}
    context.update(
        assignment=assignment,
        reply=reply,
        opinion=opinion,
        form=saved,
        reply_files=context["page"].files("reply", reply.id) if reply else [],
        opinion_files=context["page"].files("opinion", opinion.id) if opinion else [],
        allowed=find_transition("assignment", "draft_reply", assignment.state) is not None,
        past_replies=past_replies.past_replies(session, request.user, assignment.id),  # workflow/_past_replies.html
    )
    return context


def _letter(session: Session, request: Request, reply_id: int, item_id: int | None):
    reply = views.reply_for(session, request.user, reply_id)
    for_item = None
    if item_id is not None and item_id != reply.item_id:
        # a merged item's submitter gets the reply of the item it was merged into
        for_item = access.get_item_for(session, request.user, item_id)
        if for_item.merged_into_id != reply.item_id:
            for_item = None
    return letters.letter_of(session, reply, for_item)


def letter_docx_response(session: Session, request: Request, reply_id: int, item_id: int | None) -> Response:
    letter = _letter(session, request, reply_id, item_id)
    return _download(render_docx(letter), docx_filename(letter), DOCX_MIME)


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(data: bytes, filename: str, media_type: str) -> Response:
    disposition = f"attachment; filename*=UTF-8''{quote(filename)}"
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"},
    )


def attachment_response(session: Session, request: Request, attachment_id: int) -> Response:
    from app.domain.attachments import kind_by_code

    attachment = views.attachment_for(session, request.user, attachment_id)
    data = storage_path(attachment.sha256).read_bytes()
    return _download(data, attachment.original_name, kind_by_code(attachment.kind).mime)


route_handlers = [HandlingPages]
