"""Accounts and departments: office administration pages and their API."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery, JSONBody, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.db.models import Department, User
from app.domain.enums import OFFICE_ROLES, Role
from app.domain.text import N_
from app.services import accounts, context, departments
from app.services.errors import ValidationFailed
from app.web.deps import DbSession
from app.web.guards import logged_in, office_admin_only, office_only
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


def _users(session: Session) -> list[User]:
    return list(session.scalars(select(User).options(selectinload(User.department)).order_by(User.username)))


def _departments(session: Session) -> list[Department]:
    return departments.all_departments(session)


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
    def users_page(self, db_session: DbSession, created: FromQuery[str | None] = None) -> Template:
        return Template(
            "admin/users.html",
            context={
                "users": _users(db_session),
                "departments": _departments(db_session),
                "roles": list(Role),
                "created": created,
                "problems": [],
                "form": {},
            },
        )

    @post("/users", guards=[office_admin_only], include_in_schema=False, sync_to_thread=True)
    def users_create(
        self,
        request: Request,
        db_session: DbSession,
        data: URLEncodedBody[NewUser],
    ) -> Response:
        try:
            user = _create(db_session, request, data)
        except ValidationFailed as exc:
            return Template(
                "admin/users.html",
                status_code=422,
                context={
                    "users": _users(db_session),
                    "departments": _departments(db_session),
                    "roles": list(Role),
                    "created": None,
                    "problems": exc.problems,
                    "error": exc.message,
                    "form": {
                        "username": data.username,
                        "role": data.role,
                        "department": data.department,
                        "display_name": data.display_name,
                    },
                },
            )
        return Redirect(f"/admin/users?created={quote(user.username)}")

    @get("/departments", guards=[office_only], include_in_schema=False, sync_to_thread=True)
    def departments_page(self, db_session: DbSession, synced: FromQuery[int | None] = None) -> Template:
        counts = departments.department_item_counts(db_session)
        return Template(
            "admin/departments.html",
            context={
                "departments": _departments(db_session),
                "counts": counts,
                "profile": context.current().profile,
                "synced": synced,
            },
        )

    @post("/departments/sync", guards=[office_admin_only], include_in_schema=False, sync_to_thread=True)
    def departments_sync_page(self, request: Request, db_session: DbSession) -> Redirect:
        report = departments.sync_departments(db_session, request.user, context.current().profile)
        return Redirect(f"/admin/departments?synced={int(report.changed)}")


class AdminApi(Controller):
    path = "/api"
    tags = ["accounts"]

    @get("/users", guards=[office_admin_only], summary="List accounts", tags=["accounts"], sync_to_thread=True)
    def api_users(self, db_session: DbSession) -> list[UserOut]:
        return [_user_out(u) for u in _users(db_session)]

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
