"""Entry point of the `jianti` command: finds the command's module and turns known failures into one line."""

from __future__ import annotations

import importlib
import sys

import click

from app import cli
from app.domain.profile import ProfileError
from app.services.errors import UserError

#: command -> the modules of app/cli that define it (the first) or add to it. Only the modules of the
#: command being run are imported (`jianti --help` imports all, for their help lines): together their
#: services take seconds to import, and `serve --workers N` imports this module again in every worker.
#: tests/cli/test_cli.py checks the table against the modules' `commands` lists.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "backup": ("backup",),
    "calendar": ("deadlines",),
    "db": ("db",),
    "demo": ("serve",),
    "departments": ("accounts",),
    "export": ("importing",),
    "i18n": ("i18n",),
    "import": ("importing",),
    "jobs": ("ops",),
    "profile": ("accounts",),
    "restore": ("backup",),
    "roster": ("roster",),
    "route": ("routing",),
    "rules": ("routing", "rule_suggestions"),  # rule_suggestions adds `rules suggest`
    "serve": ("serve",),
    "session": ("sessions",),
    "similarity": ("similarity",),
    "stats": ("stats",),
    "supervise": ("deadlines",),
    "user": ("accounts",),
    "worker": ("ops",),
    "workflow": ("workflow",),
}


class _CommandsOnDemand(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        names = COMMAND_MODULES.get(cmd_name)
        if not names:
            return None
        defining, *_adding = [importlib.import_module(f"{cli.__name__}.{name}") for name in names]
        return next((command for command in defining.commands if command.name == cmd_name), None)


@click.group(cls=_CommandsOnDemand, help="建提 Jianti — NPC suggestions and CPPCC proposals handling.")
def jianti() -> None:
    """Command group; subcommands come from the modules of app/cli named in COMMAND_MODULES."""


def main(argv: list[str] | None = None) -> int:
    try:
        # without standalone mode click returns a command's exit code (ctx.exit / Exit) instead of exiting
        result = jianti.main(args=argv, prog_name="jianti", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 1
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except ProfileError as exc:
        click.echo(f"error: profile: {exc}", err=True)
        return 2
    except UserError as exc:
        click.echo(f"error: {exc.message}", err=True)
        for problem in getattr(exc, "problems", []):
            click.echo(f"  - {problem.place}: {problem.reason}", err=True)
        return 1
    except Exception as exc:
        line = _database_failure(exc)
        if line is None:
            raise  # a bug: the traceback says where
        click.echo(line, err=True)
        return 2
    return result if isinstance(result, int) else 0


def _database_failure(exc: Exception) -> str | None:
    """One line for a database that cannot be reached or used, else None."""
    # imported here: SQLAlchemy is a third of a second that `jianti --help` and `serve`'s workers do not need
    from sqlalchemy.exc import OperationalError

    from app.db.engine import DatabaseUnavailable

    if isinstance(exc, DatabaseUnavailable):
        return f"error: {exc}"
    if isinstance(exc, OperationalError):
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc).splitlines()[0]
        return f"error: database: {reason}"
    return None


if __name__ == "__main__":
    sys.exit(main())
