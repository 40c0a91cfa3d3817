"""The working-day index answers exactly what the old day-by-day walk answered (kept here as the oracle)."""

from datetime import date, timedelta
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.calendar import CalendarEntry, WorkingCalendar, YearData
from app.domain.dates import EARLIEST, LATEST
from app.rules.calendars import library_years

OFFICE_2031 = YearData(
    2031,
    "office test",
    (
        CalendarEntry(date(2031, 1, 1), False, "元旦"),
        CalendarEntry(date(2031, 1, 4), True, "元旦"),
        CalendarEntry(date(2031, 10, 1), False, "国庆节"),
    ),
)
CALENDAR = WorkingCalendar(library_years(), [OFFICE_2031])  # library years, one office year, fallback years

FIRST, LAST = date(2004, 1, 1), date(2040, 12, 31)
days = st.dates(min_value=FIRST, max_value=LAST)  # counts stay inside the bounds
MAX_COUNT = 800  # working days, less than four years


@cache
def answers(calendar: WorkingCalendar) -> dict[date, bool]:
    """is_working_day for every day a walk can reach, asked once: the walks below pass the same days thousands of
    times. A day beyond is missing, so a walk that strays fails loudly (KeyError) rather than guessing."""
    first = max(EARLIEST, FIRST - timedelta(days=5 * 366))
    last = min(LATEST, LAST + timedelta(days=5 * 366))
    span = (last - first).days + 1
    return {day: calendar.is_working_day(day) for day in (first + timedelta(days=n) for n in range(span))}


def oracle_add(calendar: WorkingCalendar, start: date, count: int) -> date:
    working, day = answers(calendar), start
    while count:
        day += timedelta(days=1)
        if working[day]:
            count -= 1
    return day


def oracle_subtract(calendar: WorkingCalendar, end: date, count: int) -> date:
    working, day = answers(calendar), end
    while count:
        day -= timedelta(days=1)
        if working[day]:
            count -= 1
    return day


def oracle_between(calendar: WorkingCalendar, start: date, end: date) -> int:
    if end < start:
        return -oracle_between(calendar, end, start)
    working, count, day = answers(calendar), 0, start
    while day < end:
        day += timedelta(days=1)
        if working[day]:
            count += 1
    return count


def oracle_next(calendar: WorkingCalendar, day: date) -> date:
    working = answers(calendar)
    while not working[day]:
        day += timedelta(days=1)
    return day


@settings(max_examples=300, deadline=None)
@given(days, st.integers(1, MAX_COUNT))
def test_add_and_subtract_match_the_walk(start, count):
    assert CALENDAR.add_working_days(start, count) == oracle_add(CALENDAR, start, count)
    assert CALENDAR.subtract_working_days(start, count) == oracle_subtract(CALENDAR, start, count)


@settings(max_examples=300, deadline=None)
@given(days, days)
def test_between_and_next_match_the_walk(start, end):
    assert CALENDAR.working_days_between(start, end) == oracle_between(CALENDAR, start, end)
    assert CALENDAR.next_working_day(start) == oracle_next(CALENDAR, start)


def test_edges_of_a_year_and_zero_counts():
    assert CALENDAR.add_working_days(date(2030, 12, 31), 1) == oracle_add(CALENDAR, date(2030, 12, 31), 1)
    assert CALENDAR.add_working_days(date(2031, 1, 1), 1) == date(2031, 1, 2)
    assert CALENDAR.add_working_days(date(2031, 1, 3), 1) == date(2031, 1, 4)  # office make-up Saturday
    assert CALENDAR.subtract_working_days(date(2031, 1, 5), 0) == date(2031, 1, 5)
    assert CALENDAR.working_days_between(date(2026, 3, 3), date(2026, 3, 3)) == 0


def test_far_counts_end_in_a_value_error_not_a_hang():
    try:
        CALENDAR.add_working_days(date(2026, 1, 1), 10**12)
    except ValueError:
        pass
    else:
        raise AssertionError("expected ValueError")
