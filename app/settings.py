"""The one settings module: everything configurable comes from JIANTI_* environment variables.

Nothing else in Jianti reads the environment.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from app import PROJECT_ROOT

VAR_DIR = PROJECT_ROOT / "var"


class SettingsError(ValueError):
    """A JIANTI_* variable has a value Jianti cannot use; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    profile: str
    secret_key: str
    data_dir: Path
    session_hours: int = 8  # a login session expires after this many idle hours
    cookie_secure: bool = False  # set true behind HTTPS: cookies are then sent over TLS only
    max_upload_mb: int = 20
    import_row_limit: int = 60_000
    login_max_failures: int = 5  # then the account is locked for login_lock_minutes
    login_lock_minutes: int = 15
    smtp_host: str = ""  # empty: reminders are not mailed
    smtp_port: int = 25
    smtp_sender: str = "jianti@localhost"
    test_database_url: str = ""  # only the test suite uses it
    queue_url: str = ""  # redis://host:6379/N: jobs go to SAQ workers (`jianti worker`); empty: run in-process
    log_format: str = "text"  # "json": one JSON object per line
    supervision_at: str = "08:30"  # office time of the daily supervision run (working days only); "off" disables
    supervision_cron: str = ""  # a cron expression (office time) instead of supervision_at; 6 fields = seconds
    queue_name: str = "jianti"  # SAQ queue name (several offices on one Redis)
    job_threshold_rows: int = 5_000  # imports and exports above this many rows run as background jobs
    # PostgreSQL bounds on every connection (milliseconds; 0 = none): a write waiting longer than
    # db_lock_timeout_ms for another's row lock gives up (409, nothing changed); any statement longer
    # than db_statement_timeout_ms is cancelled (503); a transaction left open and idle is ended
    db_lock_timeout_ms: int = 1_000
    db_statement_timeout_ms: int = 30_000
    db_idle_in_transaction_ms: int = 60_000
    db_pool_timeout_s: int = 10  # waiting longer than this for a free connection answers 503
    shutdown_grace_seconds: int = 10  # on SIGTERM, requests in flight get this long to finish
    # cheapest argon2 parameters, for the test suite only: no JIANTI_* variable sets it, so
    # load_settings() (the server, the CLI) always hashes with the library's recommended ones
    fast_password_hashing: bool = False

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None


def _bool(env: dict[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _choice(env: dict[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    raw = env.get(name, "").strip().lower() or default
    if raw not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw


def _time_of_day(env: dict[str, str], name: str, default: str) -> str:
    raw = env.get(name, "").strip() or default
    if raw == "off":
        return raw
    hour, sep, minute = raw.partition(":")
    if not (sep and hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
        raise SettingsError(f"{name} must be a time of day such as 08:30 (or off), got {raw!r}")
    return f"{int(hour):02d}:{int(minute):02d}"


def _secret_key(env: dict[str, str]) -> str:
    """JIANTI_SECRET_KEY, or a key generated once into ./var/secret_key and kept there."""
    if env.get("JIANTI_SECRET_KEY"):
        return env["JIANTI_SECRET_KEY"]
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    default_db = f"sqlite:///{VAR_DIR / 'jianti.db'}"
    data_dir = Path(env.get("JIANTI_DATA_DIR") or VAR_DIR / "files")
    return Settings(
        database_url=env.get("JIANTI_DATABASE_URL") or default_db,
        profile=env.get("JIANTI_PROFILE") or "beijing",
        secret_key=_secret_key(env),
        data_dir=data_dir.resolve(),
        session_hours=_int(env, "JIANTI_SESSION_HOURS", 8),
        cookie_secure=_bool(env, "JIANTI_COOKIE_SECURE", False),
        max_upload_mb=_int(env, "JIANTI_MAX_UPLOAD_MB", 20),
        import_row_limit=_int(env, "JIANTI_IMPORT_ROW_LIMIT", 60_000),
        login_max_failures=_int(env, "JIANTI_LOGIN_MAX_FAILURES", 5),
        login_lock_minutes=_int(env, "JIANTI_LOGIN_LOCK_MINUTES", 15),
        smtp_host=env.get("JIANTI_SMTP_HOST", ""),
        smtp_port=_int(env, "JIANTI_SMTP_PORT", 25),
        smtp_sender=env.get("JIANTI_SMTP_SENDER", "jianti@localhost"),
        test_database_url=env.get("JIANTI_TEST_DATABASE_URL", ""),
        queue_url=env.get("JIANTI_QUEUE_URL", ""),
        log_format=_choice(env, "JIANTI_LOG_FORMAT", ("text", "json"), "text"),
        supervision_at=_time_of_day(env, "JIANTI_SUPERVISION_AT", "08:30"),
        supervision_cron=env.get("JIANTI_SUPERVISION_CRON", "").strip(),
        queue_name=env.get("JIANTI_QUEUE_NAME", "").strip() or "jianti",
        job_threshold_rows=_int(env, "JIANTI_JOB_THRESHOLD_ROWS", 5_000),
        db_lock_timeout_ms=_int(env, "JIANTI_DB_LOCK_TIMEOUT_MS", 1_000),
        db_statement_timeout_ms=_int(env, "JIANTI_DB_STATEMENT_TIMEOUT_MS", 30_000),
        db_idle_in_transaction_ms=_int(env, "JIANTI_DB_IDLE_IN_TRANSACTION_MS", 60_000),
        db_pool_timeout_s=_int(env, "JIANTI_DB_POOL_TIMEOUT_S", 10),
        shutdown_grace_seconds=_int(env, "JIANTI_SHUTDOWN_GRACE_SECONDS", 10),
    )


_current: Settings | None = None


def get_settings() -> Settings:
    """The settings in force: loaded from the environment on first use."""
    global _current
    if _current is None:
        _current = load_settings()
    return _current


def use_settings(settings: Settings | None) -> None:
    """Put other settings in force (tests; `jianti demo`); None reloads from the environment."""
    global _current
    _current = settings


def child_environment(**extra: str) -> dict[str, str]:
    """The environment for a child process (pg_dump, pg_restore): ours as inherited, plus `extra`.

    Lives here so this module stays the only one that touches os.environ."""
    return {**os.environ, **extra}
