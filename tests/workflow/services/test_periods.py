from datetime import date

from app.domain.profile import Period
from app.services.workflow.periods import add_months, due_after


def test_known_cases_of_the_beijing_calendar():
    assert due_after(date(2026, 9, 28), Period(5, "working_days")) == date(2026, 10, 10)
    assert due_after(date(2026, 7, 1), Period(3, "months")) == date(2026, 10, 8)
    assert due_after(date(2026, 3, 31), Period(1, "months")) == date(2026, 4, 30)


def test_month_end_clamps():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
