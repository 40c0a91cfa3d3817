"""Route guards: who may reach a handler at all. Row-level scoping is app.services.access."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from app.domain.enums import DEPARTMENT_ROLES, OFFICE_ROLES, Role
from app.i18n import _


def _signed_in(connection: ASGIConnection) -> None:
    if connection.scope.get("user") is None:
        raise NotAuthorizedException(_("Please log in."))


def logged_in(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    """Any staff account (office, department, leader). Deputies and members only reach the portal."""
    _signed_in(connection)
    if connection.scope["user"].role is Role.DEPUTY:
        raise PermissionDeniedException(_("Your role may not open this page."))


def roles(*allowed: Role):
    """Only the roles named; a deputy passes only where Role.DEPUTY is named explicitly."""
    allowed_set = frozenset(allowed)

    def guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        _signed_in(connection)
        if connection.scope["user"].role not in allowed_set:
            raise PermissionDeniedException(_("Your role may not open this page."))

    guard.__name__ = "roles_" + "_".join(sorted(r.value for r in allowed_set))
    return guard


office_only = roles(*OFFICE_ROLES)
office_admin_only = roles(Role.OFFICE_ADMIN)
department_or_office = roles(*OFFICE_ROLES, *DEPARTMENT_ROLES)
deputy_only = roles(Role.DEPUTY)
