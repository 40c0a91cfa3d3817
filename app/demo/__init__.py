"""`jianti demo`: a migrated SQLite database seeded with realistic data and one account per role.

Each module here seeds one capability: `ORDER` (int) and `seed(session, ctx)`. Seeders must be
idempotent, because the demo may be started again on the same database.
"""

from __future__ import annotations

import importlib
import pkgutil
import secrets
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.engine import session_scope
from app.db.models import CongressSession, Department, User
from app.domain.enums import Role
from app.domain.profile import Profile
from app.services import accounts
from app.services.actor import Actor

# username, role, department code, display name
DEMO_ACCOUNTS = [
    ("admin", Role.OFFICE_ADMIN, None, "建议提案处 管理员"),
    ("staff", Role.OFFICE_STAFF, None, "建议提案处 王晓"),
    ("jtw", Role.DEPT_HANDLER, "jtw", "市交通委 李明"),
    ("jtw_lead", Role.DEPT_LEADER, "jtw", "市交通委 张主任"),
    ("jw", Role.DEPT_HANDLER, "jw", "市教委 陈静"),
    ("jw_lead", Role.DEPT_LEADER, "jw", "市教委 刘主任"),
    ("leader", Role.LEADER_READONLY, None, "办公厅 赵副主任"),
]


@dataclass
class DemoContext:
    profile: Profile
    today: date
    users: dict[str, User] = field(default_factory=dict)  # by username
    departments: dict[str, Department] = field(default_factory=dict)  # by code
    sessions: dict[str, CongressSession] = field(default_factory=dict)  # by body: npc / cppcc

    def actor(self, username: str) -> Actor:
        return Actor.of(self.users[username])


def ensure_accounts(session: Session) -> list[tuple[str, str, str]]:
    """Create missing demo accounts; returns (username, role, password) for the new ones only."""
    created = []
    for username, role, dept, display in DEMO_ACCOUNTS:
        if session.scalar(select(User.id).where(User.username == username)):
            continue
        password = secrets.token_urlsafe(9)
        accounts.create_user(
            session,
            Actor.system(),
            username=username,
            password=password,
            role=role.value,
            department_code=dept,
            display_name=display,
        )
        created.append((username, role.value, password))
    return created


def run_seeders(profile: Profile, today: date, echo=print) -> None:
    from app import demo

    modules = [importlib.import_module(f"{demo.__name__}.{m.name}") for m in pkgutil.iter_modules(demo.__path__)]
    for module in sorted((m for m in modules if hasattr(m, "seed")), key=lambda m: m.ORDER):
        with session_scope() as session:
            ctx = load_context(session, profile, today)
            module.seed(session, ctx)
        echo(f"  seeded: {module.__name__.rsplit('.', 1)[-1]}")


def load_context(session: Session, profile: Profile, today: date) -> DemoContext:
    ctx = DemoContext(profile=profile, today=today)
    ctx.users = {u.username: u for u in session.scalars(select(User))}
    ctx.departments = {d.code: d for d in session.scalars(select(Department))}
    for s in session.scalars(select(CongressSession).order_by(CongressSession.year)):
        ctx.sessions[s.body] = s
    return ctx
