"""Accounts: argon2id, validation that lists valid choices, throttled login, hashed tokens and sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db.base import utcnow
from app.db.models import ApiToken, AuditEntry, User, WebSession
from app.services import accounts
from app.services.actor import Actor
from app.services.errors import ValidationFailed
from app.settings import get_settings, load_settings, use_settings


def _create(db_session, **kw):
    args = {"username": "li", "password": "long-enough-1", "role": "dept_handler", "department_code": "jtw"} | kw
    return accounts.create_user(db_session, Actor.system(), **args)


def test_password_is_hashed_with_argon2id_and_creation_audited(db_session):
    user = _create(db_session)
    assert user.password_hash.startswith("$argon2id$")
    assert "long-enough-1" not in user.password_hash
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.entity == "user", AuditEntry.action == "create"))
    assert entry.after == {"username": "li", "role": "dept_handler", "department": "jtw"}


def test_fast_password_hashing_is_the_test_suites_alone(db_session):
    """The suite hashes with the cheapest argon2 parameters; nothing in the environment turns them on."""
    env = {"JIANTI_SECRET_KEY": "k", "JIANTI_FAST_PASSWORD_HASHING": "true", "JIANTI_PASSWORD_HASHING": "fast"}
    assert load_settings(env).fast_password_hashing is False
    assert "$m=8,t=1,p=1$" in _create(db_session).password_hash
    in_force = get_settings()
    use_settings(load_settings({**env, "JIANTI_DATABASE_URL": in_force.database_url}))
    try:
        standard = accounts.hash_password("long-enough-2")
    finally:
        use_settings(in_force)
    assert "$m=65536,t=3,p=4$" in standard
    assert accounts.verify_password(standard, "long-enough-2")


def test_unknown_role_lists_the_valid_ones(db_session):
    with pytest.raises(ValidationFailed) as excinfo:
        _create(db_session, role="boss")
    assert "office_admin" in excinfo.value.message and "leader_readonly" in excinfo.value.message


def test_unknown_department_lists_the_valid_ones(db_session):
    with pytest.raises(ValidationFailed) as excinfo:
        _create(db_session, department_code="nasa")
    assert "jtw" in excinfo.value.message and "nasa" in excinfo.value.message


@pytest.mark.parametrize(
    "kw, field",
    [
        ({"department_code": None}, "department"),
        ({"role": "office_staff"}, "department"),
        ({"password": "short"}, "password"),
        ({"username": " "}, "username"),
    ],
)
def test_invalid_accounts_are_refused_naming_the_field(db_session, kw, field):
    with pytest.raises(ValidationFailed) as excinfo:
        _create(db_session, **kw)
    assert field in [p.place for p in excinfo.value.problems]
    assert db_session.scalar(select(User).where(User.username == "li")) is None


def test_duplicate_username(db_session):
    _create(db_session)
    with pytest.raises(ValidationFailed):
        _create(db_session)


def test_login_throttled_after_repeated_failures(db_session):
    user = _create(db_session)
    for _ in range(5):
        with pytest.raises(accounts.LoginFailed):
            accounts.authenticate(db_session, "li", "wrong")
    db_session.refresh(user)
    assert user.locked_until is not None
    # even the right password is refused while locked, with the same generic message
    with pytest.raises(accounts.LoginFailed, match="(?i)wrong user name|用户名或密码错误"):
        accounts.authenticate(db_session, "li", "long-enough-1")
    later = utcnow() + timedelta(minutes=16)
    assert accounts.authenticate(db_session, "li", "long-enough-1", now=later) is user


def test_unknown_user_gets_the_same_message_as_a_wrong_password(db_session):
    _create(db_session)
    with pytest.raises(accounts.LoginFailed) as unknown:
        accounts.authenticate(db_session, "nobody", "x")
    with pytest.raises(accounts.LoginFailed) as wrong:
        accounts.authenticate(db_session, "li", "x")
    assert unknown.value.message == wrong.value.message


def test_sessions_and_tokens_store_only_hashes(db_session):
    user = _create(db_session)
    new = accounts.start_session(db_session, user)
    token = accounts.issue_token(db_session, Actor.system(), "li")
    db_session.flush()
    stored = [s.token_hash for s in db_session.scalars(select(WebSession))] + [
        t.token_hash for t in db_session.scalars(select(ApiToken))
    ]
    assert new.token not in stored and token not in stored
    assert accounts.resolve_session(db_session, new.token).user is user
    assert accounts.resolve_token(db_session, token) is user
    assert accounts.resolve_token(db_session, token + "x") is None


def test_sessions_expire(db_session):
    user = _create(db_session)
    new = accounts.start_session(db_session, user)
    db_session.flush()
    assert accounts.resolve_session(db_session, new.token, now=utcnow() + timedelta(hours=9)) is None
    assert accounts.resolve_session(db_session, new.token) is None  # expired sessions are deleted


def test_inactive_user_cannot_log_in(db_session):
    user = _create(db_session)
    user.active = False
    with pytest.raises(accounts.LoginFailed):
        accounts.authenticate(db_session, "li", "long-enough-1")


def test_parallel_wrong_passwords_all_count(clean_db):
    """Counted in the database: eight attempts at once lock the account (limit 5)."""
    import threading

    from app.db.engine import session_scope

    with session_scope(clean_db) as session:
        _create(session)
    barrier = threading.Barrier(8)

    def attempt():
        barrier.wait()
        with session_scope(clean_db) as session:
            try:
                accounts.authenticate(session, "li", "wrong")
            except accounts.LoginFailed:
                pass

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with session_scope(clean_db) as session:
        user = session.scalar(select(User).where(User.username == "li"))
        assert user.locked_until is not None


def test_new_password_unlocks_and_ends_sessions_and_tokens(db_session):
    user = _create(db_session)
    new = accounts.start_session(db_session, user)
    token = accounts.issue_token(db_session, Actor.system(), "li")
    user.locked_until = utcnow() + timedelta(minutes=10)
    db_session.flush()
    accounts.set_password(db_session, Actor.system(), user, "another-password")
    db_session.flush()
    assert accounts.resolve_session(db_session, new.token) is None
    assert accounts.resolve_token(db_session, token) is None
    assert accounts.authenticate(db_session, "li", "another-password") is user
