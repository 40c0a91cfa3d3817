"""JSON API of the handling workflow: one endpoint per action, the same services as the pages.

Every action answers 200 with the record's new state and version, and `changed`: the new
version of every item and assignment the action changed (an action often moves the item too);
or the API's one error body (app/web/errors.py): 403 (role or department may not), 404 (no such
record — other departments' records look missing), 409 (the state or a guard refuses, or someone
else changed the record first: reload and retry), 422 (invalid input; `problems` name each
field). Send `expected_version` (the version you saw) to be told when someone else acted in between.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post, put
from litestar.datastructures import ResponseHeader
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from sqlalchemy.orm import Session

from app.clock import from_office_wall_clock, office_today
from app.db.models import Assignment, Item
from app.domain.enums import DEPARTMENT_ROLES, OFFICE_ROLES, Role
from app.i18n import _
from app.services import access
from app.services.errors import Problem, ValidationFailed
from app.services.workflow import actions, queues, views
from app.services.workflow.files import Upload
from app.web.controllers.workflow import DOCX_MIME, attachment_response, letter_docx_response
from app.web.deps import DbSession
from app.web.guards import office_only, roles
from app.web.listing import parse_query
from app.web.versions import VersionOut, changed_versions

readers = roles(*OFFICE_ROLES, *DEPARTMENT_ROLES, Role.LEADER_READONLY)
departments_only = roles(*DEPARTMENT_ROLES)


# ----------------------------------------------------------------------------- shapes


@dataclass
class AssignmentOut:
    id: int
    item_id: int
    department: str
    role: str
    round: int
    state: str
    version: int
    assigned_on: date
    due_on: date | None


@dataclass
class ItemStateOut:
    id: int
    state: str
    round: int
    version: int


@dataclass
class AssignmentWriteOut(AssignmentOut):
    """The assignment after the action, and every record the action changed."""

    changed: list[VersionOut] = field(default_factory=list)


@dataclass
class CommunicationWriteOut:
    id: int
    assignment_id: int
    round: int
    method: str
    happened_at: datetime
    participants: str
    notes: str
    changed: list[VersionOut]  # the assignment's new version among them


@dataclass
class ResultClassOut:
    reply_id: int
    result_class: str
    changed: list[VersionOut]  # the item's new version among them


@dataclass
class ItemWriteOut(ItemStateOut):
    changed: list[VersionOut] = field(default_factory=list)


@dataclass
class VersionIn:
    expected_version: int | None = None


@dataclass
class ReasonIn:
    reason: str
    expected_version: int | None = None


@dataclass
class ReassignmentRequestIn:
    reason: str
    suggested_department: str | None = None  # department code
    expected_version: int | None = None


@dataclass
class ReassignmentApprovalIn:
    new_department: str  # department code
    reason: str = ""
    expected_version: int | None = None


@dataclass
class FileIn:
    filename: str
    content_base64: str


@dataclass
class CommunicationIn:
    method: str  # visit | meeting | phone | letter
    happened_at: datetime  # without a zone: Beijing time
    participants: str
    notes: str = ""
    files: list[FileIn] = field(default_factory=list)


@dataclass
class OpinionIn:
    body: str
    files: list[FileIn] = field(default_factory=list)
    expected_version: int | None = None


@dataclass
class ReplyIn:
    body: str
    result_class: str  # a code of the profile's scheme for the item kind, e.g. "A"
    contact_person: str
    contact_phone: str
    disclosure: str = "full"  # full | summary | none
    disclosure_reason: str = ""  # required when disclosure is none
    summary: str = ""  # required when disclosure is summary
    letter_number: str = ""
    files: list[FileIn] = field(default_factory=list)
    expected_version: int | None = None


@dataclass
class AcceptIn:
    result_class: str | None = None  # set to change the class; the history keeps the old one
    reason: str = ""  # required when the class changes
    expected_version: int | None = None


@dataclass
class PlanEntry:
    department: str  # department code
    role: str  # lead | co | split | reference


@dataclass
class AssignIn:
    plan: list[PlanEntry]
    expected_version: int | None = None


@dataclass
class FeedbackIn:
    level: str  # a code of the profile's satisfaction scale
    given_by: str  # submitter | staff_on_behalf
    handling_level: str | None = None
    result_level: str | None = None
    comment: str = ""
    received_on: date | None = None
    expected_version: int | None = None


@dataclass
class MergeIn:
    into_item_id: int
    reason: str
    expected_version: int | None = None


@dataclass
class ResultClassIn:
    result_class: str
    reason: str


@dataclass
class ReplyOut:
    id: int
    assignment_id: int
    department: str
    round: int
    result_class: str
    disclosure: str
    body: str
    contact_person: str
    contact_phone: str
    signed_off_at: datetime | None
    sent_at: datetime | None
    result_class_history: list[dict[str, Any]]
    attachments: list[dict[str, Any]]


@dataclass
class OpinionOut:
    id: int
    assignment_id: int
    department: str
    round: int
    body: str
    sent_at: datetime | None
    attachments: list[dict[str, Any]]


@dataclass
class CommunicationOut:
    id: int
    assignment_id: int
    round: int
    method: str
    happened_at: datetime
    participants: str
    notes: str


@dataclass
class FeedbackOut:
    round: int
    level: str
    handling_level: str | None
    result_level: str | None
    given_by: str
    comment: str
    received_on: date


@dataclass
class TimelineOut:
    at: datetime
    actor: str
    entity: str
    entity_id: int | None
    action: str
    before_state: str | None
    after_state: str | None
    reason: str | None


@dataclass
class AllowedAction:
    entity: str  # item | assignment
    id: int
    action: str
    needs_reason: bool


@dataclass
class HandlingOut:
    item: ItemStateOut
    title: str
    assignments: list[AssignmentOut]
    replies: list[ReplyOut]
    opinions: list[OpinionOut]
    communications: list[CommunicationOut]
    feedback: list[FeedbackOut]
    timeline: list[TimelineOut]
    allowed_actions: list[AllowedAction]


def _q(description: str, name: str | None = None) -> Any:
    return QueryParameter(description=description, required=False, name=name)


@dataclass
class InboxOut:
    assignment: AssignmentOut
    item_title: str
    item_number: str
    key_supervision: bool
    overdue: bool
    days_left: int | None


@dataclass
class ReviewQueueOut:
    under_review: list[AssignmentOut]
    reassignment_requests: list[dict[str, Any]]
    awaiting_feedback: list[ItemStateOut]


# ----------------------------------------------------------------------------- helpers


def _assignment_out(a: Assignment) -> AssignmentOut:
    return AssignmentOut(
        a.id, a.item_id, a.department.code, a.role, a.round, a.state, a.version, a.assigned_on, a.due_on
    )


def _item_out(item: Item) -> ItemStateOut:
    return ItemStateOut(item.id, item.state, item.round, item.version)


def _after(session: Session, record: Assignment) -> AssignmentWriteOut:
    changed = changed_versions(session)
    return AssignmentWriteOut(**vars(_assignment_out(record)), changed=changed)


def _item_after(session: Session, item: Item) -> ItemWriteOut:
    changed = changed_versions(session)
    return ItemWriteOut(**vars(_item_out(item)), changed=changed)


def _uploads(files: list[FileIn]) -> list[Upload]:
    uploads, problems = [], []
    for index, f in enumerate(files):
        try:
            uploads.append(Upload(f.filename, base64.b64decode(f.content_base64, validate=True)))
        except (binascii.Error, ValueError):
            problems.append(Problem(f"files[{index}]", _("not valid base64")))
    if problems:
        raise ValidationFailed(_("Some files were refused; nothing was saved."), problems)
    return uploads


def _aware(moment: datetime) -> datetime:
    return from_office_wall_clock(moment)


def _files_out(page: views.ItemPage, owner_type: str, owner_id: int) -> list[dict[str, Any]]:
    return [
        {"id": f.id, "name": f.original_name, "kind": f.kind, "size": f.size, "url": f"/api/attachments/{f.id}"}
        for f in page.files(owner_type, owner_id)
    ]


def handling_out(session: Session, actor, item_id: int) -> HandlingOut:
    page = views.item_page(session, actor, item_id)
    depts = page.departments
    assignments = [a for r in page.rounds for a in r.assignments]
    replies = [reply for r in page.rounds for reply in r.replies]
    opinions = [o for r in page.rounds for o in r.opinions]
    communications = [c for r in page.rounds for c in r.communications]
    allowed = [AllowedAction("item", page.item.id, t.action, t.needs_reason) for t in page.item_actions]
    for entry in page.assignment_actions:
        allowed += [AllowedAction("assignment", entry.assignment.id, t.action, t.needs_reason) for t in entry.actions]
    return HandlingOut(
        item=_item_out(page.item),
        title=page.item.title,
        assignments=[_assignment_out(a) for a in sorted(assignments, key=lambda a: a.id)],
        replies=[
            ReplyOut(
                r.id,
                r.assignment_id,
                depts[r.assignment.department_id].code,
                r.round,
                r.result_class,
                r.disclosure,
                r.body,
                r.contact_person,
                r.contact_phone,
                r.signed_off_at,
                r.sent_at,
                [
                    {
                        "from": c.from_class,
                        "to": c.to_class,
                        "stage": c.stage,
                        "reason": c.reason,
                        "by": c.changed_by_name,
                        "at": c.changed_at.isoformat(),
                    }
                    for c in r.class_changes
                ],
                _files_out(page, "reply", r.id),
            )
            for r in replies
        ],
        opinions=[
            OpinionOut(
                o.id,
                o.assignment_id,
                depts[o.assignment.department_id].code,
                o.round,
                o.body,
                o.sent_at,
                _files_out(page, "opinion", o.id),
            )
            for o in opinions
        ],
        communications=[
            CommunicationOut(c.id, c.assignment_id, c.round, c.method, c.happened_at, c.participants, c.notes)
            for c in communications
        ],
        feedback=[
            FeedbackOut(
                r.feedback.round,
                r.feedback.level,
                r.feedback.handling_level,
                r.feedback.result_level,
                r.feedback.given_by,
                r.feedback.comment,
                r.feedback.received_on,
            )
            for r in page.rounds
            if r.feedback
        ],
        timeline=[
            TimelineOut(e.at, e.actor_name, e.entity, e.entity_id, e.action, e.before_state, e.after_state, e.reason)
            for e in page.timeline
        ],
        allowed_actions=allowed,
    )


# error statuses and their one body are documented for every operation by app/web/openapi_contract.py
COMMON: dict[str, Any] = {"sync_to_thread": True, "tags": ["handling"], "status_code": 200}
# base64 files make bodies about 4/3 of the files; each file is checked by the service
WITH_FILES: dict[str, Any] = {**COMMON, "request_max_body_size": 300 * 1024 * 1024}


class HandlingApi(Controller):
    path = "/api"

    # ------------------------------------------------------------------ reading

    @get(
        "/inbox",
        guards=[departments_only],
        summary="My department's assignments: queues, filters, sort and paging as on /inbox; the total in X-Total-Count",
        response_headers=[
            ResponseHeader(name="X-Total-Count", description="assignments matching, all pages", documentation_only=True)
        ],
        **COMMON,
    )
    def inbox(
        self,
        request: Request,
        db_session: DbSession,
        queue: Annotated[str | None, _q("to_sign | to_sign_off | in_hand | due_soon | overdue | returned")] = None,
        assignment_state: Annotated[
            list[str] | None, _q("assignment state; repeat for any of several", "state")
        ] = None,
        role: Annotated[str | None, _q("lead | co | split | reference: our part")] = None,
        key: Annotated[str | None, _q("1: key supervision (重点督办) only")] = None,
        finished: Annotated[str | None, _q("1/true: finished assignments too (default: open work only)")] = None,
        q: Annotated[str | None, _q("text in the item's number or title")] = None,
        sort: Annotated[str | None, _q("number | title | role | round | state | due | key; -key: descending")] = None,
        direction: Annotated[str | None, _q("asc | desc", "dir")] = None,
        page: Annotated[int | None, _q("1 .. 2^31-1")] = None,
        per_page: Annotated[int | None, _q("1 .. 200, default 50")] = None,
    ) -> Response[list[InboxOut]]:
        listed = queues.list_inbox(
            db_session, request.user, parse_query(request.query_params, queues.INBOX_SPEC), office_today()
        )
        rows = [
            InboxOut(
                _assignment_out(r.assignment),
                r.item.title,
                r.item.number,
                r.item.key_supervision,
                r.overdue,
                r.days_left,
            )
            for r in listed.rows
        ]
        return Response(rows, headers={"X-Total-Count": str(listed.total)})

    @get(
        "/review-queue",
        guards=[office_only],
        summary="Replies to review, reassignment requests, feedback due",
        **COMMON,
    )
    def review_queue(self, request: Request, db_session: DbSession) -> ReviewQueueOut:
        queue = views.review_queue(db_session, request.user)
        return ReviewQueueOut(
            under_review=[_assignment_out(a) for a in queue["under_review"]],
            reassignment_requests=[
                {
                    "id": r.id,
                    "assignment_id": r.assignment_id,
                    "item_id": r.item_id,
                    "reason": r.reason,
                    "requested_at": r.requested_at.isoformat(),
                }
                for r in queue["reassignment_requests"]
            ],
            awaiting_feedback=[_item_out(i) for i in queue["feedback"]],
        )

    @get("/items/{item_id:int}/handling", guards=[readers], summary="Everything about an item's handling", **COMMON)
    def handling(self, request: Request, db_session: DbSession, item_id: FromPath[int]) -> HandlingOut:
        """Assignments, replies and opinions of every round, communications, feedback, the timeline
        from the audit log, and the actions the caller may take now."""
        return handling_out(db_session, request.user, item_id)

    @get(
        "/replies/{reply_id:int}/letter.docx",
        guards=[readers],
        summary="The reply letter as .docx",
        sync_to_thread=True,
        tags=["handling"],
        responses={200: ResponseSpec(bytes, description="The letter", media_type=DOCX_MIME, generate_examples=False)},
    )
    def letter(
        self, request: Request, db_session: DbSession, reply_id: FromPath[int], item: FromQuery[int | None] = None
    ) -> Response:
        return letter_docx_response(db_session, request, reply_id, item)

    @get(
        "/attachments/{attachment_id:int}",
        guards=[readers],
        summary="Download an attachment",
        sync_to_thread=True,
        tags=["handling"],
        responses={
            200: ResponseSpec(bytes, description="The file as uploaded", media_type="*/*", generate_examples=False)
        },
    )
    def attachment(self, request: Request, db_session: DbSession, attachment_id: FromPath[int]) -> Response:
        return attachment_response(db_session, request, attachment_id)

    # ------------------------------------------------------------------ assignment actions

    @post("/assignments/{assignment_id:int}/sign-for", guards=[departments_only], summary="Sign for (签收)", **COMMON)
    def sign_for(
        self, request: Request, db_session: DbSession, assignment_id: FromPath[int], data: JSONBody[VersionIn]
    ) -> AssignmentWriteOut:
        return _after(
            db_session,
            actions.sign_for(db_session, request.user, assignment_id, expected_version=data.expected_version),
        )

    @post(
        "/assignments/{assignment_id:int}/reassignment-request",
        guards=[departments_only],
        summary="Ask to be relieved of the item (申请调整), inside the window",
        **COMMON,
    )
    def request_reassignment(
        self,
        request: Request,
        db_session: DbSession,
        assignment_id: FromPath[int],
        data: JSONBody[ReassignmentRequestIn],
    ) -> AssignmentWriteOut:
        actions.request_reassignment(
            db_session,
            request.user,
            assignment_id,
            reason=data.reason,
            suggested_department_code=data.suggested_department,
            expected_version=data.expected_version,
        )
        return _after(db_session, access.get_assignment_for(db_session, request.user, assignment_id))

    @post(
        "/assignments/{assignment_id:int}/reassignment-approval",
        guards=[office_only],
        summary="Approve a reassignment request; returns the new department's assignment",
        **COMMON,
    )
    def approve_reassignment(
        self,
        request: Request,
        db_session: DbSession,
        assignment_id: FromPath[int],
        data: JSONBody[ReassignmentApprovalIn],
    ) -> AssignmentWriteOut:
        replacement = actions.approve_reassignment(
            db_session,
            request.user,
            assignment_id,
            new_department_code=data.new_department,
            reason=data.reason,
            expected_version=data.expected_version,
        )
        return _after(db_session, replacement)

    @post(
        "/assignments/{assignment_id:int}/reassignment-rejection",
        guards=[office_only],
        summary="Reject a reassignment request",
        **COMMON,
    )
    def reject_reassignment(
        self, request: Request, db_session: DbSession, assignment_id: FromPath[int], data: JSONBody[ReasonIn]
    ) -> AssignmentWriteOut:
        return _after(
            db_session,
            actions.reject_reassignment(
                db_session, request.user, assignment_id, reason=data.reason, expected_version=data.expected_version
            ),
        )

    @post(
        "/assignments/{assignment_id:int}/communications",
        guards=[departments_only],
        summary="Record a communication with the submitter (沟通)",
        **WITH_FILES,
    )
    def record_communication(
        self, request: Request, db_session: DbSession, assignment_id: FromPath[int], data: JSONBody[CommunicationIn]
    ) -> CommunicationWriteOut:
        c = actions.record_communication(
            db_session,
            request.user,
            assignment_id,
            method=data.method,
            happened_at=_aware(data.happened_at),
            participants=data.participants,
            notes=data.notes,
            files=_uploads(data.files),
        )
        changed = changed_versions(db_session)
        return CommunicationWriteOut(
            c.id, c.assignment_id, c.round, c.method, c.happened_at, c.participants, c.notes, changed
        )

    @put(
        "/assignments/{assignment_id:int}/opinion",
        guards=[departments_only],
        summary="Write or rewrite the co-handling opinion (会办意见)",
        **WITH_FILES,
    )
    def save_opinion(
        self, request: Request, db_session: DbSession, assignment_id: FromPath[int], data: JSONBody[OpinionIn]
    ) -> AssignmentWriteOut:
        actions.save_opinion(
            db_session,
            request.user,
            assignment_id,
            body=data.body,
            files=_uploads(data.files),
            expected_version=data.expected_version,
        )
        return _after(db_session, access.get_assignment_for(db_session, request.user, assignment_id))

    @post(
        "/assignments/{assignment_id:int}/opinion/send",
        guards=[departments_only],
        summary="Send the opinion to the lead department",
        **COMMON,
    )
    def send_opinion(
        self, request: Request, db_session: DbSession, assignment_id: FromPath[int], data: JSONBody[VersionIn]
    ) -> AssignmentWriteOut:
        actions.send_opinion(db_session, request.user, assignment_id, expected_version=data.expected_version)
        return _after(db_session, access.get_assignment_for(db_session, request.user, assignment_id))

    @put(
        "/assignments/{assignment_id:int}/reply",
        guards=[departments_only],
        summary="Write or rewrite the reply draft (lead and split departments)",
        **WITH_FILES,
    )
    def save_reply(
        self, request: Request, db_session: DbSession, assignment_id: FromPath[int], data: JSONBody[ReplyIn]
    ) -> AssignmentWriteOut:
        draft = actions.ReplyDraft(
            body=data.body,
            result_class=data.result_class,
            contact_person=data.contact_person,
            contact_phone=data.contact_phone,
            disclosure=data.disclosure,
            disclosure_reason=data.disclosure_reason,
            summary=data.summary,
            letter_number=data.letter_number,
        )
        actions.save_reply(
            db_session,
            request.user,
            assignment_id,
            draft,
            files=_uploads(data.files),
            expected_version=data.expected_version,
        )
        return _after(db_session, access.get_assignment_for(db_session, request.user, assignment_id))

    @post(
        "/assignments/{assignment_id:int}/sign-off",
        guards=[departments_only],
        summary="Unit head signs the reply off (签发)",
        **COMMON,
    )
    def sign_off(
        self, request: Request, db_session: DbSession, assignment_id: FromPath[int], data: JSONBody[VersionIn]
    ) -> AssignmentWriteOut:
        actions.sign_off(db_session, request.user, assignment_id, expected_version=data.expected_version)
        return _after(db_session, access.get_assignment_for(db_session, request.user, assignment_id))

    @post(
        "/assignments/{assignment_id:int}/return-draft",
        guards=[departments_only],
        summary="Unit head returns the draft to the handler",
        **COMMON,
    )
    def return_draft(
        self, request: Request, db_session: DbSession, assignment_id: FromPath[int], data: JSONBody[ReasonIn]
    ) -> AssignmentWriteOut:
        return _after(
            db_session,
            actions.return_draft(
                db_session, request.user, assignment_id, reason=data.reason, expected_version=data.expected_version
            ),
        )

    @post(
        "/assignments/{assignment_id:int}/submit",
        guards=[departments_only],
        summary="Submit the signed-off reply to the office for review",
        **COMMON,
    )
    def submit(
        self, request: Request, db_session: DbSession, assignment_id: FromPath[int], data: JSONBody[VersionIn]
    ) -> AssignmentWriteOut:
        return _after(
            db_session,
            actions.submit_for_review(db_session, request.user, assignment_id, expected_version=data.expected_version),
        )

    @post(
        "/assignments/{assignment_id:int}/acknowledge",
        guards=[departments_only],
        summary="Reference department: noted (参阅)",
        **COMMON,
    )
    def acknowledge(
        self, request: Request, db_session: DbSession, assignment_id: FromPath[int], data: JSONBody[VersionIn]
    ) -> AssignmentWriteOut:
        return _after(
            db_session,
            actions.acknowledge(db_session, request.user, assignment_id, expected_version=data.expected_version),
        )

    @post(
        "/assignments/{assignment_id:int}/waive-co-opinions",
        guards=[office_only],
        summary="Let the lead's reply go without overdue co-handler opinions",
        **COMMON,
    )
    def waive(
        self, request: Request, db_session: DbSession, assignment_id: FromPath[int], data: JSONBody[ReasonIn]
    ) -> AssignmentWriteOut:
        return _after(
            db_session, actions.waive_co_opinions(db_session, request.user, assignment_id, reason=data.reason)
        )

    @post(
        "/assignments/{assignment_id:int}/return-reply",
        guards=[office_only],
        summary="Office returns the reply for rework",
        **COMMON,
    )
    def return_reply(
        self, request: Request, db_session: DbSession, assignment_id: FromPath[int], data: JSONBody[ReasonIn]
    ) -> AssignmentWriteOut:
        return _after(
            db_session,
            actions.return_reply(
                db_session, request.user, assignment_id, reason=data.reason, expected_version=data.expected_version
            ),
        )

    @post(
        "/assignments/{assignment_id:int}/accept-reply",
        guards=[office_only],
        summary="Office accepts the reply (optionally another result class) and it is sent",
        **COMMON,
    )
    def accept_reply(
        self, request: Request, db_session: DbSession, assignment_id: FromPath[int], data: JSONBody[AcceptIn]
    ) -> AssignmentWriteOut:
        actions.accept_reply(
            db_session,
            request.user,
            assignment_id,
            result_class=data.result_class,
            reason=data.reason,
            expected_version=data.expected_version,
        )
        return _after(db_session, access.get_assignment_for(db_session, request.user, assignment_id))

    # ------------------------------------------------------------------ item actions

    @post(
        "/items/{item_id:int}/assign",
        guards=[office_only],
        summary="Assign (交办): create the departments' assignments",
        **COMMON,
    )
    def assign(
        self, request: Request, db_session: DbSession, item_id: FromPath[int], data: JSONBody[AssignIn]
    ) -> list[AssignmentWriteOut]:
        created = actions.assign(
            db_session,
            request.user,
            item_id,
            [(p.department, p.role) for p in data.plan],
            expected_version=data.expected_version,
        )
        return [_after(db_session, a) for a in created]

    @post(
        "/items/{item_id:int}/request-feedback",
        guards=[office_only],
        summary="Ask the submitter for feedback (征询意见)",
        **COMMON,
    )
    def request_feedback(
        self, request: Request, db_session: DbSession, item_id: FromPath[int], data: JSONBody[VersionIn]
    ) -> ItemWriteOut:
        return _item_after(
            db_session,
            actions.request_feedback(db_session, request.user, item_id, expected_version=data.expected_version),
        )

    @post(
        "/items/{item_id:int}/feedback",
        guards=[office_only],
        summary="Record the round's feedback; dissatisfied opens a new round, otherwise the item closes",
        **COMMON,
    )
    def record_feedback(
        self, request: Request, db_session: DbSession, item_id: FromPath[int], data: JSONBody[FeedbackIn]
    ) -> ItemWriteOut:
        actions.record_feedback(
            db_session,
            request.user,
            item_id,
            level=data.level,
            given_by=data.given_by,
            handling_level=data.handling_level,
            result_level=data.result_level,
            comment=data.comment,
            received_on=data.received_on,
            expected_version=data.expected_version,
        )
        return _item_after(db_session, access.get_item_for(db_session, request.user, item_id))

    @post(
        "/items/{item_id:int}/close",
        guards=[office_only],
        summary="Close (after feedback, or when the feedback period passed)",
        **COMMON,
    )
    def close(
        self, request: Request, db_session: DbSession, item_id: FromPath[int], data: JSONBody[VersionIn]
    ) -> ItemWriteOut:
        return _item_after(
            db_session, actions.close_item(db_session, request.user, item_id, expected_version=data.expected_version)
        )

    @post(
        "/items/{item_id:int}/close-without-reply",
        guards=[office_only],
        summary="Close a reference-only item",
        **COMMON,
    )
    def close_without_reply(
        self, request: Request, db_session: DbSession, item_id: FromPath[int], data: JSONBody[VersionIn]
    ) -> ItemWriteOut:
        return _item_after(
            db_session,
            actions.close_without_reply(db_session, request.user, item_id, expected_version=data.expected_version),
        )

    @post("/items/{item_id:int}/merge", guards=[office_only], summary="Merge into another item (并案)", **COMMON)
    def merge(
        self, request: Request, db_session: DbSession, item_id: FromPath[int], data: JSONBody[MergeIn]
    ) -> ItemWriteOut:
        actions.merge(
            db_session,
            request.user,
            item_id,
            into_item_id=data.into_item_id,
            reason=data.reason,
            expected_version=data.expected_version,
        )
        return _item_after(db_session, access.get_item_for(db_session, request.user, item_id))

    @post("/items/{item_id:int}/withdraw", guards=[office_only], summary="Withdraw the item", **COMMON)
    def withdraw(
        self, request: Request, db_session: DbSession, item_id: FromPath[int], data: JSONBody[ReasonIn]
    ) -> ItemWriteOut:
        return _item_after(
            db_session,
            actions.withdraw(
                db_session, request.user, item_id, reason=data.reason, expected_version=data.expected_version
            ),
        )

    @post(
        "/replies/{reply_id:int}/result-class",
        guards=[office_only],
        summary="Change a sent reply's result class later (回头看); history kept",
        **COMMON,
    )
    def change_result_class(
        self, request: Request, db_session: DbSession, reply_id: FromPath[int], data: JSONBody[ResultClassIn]
    ) -> ResultClassOut:
        reply = actions.change_result_class(
            db_session, request.user, reply_id, result_class=data.result_class, reason=data.reason
        )
        return ResultClassOut(reply.id, reply.result_class, changed_versions(db_session))


route_handlers = [HandlingApi]
