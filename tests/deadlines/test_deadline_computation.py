"""Known due dates (Beijing profile, 2026 official calendar) and their explanations."""

import json
from datetime import date

import pytest

from app.domain.calendar import CalendarSource, DayKind, WorkingCalendar
from app.domain.deadlines import (
    Deadline,
    StartReason,
    add_months,
    assignment_deadlines,
    compute_deadline,
    explain,
    summary,
    warning_dates,
)
from app.domain.enums import AssignmentRole
from app.domain.profile import Period
from app.rules.calendars import library_years, parse_year_text
from app.rules.profiles import load_profile

CALENDAR = WorkingCalendar(library_years())

# Hypothetical 2027 schedule an office might enter (not the official one: it is not published yet).
SCHEDULE_2027 = """
year = 2027
[[holiday]]
name = "元旦"
from = 2027-01-01
to = 2027-01-03
[[holiday]]
name = "春节"
from = 2027-02-06
to = 2027-02-13
[[makeup_workday]]
date = 2027-02-20
for = "春节"
"""


@pytest.mark.parametrize(
    ("start", "period", "due", "why"),
    [
        (
            date(2026, 9, 28),
            Period(5, "working_days"),
            date(2026, 10, 10),
            "National Day skipped, make-up Saturday counts",
        ),
        (date(2026, 7, 1), Period(3, "months"), date(2026, 10, 8), "2026-10-01 is a holiday"),
        (date(2026, 3, 31), Period(1, "months"), date(2026, 4, 30), "April has no 31st"),
        (date(2026, 1, 31), Period(1, "months"), date(2026, 2, 28), "last day clamped onto a make-up Saturday, stays"),
        (date(2026, 9, 30), Period(10, "days"), date(2026, 10, 10), "a make-up Saturday as last day stays"),
        (
            date(2026, 2, 11),
            Period(5, "working_days"),
            date(2026, 2, 25),
            "Spring Festival 02-15..02-23 skipped, 02-14 counts",
        ),
        (date(2026, 2, 10), Period(1, "months"), date(2026, 3, 10), "month span over the Spring Festival"),
        (date(2026, 1, 16), Period(1, "months"), date(2026, 2, 24), "last day inside the Spring Festival moves"),
        (
            date(2026, 2, 2),
            Period(20, "working_days"),
            date(2026, 3, 6),
            "20 working days across the Spring Festival, both make-up Saturdays count",
        ),
        (date(2026, 4, 30), Period(7, "days"), date(2026, 5, 7), "7 days ending in the Labour Day holiday"),
        (date(2026, 6, 18), Period(1, "working_days"), date(2026, 6, 22), "Dragon Boat Festival Fri–Sun"),
        (date(2025, 12, 31), Period(1, "working_days"), date(2026, 1, 4), "New Year: make-up Sunday 2026-01-04"),
        (date(2024, 1, 31), Period(1, "months"), date(2024, 2, 29), "leap year"),
        (
            date(2026, 10, 10),
            Period(6, "months"),
            date(2027, 4, 12),
            "into 2027 (fallback): Saturday 04-10 moves to Monday",
        ),
    ],
)
def test_known_due_dates(start, period, due, why):
    assert compute_deadline(CALENDAR, start, period).due == due, why


def test_national_day_case_is_explained():
    deadline = compute_deadline(CALENDAR, date(2026, 9, 28), Period(5, "working_days"), "reassignment_window")
    assert deadline.start_reason is StartReason.ASSIGNED
    assert [n.day for n in deadline.skipped] == [date(2026, 10, d) for d in range(1, 8)]
    assert {n.name_zh for n in deadline.skipped} == {"国庆节"}
    assert [n.day for n in deadline.makeup_counted] == [date(2026, 10, 10)]
    assert [(y.year, y.source) for y in deadline.years] == [(2026, CalendarSource.LIBRARY)]
    assert not deadline.has_warning
    zh = "\n".join(explain(deadline, "zh"))
    assert "起算日：2026-09-28" in zh and "交办日期" in zh
    assert "2026-10-01至2026-10-07 国庆节（7天）" in zh
    assert "2026-10-10（星期六）（国庆节调休上班）" in zh
    assert "chinesecalendar" in zh
    en = "\n".join(explain(deadline, "en"))
    assert "2026-10-01 to 2026-10-07 National Day (7 days)" in en
    assert "make-up working day for National Day" in en
    assert (
        summary(deadline, "en") == "reassignment request window: 5 working day(s) from 2026-09-28, due 2026-10-10 (Sat)"
    )


