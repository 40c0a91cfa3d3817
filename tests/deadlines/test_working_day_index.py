"""The working-day index answers exactly what the old day-by-day walk answered (kept here as the oracle)."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.calendar import CalendarEntry, WorkingCalendar, YearData
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

days = st.dates(min_value=date(2004, 1, 1), max_value=date(2040, 12, 31))  # counts stay inside the bounds


def oracle_add(calendar: WorkingCalendar, start: date, count: int) -> date:
    day = start
    while count:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            count -= 1
    return day


def oracle_subtract(calendar: WorkingCalendar, end: date, count: int) -> date:
    day = end
    while count:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            count -= 1
    return day


def oracle_between(calendar: WorkingCalendar, start: date, end: date) -> int:
    if end < start:
        return -oracle_between(calendar, end, start)
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            count += 1
    return count


def oracle_next(calendar: WorkingCalendar, day: date) -> date:
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


@settings(max_examples=300, deadline=None)
@given(days, st.integers(1, 800))
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
