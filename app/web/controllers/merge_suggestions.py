"""并案 (merge) suggestions found at import: the routing review's accept/dismiss forms and the JSON API.

API answers: 200 with the suggestion (and `changed`, the new versions of the items the merge
moved), or the API's one error body: 403, 404, 409 (already decided, someone else decided first,
or the workflow refuses the merge — the message says why), 422 (a dismissal without a reason).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import Redirect
from sqlalchemy.orm import Session

from app.i18n import _
from app.services import duplicates
from app.services.errors import UserError
from app.web.deps import DbSession, FormData
from app.web.flash import flash_redirect
from app.web.guards import office_only
from app.web.params import form_id
from app.web.versions import VersionOut, changed_versions


class MergeSuggestionPages(Controller):
    path = "/routing/merge-suggestions"
    include_in_schema = False
    guards = [office_only]

    def _decide(self, request: Request, db_session: Session, suggestion_id: int, data: dict, accept: bool) -> Redirect:
        row = duplicates.get_suggestion(db_session, request.user, suggestion_id)
        back = f"/routing/items/{form_id(data.get('back_item')) or row.item_id}"
        reason = str(data.get("reason") or "")
        version = form_id(data.get("version"))
        try:
            if accept:
                duplicates.accept(db_session, request.user, suggestion_id, reason=reason, expected_version=version)
                message = _("Merged as suggested.")
            else:
                duplicates.dismiss(db_session, request.user, suggestion_id, reason=reason, expected_version=version)
                message = _("Merge suggestion dismissed.")
        except UserError as refused:
            db_session.rollback()
            return flash_redirect(request, db_session, back, refused.message, "error")
        return flash_redirect(request, db_session, back, message)

    @post("/{suggestion_id:int}/accept", sync_to_thread=True)
    def accept(self, request: Request, db_session: DbSession, suggestion_id: FromPath[int], data: FormData) -> Redirect:
        return self._decide(request, db_session, suggestion_id, data, accept=True)

    @post("/{suggestion_id:int}/dismiss", sync_to_thread=True)
    def dismiss(
        self, request: Request, db_session: DbSession, suggestion_id: FromPath[int], data: FormData
    ) -> Redirect:
        return self._decide(request, db_session, suggestion_id, data, accept=False)


@dataclass
class MergeSuggestionOut:
    id: int
    item_id: int  # the item proposed for merging
    item_number: str
    other_item_id: int  # the item it would be merged into
    other_number: str
    other_session: str
    other_title: str
    score: float  # 0..1
    shared_terms: list[str]
    kind: str  # same_submitter | one_matter
    status: str  # proposed | accepted | dismissed
    merge_refused: str | None  # why the workflow would refuse the merge now (proposed ones only)
    decided_by: str | None
    decided_at: str | None  # ISO timestamp
    reason: str | None
    version: int


@dataclass
class MergeSuggestionWriteOut(MergeSuggestionOut):
    changed: list[VersionOut] = field(default_factory=list)  # new version of every item/assignment changed


@dataclass
class AcceptRequest:
    reason: str | None = None  # for the merge; a default naming the suggestion when empty
    expected_version: int | None = None


@dataclass
class DismissRequest:
    reason: str
    expected_version: int | None = None


def _out(view: duplicates.SuggestionView) -> MergeSuggestionOut:
    row = view.suggestion
    return MergeSuggestionOut(
        id=row.id,
        item_id=row.item_id,
        item_number=view.item.number,
        other_item_id=row.other_item_id,
        other_number=view.other.number,
        other_session=view.other.session.label,
        other_title=view.other.title,
        score=view.score,
        shared_terms=list(row.shared_terms),
        kind=row.kind,
        status=row.status,
        merge_refused=view.merge_refusal,
        decided_by=row.decided_by_name,
        decided_at=row.decided_at.isoformat() if row.decided_at else None,
        reason=row.reason,
        version=row.version,
    )


class MergeSuggestionApi(Controller):
    path = "/api/merge-suggestions"
    tags = ["routing"]
    guards = [office_only]

    @get("/", summary="并案 suggestions naming an item (on either side)", sync_to_thread=True)
    def for_item(
        self,
        request: Request,
        db_session: DbSession,
        item_id: Annotated[int, QueryParameter(description="the item (1 .. 2^31-1)", ge=1, le=2**31 - 1)],
    ) -> list[MergeSuggestionOut]:
        return [_out(v) for v in duplicates.suggestions_for_item(db_session, request.user, item_id)]

    @get("/{suggestion_id:int}", summary="One 并案 suggestion", sync_to_thread=True)
    def one(self, request: Request, db_session: DbSession, suggestion_id: FromPath[int]) -> MergeSuggestionOut:
        return _out(duplicates.view_of(db_session, request.user, suggestion_id))

    @post(
        "/{suggestion_id:int}/accept",
        summary="Accept: merge the item through the workflow",
        sync_to_thread=True,
        status_code=200,
    )
    def accept(
        self, request: Request, db_session: DbSession, suggestion_id: FromPath[int], data: JSONBody[AcceptRequest]
    ) -> MergeSuggestionWriteOut:
        duplicates.accept(
            db_session, request.user, suggestion_id, reason=data.reason, expected_version=data.expected_version
        )
        return self._written(db_session, request, suggestion_id)

    @post("/{suggestion_id:int}/dismiss", summary="Dismiss with a reason", sync_to_thread=True, status_code=200)
    def dismiss(
        self, request: Request, db_session: DbSession, suggestion_id: FromPath[int], data: JSONBody[DismissRequest]
    ) -> MergeSuggestionWriteOut:
        duplicates.dismiss(
            db_session, request.user, suggestion_id, reason=data.reason, expected_version=data.expected_version
        )
        return self._written(db_session, request, suggestion_id)

    def _written(self, db_session: Session, request: Request, suggestion_id: int) -> MergeSuggestionWriteOut:
        out = _out(duplicates.view_of(db_session, request.user, suggestion_id))
        return MergeSuggestionWriteOut(**vars(out), changed=changed_versions(db_session))


route_handlers = [MergeSuggestionPages, MergeSuggestionApi]
