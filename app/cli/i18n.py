"""`jianti i18n …`: keep the zh_CN and en catalogs complete."""

from __future__ import annotations

import click

from app.devtools import i18n as i18n_tools


@click.group("i18n", help="Translation catalogs.")
def i18n_group() -> None:
    """Group."""


@i18n_group.command("check", help="List msgids used in app/ and templates/ that a catalog does not translate.")
def check() -> None:
    missing = i18n_tools.missing_translations()
    for locale, msgids in missing.items():
        for msgid in msgids:
            click.echo(f"{locale}: {msgid}")
    if any(missing.values()):
        raise click.ClickException("catalogs are incomplete")
    click.echo("catalogs complete")


@i18n_group.command("extract", help="Add missing msgids (empty) to app/locale/<locale>/LC_MESSAGES/DOMAIN.po.")
@click.argument("domain")
def extract(domain: str) -> None:
    for locale, count in i18n_tools.add_missing(domain).items():
        click.echo(f"{locale}: {count} msgids added to {domain}.po")


commands = [i18n_group]
