"""Who is acting: the logged-in user, or the system for scheduled jobs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.enums import DEPARTMENT_ROLES, OFFICE_ROLES, Role

if TYPE_CHECKING:
    from app.db.models import User


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    role: Role
    department_id: int | None = None
    display_name: str = ""

    @classmethod
    def system(cls) -> Actor:
        return cls(user_id=None, username="system", role=Role.OFFICE_ADMIN, display_name="system")

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user.id, user.username, Role(user.role), user.department_id, user.display_name or user.username)

    @property
    def is_system(self) -> bool:
        return self.user_id is None

    @property
    def is_office(self) -> bool:
        return self.role in OFFICE_ROLES

    @property
    def is_department(self) -> bool:
        return self.role in DEPARTMENT_ROLES

    @property
    def is_leader(self) -> bool:
        return self.role is Role.LEADER_READONLY

    @property
    def is_deputy(self) -> bool:
        return self.role is Role.DEPUTY

    @property
    def is_admin(self) -> bool:
        return self.role is Role.OFFICE_ADMIN
