"""Accounts: creation, argon2id passwords, login with throttling, server-side sessions, API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import Session, joinedload

from app.db.base import utcnow
from app.db.models import ApiToken, Department, User, WebSession
from app.domain.enums import DEPARTMENT_ROLES, Role
from app.i18n import _
from app.services import audit
from app.services.actor import Actor
from app.services.errors import Problem, UserError, ValidationFailed
from app.settings import Settings, get_settings

# argon2id with the library's current recommended parameters. The test suite alone may put the
# cheapest parameters in force (Settings.fast_password_hashing: no environment variable sets it).
_STANDARD_HASHER = PasswordHasher()
_FAST_TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
# Verified against when the username is unknown, so a wrong name costs as much time as a wrong password.
_DUMMY_HASHES: dict[int, str] = {}


def _hasher() -> PasswordHasher:
    return _FAST_TEST_HASHER if get_settings().fast_password_hashing else _STANDARD_HASHER


def _dummy_hash() -> str:
    hasher = _hasher()
    known = _DUMMY_HASHES.get(id(hasher))
    if known is None:
        known = _DUMMY_HASHES[id(hasher)] = hasher.hash(secrets.token_urlsafe(16))
    return known


MIN_PASSWORD_LENGTH = 8


class LoginFailed(UserError):
    status_code = 401
    code = "login_failed"


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    """Tokens are 256-bit random values, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    session: Session,
    actor: Actor,
    *,
    username: str,
    password: str,
    role: str,
    department_code: str | None = None,
    display_name: str = "",
) -> User:
    problems: list[Problem] = []
    username = username.strip()
    if not username:
        problems.append(Problem("username", _("A user name is required.")))
    elif session.scalar(select(User.id).where(User.username == username)):
        problems.append(Problem("username", _("The user name %(name)s is taken.", name=username), username))
    try:
        role_value = Role(role)
    except ValueError:
        valid = ", ".join(r.value for r in Role)
        raise ValidationFailed(
            _("Unknown role %(role)s. Valid roles: %(valid)s", role=role, valid=valid),
            [Problem("role", _("unknown role"), role)],
        ) from None
    department = None
    if role_value in DEPARTMENT_ROLES and not department_code:
        problems.append(Problem("department", _("Department roles need a department.")))
    if department_code:
        department = session.scalar(select(Department).where(Department.code == department_code))
        if department is None or not department.active:
            valid = ", ".join(
                session.scalars(select(Department.code).where(Department.active).order_by(Department.code))
            )
            raise ValidationFailed(
                _("Unknown department %(code)s. Valid departments: %(valid)s", code=department_code, valid=valid),
                [Problem("department", _("unknown department"), department_code)],
            )
        if role_value not in DEPARTMENT_ROLES:
            problems.append(Problem("department", _("Only department roles belong to a department."), department_code))
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(Problem("password", _("The password needs at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)))
    if problems:
        raise ValidationFailed(_("The account was not created."), problems)
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        role=role_value.value,
        department_id=department.id if department else None,
    )
    return audit.created(
        session,
        actor,
        user,
        entity="user",
        after={"username": username, "role": role_value.value, "department": department_code},
    )


def authenticate(session: Session, username: str, password: str, now: datetime | None = None) -> User:
    """The user, or LoginFailed with one generic message; locks the account after repeated failures."""
    settings = get_settings()
    now = now or utcnow()
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active:
        verify_password(_dummy_hash(), password)
        raise LoginFailed(_("Wrong user name or password."))
    if user.locked_until and user.locked_until > now:
        # Same message and same cost as a wrong password: a lock must not reveal that the account exists.
        verify_password(_dummy_hash(), password)
        raise LoginFailed(_("Wrong user name or password."))
    if not verify_password(user.password_hash, password):
        _count_failure(session, user, now, settings)
        raise LoginFailed(_("Wrong user name or password."))
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user


def _count_failure(session: Session, user: User, now: datetime, settings: Settings) -> None:
    """Counted in the database, so parallel attempts cannot overwrite each other's count."""
    failures = session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
    ).scalar_one()
    if failures >= settings.login_max_failures:
        session.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_logins=0, locked_until=now + timedelta(minutes=settings.login_lock_minutes))
        )


def set_password(session: Session, actor: Actor, user: User, password: str) -> None:
    """A new password also lifts a lock and ends every session and API token of the user."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            _("The password needs at least %(n)s characters.", n=MIN_PASSWORD_LENGTH),
            [Problem("password", _("too short"))],
        )
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    revoke_tokens(session, actor, user)
    audit.record(session, actor, entity="user", entity_id=user.id, action="set_password")


def revoke_tokens(session: Session, actor: Actor, user: User) -> int:
    result = session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=utcnow())
    )
    revoked: int = cast(CursorResult[Any], result).rowcount  # an UPDATE answers a cursor result
    if revoked:
        audit.record(
            session, actor, entity="user", entity_id=user.id, action="revoke_tokens", after={"revoked": revoked}
        )
    return revoked


@dataclass(frozen=True)
class NewSession:
    token: str  # goes into the cookie; only its digest is stored
    csrf_token: str
    expires_at: datetime


def start_session(session: Session, user: User, now: datetime | None = None) -> NewSession:
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = now + timedelta(hours=get_settings().session_hours)
    session.add(
        WebSession(
            token_hash=token_digest(token),
            user_id=user.id,
            csrf_token=csrf,
            created_at=now,
            last_seen_at=now,
            expires_at=expires,
        )
    )
    return NewSession(token, csrf, expires)


def resolve_session(session: Session, token: str, now: datetime | None = None) -> WebSession | None:
    """The live session for a cookie token; sliding expiry, at most once a minute to spare writes."""
    now = now or utcnow()
    web_session = session.scalar(
        select(WebSession)
        .where(WebSession.token_hash == token_digest(token))
        .options(joinedload(WebSession.user))  # every request needs the user: one query, not two
    )
    if web_session is None:
        return None
    if web_session.expires_at <= now or not web_session.user.active:
        session.delete(web_session)
        return None
    if now - web_session.last_seen_at > timedelta(minutes=1):
        web_session.last_seen_at = now
        web_session.expires_at = now + timedelta(hours=get_settings().session_hours)
    return web_session


def end_session(session: Session, token: str) -> None:
    web_session = session.scalar(select(WebSession).where(WebSession.token_hash == token_digest(token)))
    if web_session is not None:
        session.delete(web_session)


def issue_token(session: Session, actor: Actor, username: str) -> str:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise ValidationFailed(
            _("No user named %(name)s.", name=username), [Problem("username", _("unknown user"), username)]
        )
    token = "jt_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=token_digest(token)))
    audit.record(session, actor, entity="user", entity_id=user.id, action="issue_token")
    return token


def resolve_token(session: Session, token: str, now: datetime | None = None) -> User | None:
    """The active user of a live token; its last use is noted at most once a minute (like sessions), to spare a
    write (and a lock on the token's row) per API request."""
    now = now or utcnow()
    api_token = session.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == token_digest(token), ApiToken.revoked_at.is_(None))
        .options(joinedload(ApiToken.user))
    )
    if api_token is None or not api_token.user.active:
        return None
    if api_token.last_used_at is None or now - api_token.last_used_at > timedelta(minutes=1):
        api_token.last_used_at = now
    return api_token.user
