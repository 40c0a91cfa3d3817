"""The office clock: Beijing days for stored UTC instants, and typed wall-clock times read as Beijing time."""

from datetime import UTC, date, datetime, timedelta

from app.clock import OFFICE_TZ, from_office_wall_clock, office_date, office_now, office_today


def test_a_late_utc_evening_is_the_next_office_day():
    assert office_date(datetime(2026, 1, 14, 16, 30)) == date(2026, 1, 15)  # naive: stored UTC
    assert office_date(datetime(2026, 1, 14, 15, 59, tzinfo=UTC)) == date(2026, 1, 14)
    assert office_date(None) is None


def test_a_typed_wall_clock_time_is_beijing_time():
    typed = from_office_wall_clock(datetime(2026, 1, 15, 9, 0))
    assert typed == datetime(2026, 1, 15, 1, 0, tzinfo=UTC)
    aware = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    assert from_office_wall_clock(aware) is aware


def test_now_and_today_are_in_the_office_zone():
    now = office_now()
    assert now.utcoffset() == timedelta(hours=8) and now.tzinfo is OFFICE_TZ
    assert office_today() in {now.date(), office_now().date()}
