"""Entry point of the `jianti` command: discovers commands and turns known failures into one line."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click
from sqlalchemy.exc import OperationalError

from app import cli
from app.db.engine import DatabaseUnavailable
from app.domain.profile import ProfileError
from app.services.errors import UserError


@click.group(help="建提 Jianti — NPC suggestions and CPPCC proposals handling.")
def jianti() -> None:
    """Command group; subcommands come from the modules of app/cli."""


def _register() -> None:
    for module_info in sorted(pkgutil.iter_modules(cli.__path__), key=lambda m: m.name):
        if module_info.name in {"main", "util"}:
            continue
        module = importlib.import_module(f"{cli.__name__}.{module_info.name}")
        for command in getattr(module, "commands", []):
            jianti.add_command(command)


_register()


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
    except DatabaseUnavailable as exc:
        click.echo(f"error: {exc}", err=True)
        return 2
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc).splitlines()[0]
        click.echo(f"error: database: {reason}", err=True)
        return 2
    except ProfileError as exc:
        click.echo(f"error: profile: {exc}", err=True)
        return 2
    except UserError as exc:
        click.echo(f"error: {exc.message}", err=True)
        for problem in getattr(exc, "problems", []):
            click.echo(f"  - {problem.place}: {problem.reason}", err=True)
        return 1
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
