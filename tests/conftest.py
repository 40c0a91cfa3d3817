"""Shared fixtures. Each run creates its own database (SQLite file, or a fresh PostgreSQL database
when JIANTI_TEST_DATABASE_URL is set) and drops it at the end; tables are emptied between tests.
With pytest-xdist (`-n 2`) every worker is its own process with its own database.

Markers: `postgres_only` tests are skipped on SQLite runs, `sqlite_only` tests on PostgreSQL runs.
Passwords are hashed with the cheapest argon2 parameters (Settings.fast_password_hashing, which
no JIANTI_* variable can set): the parameters are the library's business, the tests are about ours."""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.db import migrate
from app.db.base import Base
from app.db.engine import engine_for, session_scope
from app.rules.profiles import load_profile
from app.services import accounts, departments
from app.services.actor import Actor
from app.settings import load_settings, use_settings
from tests.helpers import TEST_PASSWORD, UserInfo, login

_TMP = Path(tempfile.mkdtemp(prefix="jianti-tests-"))
_db_used = False


def _on_postgres() -> bool:
    return bool(os.environ.get("JIANTI_TEST_DATABASE_URL"))


def _create_postgres_database(base_url: str) -> tuple[str, callable]:
    url = make_url(base_url)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")  # gw0, gw1, ... under xdist: one database each
    name = f"jianti_test_{worker}_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        engine_for(str(url.set(database=name))).dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def pytest_report_header(config):
    backend = "postgresql" if _on_postgres() else "sqlite"
    return f"jianti test database: {backend}"


# Modules whose tests take 10 s or more run first: with pytest-xdist the last minute of a run otherwise waits for
# one worker's long test while the other is idle (measured: 40 s of a 5-minute run). Whole modules move, so their
# module-scoped fixtures are still set up once.
LONG_MODULES = (
    "tests/api/test_schema_fuzz.py",
    "tests/workflow/services/test_state_machine_db.py",
    "tests/ops/test_backup.py",
    "tests/cli/test_demo.py",
    "tests/workflow/browser/test_handling_e2e.py",
    "tests/ops/test_queue.py",
    "tests/ops/test_cluster.py",
    "tests/importing/test_import_web.py",
    "tests/browser/test_import_browser.py",
    "tests/portal/browser/test_portal_e2e.py",
    "tests/concurrency/test_kill_during_transitions.py",
    "tests/workflow/domain/test_lifecycle_properties.py",
)


def _long_first(item) -> int:
    path = item.nodeid.split("::", 1)[0]
    return LONG_MODULES.index(path) if path in LONG_MODULES else len(LONG_MODULES)


def pytest_collection_modifyitems(config, items):
    items.sort(key=_long_first)  # stable: the rest keep their order
    on_postgres = _on_postgres()
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set JIANTI_TEST_DATABASE_URL)")
    skip_sqlite = pytest.mark.skip(reason="about SQLite; this run is on PostgreSQL")
    for item in items:
        if not on_postgres and "postgres_only" in item.keywords:
            item.add_marker(skip_pg)
        if on_postgres and "sqlite_only" in item.keywords:
            item.add_marker(skip_sqlite)


@pytest.fixture(scope="session")
def database_url() -> str:
    base = os.environ.get("JIANTI_TEST_DATABASE_URL", "")
    if base:
        url, drop = _create_postgres_database(base)
    else:
        url, drop = f"sqlite:///{_TMP / 'test.db'}", (lambda: None)
    settings = load_settings(
        {
            "JIANTI_DATABASE_URL": url,
            "JIANTI_PROFILE": "beijing",
            "JIANTI_SECRET_KEY": "test-secret-key",
            "JIANTI_DATA_DIR": str(_TMP / "files"),
            "JIANTI_LOGIN_MAX_FAILURES": "5",
        }
    )
    use_settings(replace(settings, fast_password_hashing=True))
    migrate.upgrade(engine_for(url))
    yield url
    drop()
    use_settings(None)
    shutil.rmtree(_TMP, ignore_errors=True)


@pytest.fixture
def scratch_engine(tmp_path):
    """A second, empty database of the same kind as the run's (for migration tests)."""
    base = os.environ.get("JIANTI_TEST_DATABASE_URL", "")
    if base:
        url, drop = _create_postgres_database(base)
    else:
        url, drop = f"sqlite:///{tmp_path / 'scratch.db'}", (lambda: None)
    engine = engine_for(url)
    yield engine
    engine.dispose()
    drop()


@pytest.fixture(scope="session")
def engine(database_url):
    return engine_for(database_url)


