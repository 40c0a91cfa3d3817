"""The statistics of a year (optionally one kind, one session), as a report and as a workbook."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import office_today
from app.db.models import CongressSession, Department
from app.domain.enums import Body, ItemKind
from app.domain.profile import Profile
from app.domain.statistics import StatisticsReport, StatisticsScope, build_report
from app.domain.text import N_
from app.i18n import _
from app.reports.statistics_workbook import write_statistics_workbook
from app.services import context
from app.services.actor import Actor
from app.services.errors import Problem, ValidationFailed
from app.services.stats.facts import load_facts

KIND_CHOICES = {"npc": ItemKind.NPC_SUGGESTION, "cppcc": ItemKind.CPPCC_PROPOSAL, "all": None}


@dataclass(frozen=True)
class StatisticsQuery:
    year: int
    kind: ItemKind | None = None
    session_label: str | None = None
    as_of: date | None = None  # cut-off for overdue replies; today (Beijing time) when not given


def parse_kind(raw: str | None) -> ItemKind | None:
    """npc | cppcc | all (or empty) as written on the command line, in the API and in the page's form."""
    key = (raw or "all").strip().lower()
    if key not in KIND_CHOICES:
        raise ValidationFailed(
            _("The statistics were not computed."), [Problem("kind", _("must be npc, cppcc or all"), raw)]
        )
    return KIND_CHOICES[key]


def validate(query: StatisticsQuery) -> None:
    if not 1949 <= query.year <= 2100:
        raise ValidationFailed(
            _("The statistics were not computed."), [Problem("year", _("not a plausible year"), query.year)]
        )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The facts are hundreds of thousands of small acyclic objects: cyclic garbage collection
    passes over them would cost more than the computation itself."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _department_code(session: Session, actor: Actor) -> str | None:
    if not actor.is_department:
        return None
    return session.scalar(select(Department.code).where(Department.id == actor.department_id))


def statistics_report(
    session: Session, actor: Actor, query: StatisticsQuery, profile: Profile | None = None
) -> StatisticsReport:
    """Office and leaders see every department; a department user sees its own parts only."""
    validate(query)
    profile = profile or context.current().profile
    as_of = query.as_of or office_today()
    with _collector_paused():
        facts = load_facts(session, actor, year=query.year, kind=query.kind, session_label=query.session_label)
        scope = StatisticsScope(
            year=query.year,
            as_of=as_of,
            kind=query.kind,
            session=query.session_label,
            department=_department_code(session, actor),
        )
        return build_report(facts, profile, scope)


def export_workbook(
    session: Session,
    actor: Actor,
    query: StatisticsQuery,
    out: str | Path | IO[bytes],
    profile: Profile | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> StatisticsReport:
    """Compute, then write; `progress(done, 2, note)` is told each of the two steps."""
    if progress is not None:
        progress(0, 2, N_("computing figures"))
    report = statistics_report(session, actor, query, profile)
    if progress is not None:
        progress(1, 2, N_("writing the workbook"))
    with _collector_paused():
        write_statistics_workbook(report, out)
    if progress is not None:
        progress(2, 2, N_("workbook written"))
    return report


def available_years(session: Session) -> list[int]:
    return sorted(set(session.scalars(select(CongressSession.year))), reverse=True)


def session_labels(session: Session, year: int) -> list[tuple[str, str]]:
    """(label, body) of the year's sessions, NPC first."""
    rows = session.execute(
        select(CongressSession.label, CongressSession.body)
        .where(CongressSession.year == year)
        .order_by(CongressSession.id)
    ).all()
    return sorted(((label, body) for label, body in rows), key=lambda r: (r[1] != Body.NPC.value, r[0]))


def export_filename(query: StatisticsQuery) -> str:
    kind = {None: "全部", ItemKind.NPC_SUGGESTION: "建议", ItemKind.CPPCC_PROPOSAL: "提案"}[query.kind]
    session_part = f"_{query.session_label}" if query.session_label else ""
    return f"建议提案办理统计_{query.year}_{kind}{session_part}.xlsx"
