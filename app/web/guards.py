"""Route guards: who may reach a handler at all. Row-level scoping is app.services.access."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from app.domain.enums import DEPARTMENT_ROLES, OFFICE_ROLES, Role
from app.i18n import _


def logged_in(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    if connection.scope.get("user") is None:
        raise NotAuthorizedException(_("Please log in."))


def roles(*allowed: Role):
    allowed_set = frozenset(allowed)

    def guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        logged_in(connection, handler)
        if connection.scope["user"].role not in allowed_set:
            raise PermissionDeniedException(_("Your role may not open this page."))

    guard.__name__ = "roles_" + "_".join(sorted(r.value for r in allowed_set))
    return guard


office_only = roles(*OFFICE_ROLES)
office_admin_only = roles(Role.OFFICE_ADMIN)
department_or_office = roles(*OFFICE_ROLES, *DEPARTMENT_ROLES)
