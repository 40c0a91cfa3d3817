"""Portal accounts for deputies and members, issued by the office from the roster (no self-registration).

Issuing creates an inactive user (role `deputy`) tied to one roster entry and a one-time
activation code, shown once for the printed letter; only its SHA-256 digest is stored. The
deputy activates with user name + code and sets their own password (argon2, as every account).
Wrong codes count like wrong passwords: after JIANTI_LOGIN_MAX_FAILURES the account is locked
for JIANTI_LOGIN_LOCK_MINUTES, and the answer never says whether the user name exists.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.base import utcnow
from app.db.models import User, WebSession
from app.db.models.roster import PortalAccount, RosterEntry
from app.domain.enums import Role
from app.domain.portal import portal_settings
from app.i18n import _
from app.services import accounts, audit, context
from app.services.access import require_office
from app.services.actor import Actor
from app.services.errors import Problem, UserError, ValidationFailed
from app.settings import get_settings

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read off a printed letter
CODE_LENGTH = 10


class ActivationFailed(UserError):
    status_code = 401
    code = "activation_failed"


@dataclass(frozen=True)
class IssuedCode:
    entry: RosterEntry
    username: str
    code: str  # shown once, on the letter
    expires_at: datetime


def _digest(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace(" ", "").replace("-", "").encode()).hexdigest()


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def username_for(entry: RosterEntry) -> str:
    return f"{entry.body}{entry.id:05d}"


def accounts_of(session: Session, entry_ids: list[int]) -> dict[int, PortalAccount]:
    if not entry_ids:
        return {}
    rows = session.scalars(select(PortalAccount).where(PortalAccount.roster_entry_id.in_(entry_ids)))
    return {a.roster_entry_id: a for a in rows}


def issue_accounts(
    session: Session, actor: Actor, entry_ids: list[int], *, reissue: bool = False, now: datetime | None = None
) -> list[IssuedCode]:
    """One account and code per entry. Entries with an account get a new code only with reissue
    (which also ends the account's sessions: a lost letter must not stay usable)."""
    require_office(actor)
    if not entry_ids:
        raise ValidationFailed(_("Choose at least one person."), [Problem("entry_ids", _("required"))])
    now = now or utcnow()
    days = portal_settings(context.current().profile).activation_days
    entries = {e.id: e for e in session.scalars(select(RosterEntry).where(RosterEntry.id.in_(entry_ids)))}
    missing = [i for i in entry_ids if i not in entries]
    if missing:
        raise ValidationFailed(
            _("Please correct the marked fields."), [Problem("entry_ids", _("unknown roster entry"), missing[0])]
        )
    existing = accounts_of(session, list(entries))
    issued: list[IssuedCode] = []
    for entry_id in dict.fromkeys(entry_ids):
        entry = entries[entry_id]
        account = existing.get(entry_id)
        if account is not None and not reissue:
            continue
        code = _new_code()
        expires = now + timedelta(days=days)
        if account is None:
            user = User(
                username=username_for(entry),
                display_name=entry.name,
                password_hash=accounts.hash_password(secrets.token_urlsafe(24)),  # unusable until activation
                role=Role.DEPUTY.value,
                active=False,
            )
            session.add(user)
            session.flush()
            account = PortalAccount(user_id=user.id, roster_entry_id=entry.id, issued_by_id=actor.user_id)
            session.add(account)
            action = "issue_portal_account"
        else:
            existing_user = session.get(User, account.user_id)
            assert existing_user is not None  # the foreign key holds
            user = existing_user
            session.query(WebSession).filter(WebSession.user_id == user.id).delete()
            action = "reissue_activation_code"
        account.code_hash, account.code_expires_at, account.issued_at = _digest(code), expires, now
        account.issued_by_id = actor.user_id
        session.flush()
        audit.record(
            session,
            actor,
            entity="user",
            entity_id=user.id,
            action=action,
            after={"username": user.username, "roster_entry_id": entry.id, "expires": expires.date().isoformat()},
        )
        issued.append(IssuedCode(entry, user.username, code, expires))
    return issued


GENERIC = "The user name or activation code is wrong, or the code has expired."


def activate(
    session: Session, username: str, code: str, password: str, repeat: str, *, now: datetime | None = None
) -> User:
    """Set the deputy's own password with the one-time code; the code is then used up."""
    now = now or utcnow()
    settings = get_settings()
    user = session.scalar(select(User).where(User.username == username.strip(), User.role == Role.DEPUTY.value))
    account = session.scalar(select(PortalAccount).where(PortalAccount.user_id == user.id)) if user else None
    if user is None or account is None or account.code_hash is None:
        raise ActivationFailed(_(GENERIC))
    if user.locked_until and user.locked_until > now:
        raise ActivationFailed(_(GENERIC))
    expired = account.code_expires_at is not None and account.code_expires_at <= now
    if expired or not hmac.compare_digest(account.code_hash, _digest(code)):
        accounts._count_failure(session, user, now, settings)
        raise ActivationFailed(_(GENERIC))
    problems = []
    if len(password) < accounts.MIN_PASSWORD_LENGTH:
        problems.append(
            Problem("password", _("The password needs at least %(n)s characters.", n=accounts.MIN_PASSWORD_LENGTH))
        )
    elif password != repeat:
        problems.append(Problem("repeat", _("The two passwords differ.")))
    if problems:
        raise ValidationFailed(_("Please correct the marked fields."), problems)
    user.password_hash = accounts.hash_password(password)
    user.active, user.failed_logins, user.locked_until = True, 0, None
    account.code_hash, account.code_expires_at, account.activated_at = None, None, now
    session.flush()
    audit.record(session, Actor.of(user), entity="user", entity_id=user.id, action="activate_portal_account")
    return user


def roster_entry_of(session: Session, actor: Actor) -> RosterEntry | None:
    account = session.scalar(select(PortalAccount).where(PortalAccount.user_id == actor.user_id))
    return account.roster_entry if account else None
