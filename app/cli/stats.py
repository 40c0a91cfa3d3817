"""`jianti stats export`: the annual statistics workbook."""

from __future__ import annotations

import json
from pathlib import Path

import click

from app.db.engine import session_scope
from app.services import stats
from app.services.actor import Actor

from .progress import progress_bar
from .util import require_database


@click.group("stats", help="Annual statistics and department appraisal (统计与考核).")
def stats_group() -> None:
    """Group."""


@stats_group.command("export", help="Write the statistics of a year as an Excel workbook with charts.")
@click.option("--year", type=int, required=True)
@click.option("--kind", type=click.Choice(["npc", "cppcc", "all"]), default="all", show_default=True)
@click.option("--session", "session_label", default=None, help="one session's label, e.g. 市十六届人大四次会议")
@click.option(
    "--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None, help="cut-off day for overdue replies (default today)"
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="FILE.xlsx")
@click.option("--json", "as_json", is_flag=True, help="print the outcome as JSON")
def stats_export(year: int, kind: str, session_label: str | None, as_of, out: Path, as_json: bool) -> None:
    require_database()
    query = stats.StatisticsQuery(
        year=year,
        kind=stats.parse_kind(kind),
        session_label=session_label,
        as_of=as_of.date() if as_of else None,
    )
    # write to a temporary name first: a failed export never leaves half a workbook behind
    partial = out.with_name(out.name + ".partial")
    with progress_bar("statistics workbook", quiet=as_json, total=2) as progress, session_scope() as session:
        report = stats.export_workbook(session, Actor.system(), query, partial, progress=progress)
    partial.replace(out)
    summary = report.summary[None]
    if as_json:
        outcome = {
            "out": str(out),
            "items": summary["received"],
            "departments": len(report.departments),
            "late": len(report.late),
            "as_of": report.scope.as_of.isoformat(),
        }
        click.echo(json.dumps(outcome, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"wrote {out}: {summary['received']} items, {len(report.departments)} departments, "
        f"{len(report.late)} late or overdue replies (as of {report.scope.as_of:%Y-%m-%d})"
    )


commands = [stats_group]
