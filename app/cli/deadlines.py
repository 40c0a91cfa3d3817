"""`jianti calendar …` (working days, due dates, office years) and `jianti supervise` (督办)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from app.clock import office_today
from app.db.engine import DatabaseUnavailable, session_scope
from app.domain.calendar import CalendarError, DayKind, WorkingCalendar
from app.domain.dates import EARLIEST, LATEST, MAX_PERIOD
from app.domain.deadlines import compute_deadline, explain
from app.domain.profile import Period
from app.domain.supervision import digest_text
from app.rules.calendars import build_calendar, parse_year_text
from app.services import context
from app.services import deadlines as deadline_service
from app.services.actor import Actor
from app.services.supervision import digest_title, run_supervision

from .progress import progress_bar
from .util import require_database


def _calendar_for_cli() -> tuple[WorkingCalendar, str]:
    """The calendar in force, with the years stored in the database when it can be reached."""
    profile_name = context.current().profile_name
    try:
        require_database()
        with session_scope() as session:
            return deadline_service.current_calendar(session, profile_name), ""
    except (DatabaseUnavailable, click.ClickException) as exc:
        message = getattr(exc, "message", None) or str(exc)
        note = f"note: calendar from chinesecalendar and rules/ files only ({message})"
        return build_calendar(profile_name), note


def _parse_day(value: str, name: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date such as 2026-09-28", param_hint=name) from None
    if not EARLIEST <= day <= LATEST:
        raise click.BadParameter(f"'{value}' is outside {EARLIEST} – {LATEST}", param_hint=name)
    return day


@click.group("calendar", help="Working-day calendar (节假日与调休), due dates, the office's calendar years.")
def calendar_group() -> None:
    """Group."""


@calendar_group.command("due", help="Due date of a period, with its explanation.")
@click.option("--from", "start", required=True, help="start date (not counted), e.g. 2026-09-28")
@click.option("--months", type=click.IntRange(1, MAX_PERIOD["months"]), help="period in months")
@click.option("--working-days", type=click.IntRange(1, MAX_PERIOD["working_days"]), help="period in working days")
@click.option("--days", type=click.IntRange(1, MAX_PERIOD["days"]), help="period in calendar days")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="print the explanation as JSON")
def calendar_due(
    start: str, months: int | None, working_days: int | None, days: int | None, lang: str, as_json: bool
) -> None:
    given = [(n, u) for n, u in ((months, "months"), (working_days, "working_days"), (days, "days")) if n]
    if len(given) != 1:
        raise click.UsageError("give exactly one of --months, --working-days, --days")
    amount, unit = given[0]
    calendar, note = _calendar_for_cli()
    deadline = compute_deadline(calendar, _parse_day(start, "--from"), Period(amount, unit))
    if note:
        click.echo(note, err=True)
    if as_json:
        click.echo(
            json.dumps(
                {"due": deadline.due.isoformat(), "explanation": deadline.to_dict(), "text": explain(deadline, lang)},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    click.echo(deadline.due.isoformat())
    for line in explain(deadline, lang):
        click.echo(f"  {line}")


@calendar_group.command("show", help="A year's holidays and make-up working days, with their source.")
@click.argument("year", type=click.IntRange(1949, 2200))
@click.option("--json", "as_json", is_flag=True)
def calendar_show(year: int, as_json: bool) -> None:
    calendar, note = _calendar_for_cli()
    source = calendar.year_source(year)
    days = calendar.year_entries(year)
    if note:
        click.echo(note, err=True)
    if as_json:
        click.echo(
            json.dumps({"source": source.to_dict(), "days": [d.to_dict() for d in days]}, ensure_ascii=False, indent=2)
        )
        return
    origins = ", ".join(source.origins) or "-"
    click.echo(f"{year}: {source.source.value} ({origins})")
    if source.source.is_fallback:
        click.echo(
            "  no holiday schedule: Monday to Friday are taken as working days; load the year with `jianti calendar load FILE`"
        )
    for day in days:
        kind = "调休上班" if day.kind is DayKind.MAKEUP_WORKDAY else ("休" if not day.is_working else "班")
        click.echo(f"  {day.day.isoformat()} {kind} {day.name_zh}")


@calendar_group.command(
    "load", help="Load (or replace) a year's schedule from a TOML file, then recompute open deadlines."
)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def calendar_load(path: Path, as_json: bool) -> None:
    require_database()
    profile_name = context.current().profile_name
    try:
        data = parse_year_text(path.read_text(encoding="utf-8"), f"{path.name} (imported)")
    except CalendarError as exc:
        raise click.ClickException(str(exc)) from None
    with session_scope() as session:
        report = deadline_service.load_calendar_year(
            session, Actor.system(), profile_name, data, note=f"imported from {path.name}"
        )
    _print_report(report, as_json, f"loaded {data.year}: {len(data.entries)} days")


@calendar_group.command("remove", help="Remove a year's stored schedule (the library or file data applies again).")
@click.argument("year", type=int)
@click.option("--json", "as_json", is_flag=True)
def calendar_remove(year: int, as_json: bool) -> None:
    require_database()
    with session_scope() as session:
        report = deadline_service.remove_calendar_year(session, Actor.system(), context.current().profile_name, year)
    _print_report(report, as_json, f"removed {year}")


@calendar_group.command(
    "recompute", help="Recompute open deadlines (after a change of rules/ files or deadline settings)."
)
@click.option("--reason", default="recompute requested from the command line", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def calendar_recompute(reason: str, as_json: bool) -> None:
    require_database()
    profile = context.current().profile
    with progress_bar("open deadlines", quiet=as_json) as progress, session_scope() as session:
        report = deadline_service.recompute_open_deadlines(
            session, Actor.system(), profile=profile, reason=reason, progress=progress
        )
    _print_report(report, as_json, "recomputed")


def _print_report(report, as_json: bool, head: str) -> None:
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{head}; open deadlines examined {report.examined}, recomputed {report.recomputed}, "
        f"moved {len(report.moved)}, fallback warnings cleared {report.warnings_cleared}"
    )
    for moved in report.moved[:200]:
        kept = " (extension/manual date kept)" if moved.override_kept else ""
        click.echo(
            f"  item {moved.item_id} assignment {moved.assignment_id} {moved.rule}: {moved.old_due} -> {moved.new_due}{kept}"
        )
    if len(report.moved) > 200:
        click.echo(f"  … and {len(report.moved) - 200} more (use --json)")


@click.command("supervise", help="督办: evaluate the supervision rules for a day; idempotent (nothing is sent twice).")
@click.option("--date", "day", help="the day to supervise (default: today)")
@click.option("--json", "as_json", is_flag=True)
@click.option("--mail", is_flag=True, help="mail the digests (needs JIANTI_SMTP_HOST)")
def supervise(day: str | None, as_json: bool, mail: bool) -> None:
    require_database()
    today = _parse_day(day, "--date") if day else office_today()
    with session_scope() as session:
        run = run_supervision(
            session, Actor.system(), profile_name=context.current().profile_name, today=today, send_mail=mail
        )
    if as_json:
        click.echo(json.dumps(run.as_dict(), ensure_ascii=False, indent=2))
        return
    if run.recompute and run.recompute.recomputed:
        _print_report(run.recompute, False, "calendar files or deadline rules changed")
    click.echo(
        f"{today.isoformat()}: {run.evaluated} open deadlines, {run.matched} reminders due, "
        f"{len(run.new)} new, {run.already_recorded} already recorded earlier"
    )
    for digest in run.digests:
        click.echo("")
        click.echo(digest_title(digest, run.department_names, today))
        click.echo(digest_text(digest, run.department_names.get(digest.department_code or "", "")))
    for title, to in run.mailed:
        click.echo(f"queued for mail: {title} -> {', '.join(to)}")
    if run.delivery.sent or run.delivery.failed:  # the outbox is sent once the run has committed
        click.echo(f"mail sent: {len(run.delivery.sent)}, not sent (retried next run): {len(run.delivery.failed)}")
    if mail and run.not_mailed:
        click.echo(f"not mailed (no SMTP host or no address): {len(run.not_mailed)} digest(s)", err=True)
    sys.stdout.flush()


commands = [calendar_group, supervise]
