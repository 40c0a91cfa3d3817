"""Small helpers shared by CLI commands."""

from __future__ import annotations

import sys

import click

from app.db.engine import check_connection


def require_database() -> None:
    """One clear line instead of a traceback when the database is unreachable or not migrated."""
    from app.db.migrate import is_up_to_date  # Alembic: only for commands that do reach the database

    check_connection()
    if not is_up_to_date():
        raise click.ClickException("the database is not migrated to the newest revision; run `jianti db upgrade`")


def read_secret(prompt: str) -> str:
    """From a prompt on a terminal (asked twice), else the first line of standard input; never argv."""
    if sys.stdin.isatty():
        return click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    if not line:
        raise click.ClickException("no password on standard input")
    return line.rstrip("\r\n")