def test_month_period_moved_off_a_holiday_is_explained():
    deadline = compute_deadline(CALENDAR, date(2026, 7, 1), Period(3, "months"), "reply")
    assert deadline.period_end == date(2026, 10, 1)
    assert deadline.moved
    zh = explain(deadline, "zh")
    assert any("顺延至下一个工作日2026-10-08" in line for line in zh)
    en = explain(deadline, "en")
    assert any("moves to the next working day, 2026-10-08" in line for line in en)


def test_clamped_month_end_is_explained():
    deadline = compute_deadline(CALENDAR, date(2026, 3, 31), Period(1, "months"))
    assert deadline.month_end_clamped
    assert any("last day 2026-04-30" in line for line in explain(deadline, "en"))


def test_weekend_skips_are_named_as_weekends():
    deadline = compute_deadline(CALENDAR, date(2026, 10, 16), Period(1, "working_days"))  # Friday
    assert deadline.due == date(2026, 10, 19)
    assert [(n.day, n.kind) for n in deadline.skipped] == [
        (date(2026, 10, 17), DayKind.WEEKEND),
        (date(2026, 10, 18), DayKind.WEEKEND),
    ]
    assert "周末" in "".join(explain(deadline))


def test_span_into_a_year_without_data_warns_and_loading_it_moves_the_deadline():
    start, period = date(2026, 12, 20), Period(20, "working_days")
    before = compute_deadline(CALENDAR, start, period)
    assert before.due == date(2027, 1, 15)
    assert before.fallback_years == (2027,)
    assert any("2027年的节假日安排尚未录入" in line for line in explain(before, "zh"))
    assert any("Warning: the 2027 holiday schedule" in line for line in explain(before, "en"))
    assert summary(before).endswith("⚠")

    loaded = WorkingCalendar(library_years(), [parse_year_text(SCHEDULE_2027, "rules/beijing/calendar/2027.toml")])
    after = compute_deadline(loaded, start, period)
    assert after.due == date(2027, 1, 18)  # 2027-01-01 is now a holiday
    assert not after.has_warning
    assert before.calendar_fingerprint != after.calendar_fingerprint
    assert loaded.fingerprint(y.year for y in after.years) == after.calendar_fingerprint
    assert any("rules/beijing/calendar/2027.toml" in line for line in explain(after, "zh"))


def test_explanation_round_trips_through_json():
    deadline = compute_deadline(CALENDAR, date(2026, 12, 20), Period(20, "working_days"), "feedback")
    again = Deadline.from_dict(json.loads(json.dumps(deadline.to_dict())))
    assert again == deadline
    assert deadline.to_dict()["fallback_years"] == [2027]


def test_from_dict_refuses_unknown_versions():
    data = compute_deadline(CALENDAR, date(2026, 1, 5), Period(1, "days")).to_dict()
    data["version"] = 99
    with pytest.raises(ValueError, match="version"):
        Deadline.from_dict(data)


@pytest.mark.parametrize(
    ("start", "months", "expected", "clamped"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28), True),
        (date(2024, 1, 31), 1, date(2024, 2, 29), True),
        (date(2026, 8, 31), 6, date(2027, 2, 28), True),
        (date(2026, 11, 15), 3, date(2027, 2, 15), False),
        (date(2026, 3, 15), -3, date(2025, 12, 15), False),
    ],
)
def test_add_months(start, months, expected, clamped):
    assert add_months(start, months) == (expected, clamped)


def test_assignment_deadlines_follow_the_role_and_the_profile():
    settings = load_profile("beijing").deadlines
    lead = assignment_deadlines(settings, CALENDAR, date(2026, 7, 1), AssignmentRole.LEAD)
    assert set(lead) == {"reply", "reply_max", "reassignment_window"}
    assert lead["reply"].due == date(2026, 10, 8)
    # 2027 has no data yet: 2027-01-01 (a Friday) counts as a working day, and the deadline says so.
    assert lead["reply_max"].due == date(2027, 1, 1)
    assert lead["reply_max"].fallback_years == (2027,)
    co = assignment_deadlines(settings, CALENDAR, date(2026, 7, 1), AssignmentRole.CO)
    assert set(co) == {"co_opinion", "reassignment_window"}
    assert co["co_opinion"].due == date(2026, 8, 3)  # 08-01 is a Saturday
    assert assignment_deadlines(settings, CALENDAR, date(2026, 7, 1), AssignmentRole.REFERENCE) == {}


def test_warning_dates_count_working_days_back_from_the_due_date():
    settings = load_profile("beijing").deadlines
    warnings = warning_dates(settings, CALENDAR, date(2026, 10, 8))
    assert [(str(p), d) for p, d in warnings] == [
        ("10 working_days", date(2026, 9, 17)),  # Mid-autumn 09-25..27 skipped, make-up Sunday 09-20 counts
        ("3 working_days", date(2026, 9, 28)),
    ]
