"""The office's clock: one time zone, and "now" and "today" as the office sees them.

The office works on Beijing time (UTC+8, no daylight saving) whatever the server's zone.
Instants are stored in UTC (app.db.base.utcnow); days — deadlines, letters, "today" — are
office days. Naive datetimes read back from the database are UTC; naive datetimes typed by a
user (an <input type=datetime-local>) are office wall-clock time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import overload
from zoneinfo import ZoneInfo

OFFICE_TZ = ZoneInfo("Asia/Shanghai")


def office_now() -> datetime:
    """The current moment, as an aware datetime in the office's zone."""
    return datetime.now(OFFICE_TZ)


def office_today() -> date:
    """Today in the office: deadlines fall due by Beijing time."""
    return office_now().date()


@overload
def office_date(moment: datetime) -> date: ...
@overload
def office_date(moment: None) -> None: ...
def office_date(moment: datetime | None) -> date | None:
    """The office day of a stored instant (a naive one is UTC, as the database keeps them)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(OFFICE_TZ).date()


def from_office_wall_clock(moment: datetime) -> datetime:
    """A datetime a user typed: naive means office wall-clock time; the result is aware UTC."""
    if moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=OFFICE_TZ).astimezone(UTC)
