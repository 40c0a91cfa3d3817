"""Due dates for the handling workflow (reassignment window, re-handling reply, feedback period).

Counted as the domain says (民法典 Arts. 201–203): the start day is not counted; months end on the
same-numbered day or the month's last day; working days follow the official calendar
(chinesecalendar, weekends-only for years it does not know); a period ending on a day off ends
on the next working day. The deadlines feature explains and recomputes open deadlines; these
are the values the workflow needs to decide at once.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from app.domain.profile import Period


def is_working_day(day: date) -> bool:
    try:
        import chinese_calendar

        return bool(chinese_calendar.is_workday(day))
    except (NotImplementedError, ImportError):
        return day.weekday() < 5


def _next_working_day(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_months(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def due_after(start: date, period: Period) -> date:
    if period.unit == "working_days":
        day, left = start, period.amount
        while left:
            day += timedelta(days=1)
            if is_working_day(day):
                left -= 1
        return day
    if period.unit == "months":
        return _next_working_day(add_months(start, period.amount))
    return _next_working_day(start + timedelta(days=period.amount))
