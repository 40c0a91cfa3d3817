"""Recompute planning: only deadlines whose calendar years or rule changed are recomputed."""

from dataclasses import replace
from datetime import date, timedelta

from app.domain.calendar import CalendarEntry, WorkingCalendar, YearData
from app.domain.deadlines import compute_deadline
from app.domain.profile import Period
from app.domain.recompute import StoredDeadline, recompute
from app.rules.calendars import library_years
from app.rules.profiles import load_profile

BEFORE = WorkingCalendar(library_years())
NEW_YEAR_2027 = YearData(
    2027, "office", tuple(CalendarEntry(date(2027, 1, d), False, "元旦", "New Year's Day") for d in (1, 2, 3))
)
AFTER = WorkingCalendar(library_years(), [NEW_YEAR_2027])


def stored(key, start, period, rule="custom", calendar=BEFORE):
    deadline = compute_deadline(calendar, start, period, rule)
    return StoredDeadline(
        key, rule, start, period, deadline.due, deadline.calendar_fingerprint, tuple(y.year for y in deadline.years)
    )


def test_only_deadlines_touching_the_changed_year_are_recomputed():
    records = [
        stored(1, date(2026, 12, 20), Period(20, "working_days")),  # into 2027: moves
        stored(2, date(2026, 12, 28), Period(1, "working_days")),  # into 2027? 12-29 is in 2026: untouched
        stored(3, date(2026, 7, 1), Period(3, "months")),  # 2026 only: untouched
        stored(4, date(2026, 12, 1), Period(1, "months")),  # 2027-01-01: was a working day, now moves
        stored(5, date(2027, 3, 1), Period(5, "working_days")),  # 2027 consulted but not moved
    ]
    plan = {r.key: r for r in recompute(records, AFTER)}
    assert set(plan) == {1, 4, 5}
    assert (plan[1].old_due, plan[1].new.due) == (date(2027, 1, 15), date(2027, 1, 18))
    assert (plan[4].old_due, plan[4].new.due) == (date(2027, 1, 1), date(2027, 1, 4))
    assert plan[1].moved and plan[4].moved and not plan[5].moved
    assert not plan[5].new.has_warning  # the warning goes although the date stays


def test_nothing_changes_when_nothing_changed():
    records = [stored(n, date(2025, 1, 1) + timedelta(days=n), Period(20, "working_days")) for n in range(400)]
    assert recompute(records, WorkingCalendar(library_years())) == []


def test_a_changed_rule_period_recomputes_its_deadlines():
    settings = load_profile("beijing").deadlines
    record = stored(1, date(2026, 7, 1), Period(3, "months"), "reply")
    assert recompute([record], BEFORE, settings) == []
    shorter = replace(settings, reply=Period(2, "months"))
    [changed] = recompute([record], BEFORE, shorter)
    assert changed.new.due == date(2026, 9, 1)
    assert changed.new.period == Period(2, "months")
