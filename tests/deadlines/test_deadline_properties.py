"""Properties of every due date, over the whole range the library covers and beyond."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.calendar import WorkingCalendar
from app.domain.deadlines import Deadline, add_months, compute_deadline
from app.domain.profile import Period
from app.rules.calendars import library_years

CALENDAR = WorkingCalendar(library_years())

starts = st.dates(min_value=date(2004, 1, 1), max_value=date(2028, 12, 31))
periods = st.one_of(
    st.builds(Period, st.integers(1, 12), st.just("months")),
    st.builds(Period, st.integers(1, 60), st.just("working_days")),
    st.builds(Period, st.integers(1, 90), st.just("days")),
)


@settings(max_examples=400, deadline=None)
@given(starts, periods)
def test_due_date_is_a_working_day_and_never_earlier_than_the_period_allows(start, period):
    deadline = compute_deadline(CALENDAR, start, period)
    assert CALENDAR.is_working_day(deadline.due)
    if period.unit == "working_days":
        assert CALENDAR.working_days_between(start, deadline.due) == period.amount
        assert deadline.due >= start + timedelta(days=period.amount)
    else:
        earliest = (
            add_months(start, period.amount)[0] if period.unit == "months" else start + timedelta(days=period.amount)
        )
        assert deadline.period_end == earliest
        assert deadline.due >= earliest
        # every day between the period's end and the due date is a day off, and is listed as skipped
        skipped = [earliest + timedelta(days=n) for n in range((deadline.due - earliest).days)]
        assert all(not CALENDAR.is_working_day(d) for d in skipped)
        assert [n.day for n in deadline.skipped] == skipped


@settings(max_examples=200, deadline=None)
@given(starts, periods)
def test_explanation_accounts_for_every_day_and_every_year(start, period):
    deadline = compute_deadline(CALENDAR, start, period)
    if period.unit == "working_days":
        span = (deadline.due - start).days
        assert span == period.amount + len(deadline.skipped)
    years = [y.year for y in deadline.years]
    assert years == list(range(years[0], deadline.due.year + 1))
    assert set(deadline.fallback_years) == {y for y in years if not CALENDAR.has_data(y)}
    assert Deadline.from_dict(deadline.to_dict()) == deadline


@settings(max_examples=200, deadline=None)
@given(starts, st.integers(1, 40))
def test_longer_periods_never_end_earlier(start, amount):
    shorter = compute_deadline(CALENDAR, start, Period(amount, "working_days")).due
    longer = compute_deadline(CALENDAR, start, Period(amount + 1, "working_days")).due
    assert longer > shorter
