"""The `jianti` command: accounts, tokens, departments, migrations, and one-line errors."""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from app import cli
from app.cli.main import COMMAND_MODULES, jianti, main
from app.db.engine import session_scope
from app.db.models import ApiToken, User
from app.services.accounts import token_digest, verify_password


@pytest.fixture
def run(clean_db):
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(jianti, list(args), input=input, catch_exceptions=False, standalone_mode=False)

    return invoke


def test_user_add_reads_the_password_from_stdin(run, clean_db):
    run("user", "add", "li_ming", "--role", "dept_handler", "--department", "jtw", input="s3cret-password\n")
    with session_scope(clean_db) as session:
        user = session.scalar(select(User).where(User.username == "li_ming"))
        assert user.role == "dept_handler" and user.department.code == "jtw"
        assert verify_password(user.password_hash, "s3cret-password")


def test_password_is_never_an_argument():
    add = jianti.get_command(click.Context(jianti), "user").commands["add"]
    assert not any("password" in (p.name or "") for p in add.params)


def _main(*args, input_text=""):
    """Run through main() as the console script does (stdin replaced)."""
    import io

    old = sys.stdin
    sys.stdin = io.StringIO(input_text)
    try:
        return main(list(args))
    finally:
        sys.stdin = old


def test_unknown_role_lists_the_valid_ones(clean_db, capsys):
    assert _main("user", "add", "x", "--role", "king", input_text="long-enough-1\n") == 1
    err = capsys.readouterr().err
    assert "office_admin" in err and "dept_handler" in err


def test_unknown_department_lists_the_valid_ones(clean_db, capsys):
    code = _main("user", "add", "x", "--role", "dept_handler", "--department", "nasa", input_text="long-enough-1\n")
    assert code == 1
    err = capsys.readouterr().err
    assert "nasa" in err and "jtw" in err


def test_user_token_is_printed_once_and_stored_hashed(run, clean_db):
    run("user", "add", "robot", "--role", "office_staff", input="long-enough-1\n")
    result = run("user", "token", "robot")
    token = result.output.strip()
    assert token.startswith("jt_")
    with session_scope(clean_db) as session:
        assert session.scalar(select(ApiToken.token_hash)) == token_digest(token)


def test_departments_sync_and_db_check(run):
    assert "nothing to change" in run("departments", "sync").output
    assert "matches the models" in run("db", "check").output
    assert "beijing: ok" in run("profile", "check").output


def test_every_command_module_is_in_the_table_of_commands():
    """app.cli.main imports a command's module only when it runs: its table must name every command."""
    defined = {}
    for module_info in pkgutil.iter_modules(cli.__path__):
        module = importlib.import_module(f"{cli.__name__}.{module_info.name}")
        for command in getattr(module, "commands", []):
            defined[command.name] = module_info.name
    assert {name: modules[0] for name, modules in COMMAND_MODULES.items()} == defined
    assert "suggest" in jianti.get_command(click.Context(jianti), "rules").commands  # added by rule_suggestions


def test_unreachable_database_is_one_clear_line(tmp_path):
    env = {
        **os.environ,
        "JIANTI_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/nowhere",
        "JIANTI_SECRET_KEY": "x",
    }
    result = subprocess.run(
        [sys.executable, "-m", "app.cli.main", "db", "check"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot reach the database postgresql+psycopg://postgres@127.0.0.1:1/")
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_broken_profile_stops_start_up_with_one_message(tmp_path):
    env = {
        **os.environ,
        "JIANTI_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
        "JIANTI_PROFILE": "atlantis",
        "JIANTI_SECRET_KEY": "x",
    }
    # as the console script runs it; then which command modules it loaded, and whether Alembic
    console_script = (
        "import sys\n"
        "from app.cli.main import main\n"
        "code = main()\n"
        "print(sorted(m for m in sys.modules if m.startswith('app.cli.')), 'alembic' in sys.modules)\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", console_script, "serve", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: profile: ") and "available: beijing, shanghai" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    # a failed start-up loads only its own command and stops before the migrations are looked at
    assert result.stdout.strip() == "['app.cli.main', 'app.cli.serve'] False", result.stdout
