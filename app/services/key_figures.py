"""This year's key figures for the office's and the leaders' home pages, computed by the statistics
services (the same numbers as /stats and its workbook)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.clock import office_today
from app.domain.statistics import BY_CODE, Rate, Value
from app.services.actor import Actor
from app.services.stats.export import StatisticsQuery, available_years, statistics_report

# indicator code on the home page, in the order shown
CODES: tuple[str, ...] = ("on_time_rate", "final_satisfaction_rate", "overdue_unreplied", "key_supervision")


@dataclass(frozen=True)
class Figure:
    code: str
    name_zh: str
    name_en: str
    value: Value

    @property
    def is_rate(self) -> bool:
        return isinstance(self.value, Rate)


@dataclass(frozen=True)
class KeyFigures:
    year: int
    figures: tuple[Figure, ...]


def figures_year(session: Session) -> int:
    """This year when it has items; otherwise the latest year that has (early January, demo data)."""
    this_year = office_today().year
    years = available_years(session)
    return this_year if this_year in years or not years else years[0]


def key_figures(session: Session, actor: Actor, year: int | None = None) -> KeyFigures:
    year = year or figures_year(session)
    report = statistics_report(session, actor, StatisticsQuery(year=year, kind=None))
    summary = report.summary[None] if None in report.summary else report.summary[report.kinds[0]]
    figures = tuple(Figure(code, BY_CODE[code].zh, BY_CODE[code].en, summary[code]) for code in CODES)
    return KeyFigures(year, figures)
