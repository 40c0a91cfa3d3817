"""The dates and periods Jianti computes with, and their bounds.

Every date a user can give (a start, a due date, a day to supervise) lies between EARLIEST and
LATEST, and every period is at most MAX_PERIOD of its unit. Beyond them no real deadline exists,
and unbounded values used to tie up the CPU (working_days=99999999 ran 33 s, then 500) or overflow.
The limits live here once; the web, the CLI and the calendar all refuse with DateOutOfRange.
"""

from __future__ import annotations

from datetime import date

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
# the longest period anyone could mean: ten years of each unit
MAX_PERIOD = {"months": 120, "working_days": 2_500, "days": 3_660}


class DateOutOfRange(ValueError):
    """A date or period outside the bounds; `field` names the parameter when known."""

    def __init__(self, field: str, value: object, kind: str = "date", limit: int | None = None) -> None:
        self.field, self.value, self.kind, self.limit = field, value, kind, limit
        if kind in ("date", "year"):
            text = f"{field}: {value} is outside {EARLIEST.isoformat()} – {LATEST.isoformat()}"
        else:
            text = f"{field}: {value} {kind} is more than {limit}"
        super().__init__(text)


def check_day(day: date, field: str = "date") -> date:
    if not EARLIEST <= day <= LATEST:
        raise DateOutOfRange(field, day.isoformat())
    return day


def check_period(amount: int, unit: str, field: str = "period") -> int:
    limit = MAX_PERIOD.get(unit)
    if limit is not None and amount > limit:
        raise DateOutOfRange(field, amount, unit, limit)
    return amount


def check_year(year: int, field: str = "year") -> int:
    if not EARLIEST.year <= year <= LATEST.year:
        raise DateOutOfRange(field, year, "year")
    return year
