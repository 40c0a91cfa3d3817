"""Accounts and departments: office administration pages and their API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import ResponseHeader
from litestar.params import JSONBody, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from app.db.models import Department, User
from app.domain.enums import OFFICE_ROLES, Role
from app.domain.text import N_
from app.i18n import _
from app.services import accounts, context, departments
from app.services.errors import UserError
from app.services.user_list import USER_SPEC, list_users
from app.web import forms
from app.web.deps import DbSession
from app.web.flash import flash_redirect
from app.web.guards import logged_in, office_admin_only, office_only
from app.web.listing import parse_query, view
from app.web.nav import NavEntry

NAV = [
    NavEntry(N_("Departments"), "/admin/departments", frozenset(OFFICE_ROLES), order=80),
    NavEntry(N_("Accounts"), "/admin/users", frozenset({Role.OFFICE_ADMIN}), order=90),
]


@dataclass
class NewUser:
    username: str
    password: str
    role: str
    department: str | None = None
    display_name: str = ""


@dataclass
class UserOut:
    id: int
    username: str
    display_name: str
    role: str
    department: str | None
    active: bool


@dataclass
class DepartmentOut:
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    active: bool


def _user_out(user: User) -> UserOut:
    return UserOut(
        user.id,
        user.username,
        user.display_name,
        user.role,
        user.department.code if user.department else None,
        user.active,
    )


def _departments(session: Session) -> list[Department]:
    return departments.all_departments(session)


def _users_context(session: Session, request: Request) -> dict:
    query = parse_query(request.query_params, USER_SPEC)
    page = list_users(session, request.user, query)
    return {
        "users": page.rows,
        "view": view(page, "/admin/users"),
        "query": query,
        "departments": _departments(session),
        "roles": list(Role),
        "problems": [],
        "errors": {},
        "error": None,
        "form": {},
    }


def _create(session: Session, request: Request, data: NewUser) -> User:
    return accounts.create_user(
        session,
        request.user,
        username=data.username,
        password=data.password,
        role=data.role,
        department_code=data.department or None,
        display_name=data.display_name,
    )


class AdminPages(Controller):
    path = "/admin"
    include_in_schema = False

    @get("/users", guards=[office_admin_only], include_in_schema=False, sync_to_thread=True)
    def users_page(self, request: Request, db_session: DbSession) -> Template:
        return Template("admin/users.html", context=_users_context(db_session, request))

    @post("/users", guards=[office_admin_only], include_in_schema=False, sync_to_thread=True)
    def users_create(
        self,
        request: Request,
        db_session: DbSession,
        data: URLEncodedBody[NewUser],
    ) -> Response:
        try:
            user = _create(db_session, request, data)
        except UserError as exc:
            kept = {k: v for k, v in vars(data).items() if k != "password"}  # never echo a password
            return forms.rerender(
                db_session, exc, "admin/users.html", lambda: _users_context(db_session, request), kept
            )
        return flash_redirect(request, db_session, "/admin/users", _("Account %(name)s created.", name=user.username))

    @get("/departments", guards=[office_only], include_in_schema=False, sync_to_thread=True)
    def departments_page(self, db_session: DbSession) -> Template:
        counts = departments.department_item_counts(db_session)
        return Template(
            "admin/departments.html",
            context={
                "departments": _departments(db_session),
                "counts": counts,
                "profile": context.current().profile,
                "synced": None,  # the notice comes from the server session (app/web/flash.py)
            },
        )

    @post("/departments/sync", guards=[office_admin_only], include_in_schema=False, sync_to_thread=True)
    def departments_sync_page(self, request: Request, db_session: DbSession) -> Redirect:
        report = departments.sync_departments(db_session, request.user, context.current().profile)
        message = (
            _("Departments now match the profile.") if report.changed else _("Departments already matched the profile.")
        )
        return flash_redirect(request, db_session, "/admin/departments", message)


class AdminApi(Controller):
    path = "/api"
    tags = ["accounts"]

    @get(
        "/users",
        guards=[office_admin_only],
        summary="List accounts: filters role, department, active (yes/no), q; sort; paging; total in X-Total-Count",
        tags=["accounts"],
        response_headers=[
            ResponseHeader(name="X-Total-Count", description="accounts matching", documentation_only=True)
        ],
        sync_to_thread=True,
    )
    def api_users(
        self,
        request: Request,
        db_session: DbSession,
        role: Annotated[str | None, QueryParameter(description="role code", required=False)] = None,
        department: Annotated[str | None, QueryParameter(description="department code", required=False)] = None,
        active: Annotated[str | None, QueryParameter(description="yes | no", required=False)] = None,
        q: Annotated[str | None, QueryParameter(description="text in the user name or name", required=False)] = None,
        sort: Annotated[
            str | None,
            QueryParameter(description="username | name | role | department | active | last_login", required=False),
        ] = None,
        direction: Annotated[str | None, QueryParameter(description="asc | desc", name="dir", required=False)] = None,
        page: Annotated[int | None, QueryParameter(description="1 .. 2^31-1", required=False)] = None,
        per_page: Annotated[int | None, QueryParameter(description="1 .. 200, default 50", required=False)] = None,
    ) -> Response[list[UserOut]]:
        listed = list_users(db_session, request.user, parse_query(request.query_params, USER_SPEC))
        return Response([_user_out(u) for u in listed.rows], headers={"X-Total-Count": str(listed.total)})

    @post("/users", guards=[office_admin_only], summary="Create an account", tags=["accounts"], sync_to_thread=True)
    def api_create_user(self, request: Request, db_session: DbSession, data: JSONBody[NewUser]) -> UserOut:
        """Errors: 422 with `problems` naming each field."""
        user = _create(db_session, request, data)
        db_session.refresh(user, ["department"])
        return _user_out(user)

    @get("/departments", guards=[logged_in], summary="List departments", tags=["departments"], sync_to_thread=True)
    def api_departments(self, db_session: DbSession) -> list[DepartmentOut]:
        return [DepartmentOut(d.id, d.code, d.name, d.short_name, d.kind, d.active) for d in _departments(db_session)]

    @post(
        "/departments/sync",
        guards=[office_admin_only],
        summary="Make departments match the profile",
        tags=["departments"],
        sync_to_thread=True,
    )
    def api_departments_sync(self, request: Request, db_session: DbSession) -> dict[str, list[str]]:
        report = departments.sync_departments(db_session, request.user, context.current().profile)
        return {k: v for k, v in vars(report).items()}


route_handlers = [AdminPages, AdminApi]
