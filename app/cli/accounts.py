"""`jianti user …` and `jianti departments …` and `jianti profile check`."""

from __future__ import annotations

import click
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.db.engine import session_scope
from app.db.models import User
from app.domain.enums import Role
from app.rules import RULES_DIR
from app.rules.profiles import available_profiles, load_profile_from
from app.services import accounts, context, departments
from app.services.actor import Actor

from .util import read_secret, require_database


@click.group("user", help="Accounts.")
def user() -> None:
    """Group."""


@user.command("add", help="Create an account; the password is read from a prompt or standard input.")
@click.argument("name")
@click.option("--role", required=True, help="office_admin, office_staff, dept_handler, dept_leader or leader_readonly")
@click.option("--department", "department_code", default=None, help="department code (department roles)")
@click.option("--display-name", default="", help="name shown in the interface")
def user_add(name: str, role: str, department_code: str | None, display_name: str) -> None:
    require_database()
    if role not in {r.value for r in Role}:  # before asking for a password
        raise click.ClickException(f"unknown role {role!r}; valid roles: {', '.join(r.value for r in Role)}")
    password = read_secret(f"password for {name}")
    with session_scope() as session:
        accounts.create_user(
            session,
            Actor.system(),
            username=name,
            password=password,
            role=role,
            department_code=department_code,
            display_name=display_name,
        )
    click.echo(f"created {name} ({role}{', ' + department_code if department_code else ''})")


@user.command("token", help="Issue an API token (shown once; only its hash is stored).")
@click.argument("name")
def user_token(name: str) -> None:
    require_database()
    with session_scope() as session:
        token = accounts.issue_token(session, Actor.system(), name)
    click.echo(token)


@user.command("passwd", help="Set a new password (read from a prompt or standard input).")
@click.argument("name")
def user_passwd(name: str) -> None:
    require_database()
    password = read_secret(f"new password for {name}")
    with session_scope() as session:
        found = session.scalar(select(User).where(User.username == name))
        if found is None:
            raise click.ClickException(f"no user named {name!r}")
        accounts.set_password(session, Actor.system(), found, password)
    click.echo(f"password of {name} changed")


@user.command("revoke-tokens", help="Revoke every API token of an account.")
@click.argument("name")
def user_revoke_tokens(name: str) -> None:
    require_database()
    with session_scope() as session:
        found = session.scalar(select(User).where(User.username == name))
        if found is None:
            raise click.ClickException(f"no user named {name!r}")
        count = accounts.revoke_tokens(session, Actor.system(), found)
    click.echo(f"{count} token(s) of {name} revoked")


@user.command("list", help="List accounts.")
def user_list() -> None:
    require_database()
    with session_scope() as session:
        for u in session.scalars(select(User).options(selectinload(User.department)).order_by(User.username)):
            dept = u.department.short_name if u.department else "-"
            click.echo(f"{u.username}\t{u.role}\t{dept}\t{'active' if u.active else 'inactive'}")


@click.group("departments", help="Handling departments.")
def departments_group() -> None:
    """Group."""


@departments_group.command("sync", help="Make departments and categories match the active profile.")
def departments_sync() -> None:
    require_database()
    profile = context.current().profile
    with session_scope() as session:
        report = departments.sync_departments(session, Actor.system(), profile)
    for label, codes in vars(report).items():
        if codes:
            click.echo(f"{label}: {', '.join(codes)}")
    click.echo(
        f"profile {profile.name}: {len(profile.departments)} departments"
        + ("" if report.changed else ", nothing to change")
    )


@click.group("profile", help="Profiles under rules/.")
def profile_group() -> None:
    """Group."""


@profile_group.command("check", help="Validate a profile directory (default: every profile under rules/).")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
def profile_check(directory: str | None) -> None:
    from pathlib import Path

    targets = [Path(directory)] if directory else [RULES_DIR / name for name in available_profiles()]
    for target in targets:
        profile = load_profile_from(Path(target).resolve())
        click.echo(f"{profile.name}: ok ({len(profile.departments)} departments, {len(profile.categories)} categories)")


commands = [user, departments_group, profile_group]