def _empty_all_tables(engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # replica mode skips the triggers that keep the audit log append-only (test clean-up only)
            connection.exec_driver_sql("SET session_replication_role = replica")
            connection.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
            connection.exec_driver_sql("SET session_replication_role = DEFAULT")
            return
        # SQLite: only the tables that hold rows (one query asks them all; a test fills a few of 40)
        holding = " UNION ALL ".join(f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM {table})" for table in tables)
        filled = {name for (name,) in connection.exec_driver_sql(holding)}
        # the append-only triggers refuse DELETE on the audit log, so lift them for the clean-up
        triggers = []
        if "audit_log" in filled:
            triggers = connection.execute(text("SELECT name, sql FROM sqlite_master WHERE type='trigger'")).all()
        for name, _sql in triggers:
            connection.exec_driver_sql(f"DROP TRIGGER {name}")
        for table in tables:
            if table in filled:
                connection.exec_driver_sql(f"DELETE FROM {table}")
        connection.exec_driver_sql("DELETE FROM sqlite_sequence") if _has_sqlite_sequence(connection) else None
        for _name, sql in triggers:
            connection.exec_driver_sql(sql)


def _has_sqlite_sequence(connection) -> bool:
    return connection.execute(text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")).first() is not None


_profile_rows: dict[str, list[dict]] = {}  # table -> rows, as sync_departments leaves an empty database (per worker)


def _put_profile_departments(engine) -> None:
    """The Beijing profile's departments (with their categories and audit rows), as `sync_departments` makes them on an
    empty database. The first test of a worker runs the sync and keeps the rows it wrote; later tests get the same rows
    inserted back, ids included: the sync's 80 ORM objects cost about 40 ms, for each of 1,200 tests."""
    if not _profile_rows:
        with session_scope(engine) as session:
            departments.sync_departments(session, Actor.system(), load_profile("beijing"))
        with engine.connect() as connection:
            for table in Base.metadata.sorted_tables:
                rows = [dict(row) for row in connection.execute(table.select().order_by(*table.primary_key)).mappings()]
                if rows:
                    _profile_rows[table.name] = rows
        return
    tables = {table.name: table for table in Base.metadata.sorted_tables}
    with engine.begin() as connection:
        for name, rows in _profile_rows.items():  # sorted_tables order: referenced tables first
            connection.execute(tables[name].insert(), rows)
            if engine.dialect.name == "postgresql":  # explicit ids leave the sequence behind
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), max(id)) FROM {name}"
                )


@pytest.fixture
def clean_db(engine):
    """An empty database with the Beijing profile's departments, emptied again after the test."""
    global _db_used
    _db_used = True
    _empty_all_tables(engine)
    _put_profile_departments(engine)
    yield engine
    _empty_all_tables(engine)


@pytest.fixture
def db_session(clean_db) -> Session:
    session = Session(bind=clean_db, expire_on_commit=False)
    yield session
    session.rollback()
    session.close()


@pytest.fixture
def profile():
    return load_profile("beijing")


@pytest.fixture
def make_user(clean_db):
    counter = iter(range(1, 10_000))

    def make(role: str, department_code: str | None = None, username: str | None = None) -> UserInfo:
        name = username or f"{role}_{department_code or 'office'}_{next(counter)}"
        with session_scope(clean_db) as session:
            user = accounts.create_user(
                session,
                Actor.system(),
                username=name,
                password=TEST_PASSWORD,
                role=role,
                department_code=department_code,
            )
            return UserInfo(user.id, user.username, TEST_PASSWORD, user.role, user.department_id)

    return make


@pytest.fixture(scope="session")
def _one_app(database_url):
    """Building the app costs about 0.6 s (handler registration, the OpenAPI document), so each worker builds it
    once. Sharing it is safe: the app reads settings per request, clean_db empties the database, and `app` puts
    its state back as it was built (each TestClient's lifespan then runs start-up as a fresh process would)."""
    from app.web.app import create_app

    app = create_app()
    return app, dict(app.state)


@pytest.fixture
def app(clean_db, _one_app):
    app, built_state = _one_app
    for key in list(app.state):
        del app.state[key]
    app.state.update(built_state)
    return app


@pytest.fixture
def client(app):
    from litestar.testing import TestClient

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def login_as(client, make_user):
    """login_as(role, department_code=None) -> (client, user)."""

    def do(role: str, department_code: str | None = None):
        user = make_user(role, department_code)
        login(client, user)
        return client, user

    return do


# ------------------------------------------------------------------------------- the seeded demo

DEMO_SECRET_KEY = "demo-test"


def demo_env(database_url: str, data_dir: Path) -> dict[str, str]:
    """The environment of a `jianti` subprocess on its own database, none of the run's JIANTI_* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIANTI_")}
    return env | {
        "JIANTI_DATABASE_URL": database_url,
        "JIANTI_DATA_DIR": str(data_dir),
        "JIANTI_SECRET_KEY": DEMO_SECRET_KEY,
    }


def run_demo(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", "demo", "--no-serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@dataclass(frozen=True)
class SeededDemo:
    """A copy of what one `jianti demo --no-serve` made from nothing: demo.db, files/ and what it printed."""

    folder: Path
    stdout: str

    @property
    def database(self) -> Path:
        return self.folder / "demo.db"

    @property
    def files(self) -> Path:
        return self.folder / "files"

    @property
    def url(self) -> str:
        return f"sqlite:///{self.database}"

    def copy_to(self, folder: Path) -> SeededDemo:
        folder.mkdir(parents=True)
        for path in self.folder.glob("demo.db*"):  # with any -wal/-shm left beside it
            shutil.copy2(path, folder / path.name)
        shutil.copytree(self.files, folder / "files")
        return SeededDemo(folder, self.stdout)


@pytest.fixture(scope="session")
def seeded_demo_template(tmp_path_factory) -> SeededDemo:
    """Seeding the demo takes most of 20 s, so the whole run (every xdist worker) seeds it once, under a file lock,
    in the folder the workers' temporary folders share; tests take a copy (`seeded_demo`) and never touch this one."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # pytest-N/, whose popen-gwK/ folders are the workers' own
    folder = shared / "seeded-demo"
    with open(shared / "seeded-demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        printed = folder / "demo-stdout.txt"
        if not printed.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            seeded = SeededDemo(folder, "")
            done = run_demo(demo_env(seeded.url, seeded.files))
            assert done.returncode == 0, done.stderr[-3000:]
            printed.write_text(done.stdout, encoding="utf-8")
        return SeededDemo(folder, printed.read_text(encoding="utf-8"))


@pytest.fixture
def seeded_demo(seeded_demo_template, tmp_path) -> SeededDemo:
    """A private copy of the seeded demo (SQLite database and data folder) for a test to change at will."""
    return seeded_demo_template.copy_to(tmp_path / "demo")


# ------------------------------------------------------------------------------- browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server(app):
    """The app served by uvicorn on a free loopback port, for the browser."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
