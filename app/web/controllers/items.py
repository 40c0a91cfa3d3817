"""The item list (/items) and its JSON API (/api/items) on the one list mechanism
(app/services/listing.py): filters, sort by every column, paging, the whole state in the URL,
export of the selection or of all matching items. Department users are scoped first."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, QueryParameter
from litestar.response import File, Template
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Category, CongressSession
from app.domain.enums import DEPARTMENT_ROLES, ItemKind, ItemState
from app.services import departments as department_service
from app.services.item_list import ITEM_SPEC, export_download, item_as_dict, list_items, reference_names
from app.services.listing import ListQuery
from app.web.deps import DbSession
from app.web.guards import logged_in
from app.web.listing import parse_query, view
from app.web.params import form_id

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES = {".xlsx": XLSX, ".csv": "text/csv", ".json": "application/json"}  # Litestar adds the charset


def _q(description: str, name: str | None = None, format: str | None = None) -> Any:
    return QueryParameter(description=description, required=False, name=name, format=format)


def item_list_query(
    request: Request,
    session: Annotated[str | None, _q("session id (届次), 1 .. 2^31-1", format="int32")] = None,
    kind: Annotated[str | None, _q("npc_suggestion | cppcc_proposal")] = None,
    category: Annotated[str | None, _q("category code; a first-level code includes its sub-categories")] = None,
    item_state: Annotated[list[str] | None, _q("item state; repeat for any of several", "state")] = None,
    lead: Annotated[str | None, _q("department code of the current lead part (主办)")] = None,
    co: Annotated[str | None, _q("department code of a co-handling part (协办/会办)")] = None,
    split: Annotated[str | None, _q("department code of a split part (分办)")] = None,
    department: Annotated[str | None, _q("department code: any part, or named as intended unit")] = None,
    due_from: Annotated[str | None, _q("reply deadline on or after (YYYY-MM-DD)", format="date")] = None,
    due_to: Annotated[str | None, _q("reply deadline on or before (YYYY-MM-DD)", format="date")] = None,
    overdue: Annotated[str | None, _q("1: a reply is overdue")] = None,
    key: Annotated[str | None, _q("1: key supervision (重点督办) only")] = None,
    delegation: Annotated[str | None, _q("text in the delegation (代表团) or sector (界别)")] = None,
    submitter: Annotated[str | None, _q("text in the lead submitter's or a co-signer's name")] = None,
    q: Annotated[
        str | None, _q("text in the number, title, content or submitters (substring, no word splitting)")
    ] = None,
    ids: Annotated[list[int] | None, _q("only these item ids; repeat")] = None,
    sort: Annotated[
        str | None, _q("number | title | category | lead | state | due | key | session | submitter; -key: descending")
    ] = None,
    direction: Annotated[str | None, _q("asc | desc", "dir")] = None,
) -> ListQuery:
    """The parameters document the list in OpenAPI; the list mechanism validates them (text here, so an
    empty field of the filter form means "not given" instead of a parse error).
    page and per_page are declared on each handler (PageParam, PerPageParam), where the bounded
    integer check of app.web.middleware sees them."""
    return parse_query(request.query_params, ITEM_SPEC)


ListDependency = NamedDependency[ListQuery]
PageParam = Annotated[int | None, QueryParameter(description="1 .. 2^31-1", required=False)]
PerPageParam = Annotated[int | None, QueryParameter(description="1 .. 200, default 50", required=False)]
LIST_DEPENDENCIES = {"list_query": Provide(item_list_query, sync_to_thread=False)}


def _sessions(db_session: Session) -> list[CongressSession]:
    return list(
        db_session.scalars(select(CongressSession).order_by(CongressSession.year.desc(), CongressSession.label))
    )


def _selection(request: Request, query: ListQuery) -> ListQuery:
    """An export of the ticked rows (selected=ID…) or, with all_matching=1, of every matching item."""
    if request.query_params.get("all_matching") in ("1", "true", "on"):
        return query
    selected = [form_id(v) for v in request.query_params.getall("selected", [])]
    chosen = tuple(i for i in selected if i is not None)
    if not chosen:
        return query
    already = query.get("ids")
    ids = tuple(i for i in chosen if not already or i in already)
    return query.with_(filters={**query.filters, "ids": ids or (-1,)})


def _export(db_session: Session, request: Request, query: ListQuery, fmt: str) -> File:
    path = export_download(db_session, request.user, _selection(request, query), fmt)
    return File(path, filename=f"建议提案导出{path.suffix}", media_type=MEDIA_TYPES[path.suffix])


class ItemPages(Controller):
    path = "/items"
    include_in_schema = False
    guards = [logged_in]
    dependencies = LIST_DEPENDENCIES

    @get("/", sync_to_thread=True)
    def index(
        self,
        request: Request,
        db_session: DbSession,
        list_query: ListDependency,
        page: PageParam = None,
        per_page: PerPageParam = None,
    ) -> Template:
        result = list_items(db_session, request.user, list_query)
        categories, sessions = reference_names(db_session)
        return Template(
            "importing/items.html",
            context={
                "view": view(result, "/items"),
                "query": list_query,
                "categories": categories,
                "session_labels": sessions,
                "sessions": _sessions(db_session),
                "category_list": list(db_session.scalars(select(Category).order_by(Category.code))),
                "departments": department_service.all_departments(db_session),
                "states": list(ItemState),
                "kinds": list(ItemKind),
                "is_department": request.user.role in DEPARTMENT_ROLES,
            },
        )

    @get("/export", sync_to_thread=True)
    def export(
        self, request: Request, db_session: DbSession, list_query: ListDependency, format: FromQuery[str] = "xlsx"
    ) -> File:
        return _export(db_session, request, list_query, format)


class ItemApi(Controller):
    path = "/api/items"
    tags = ["items"]
    guards = [logged_in]
    dependencies = LIST_DEPENDENCIES

    @get("/", sync_to_thread=True, summary="Items, filtered, sorted and paged (department users: their own only)")
    def index(
        self,
        request: Request,
        db_session: DbSession,
        list_query: ListDependency,
        page: PageParam = None,
        per_page: PerPageParam = None,
    ) -> dict[str, Any]:
        result = list_items(db_session, request.user, list_query)
        categories, sessions = reference_names(db_session)
        return {**result.as_dict(), "items": [item_as_dict(r, categories, sessions) for r in result.rows]}

    @get(
        "/export",
        sync_to_thread=True,
        summary="Export the filtered items (.xlsx re-importable, .csv, .json); selected=ID… for a selection",
    )
    def export(
        self,
        request: Request,
        db_session: DbSession,
        list_query: ListDependency,
        format: FromQuery[str] = "xlsx",
        selected: Annotated[list[int] | None, QueryParameter(description="only these of the matching items")] = None,
        all_matching: Annotated[str | None, QueryParameter(description="1: every matching item")] = None,
    ) -> File:
        return _export(db_session, request, list_query, format)


route_handlers = [ItemPages, ItemApi]
