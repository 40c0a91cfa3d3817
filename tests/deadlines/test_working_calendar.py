"""The working calendar: library data, office entries winning, Monday–Friday fallback."""

from datetime import date

import pytest

from app.domain.calendar import (
    CalendarEntry,
    CalendarError,
    CalendarSource,
    DayKind,
    WorkingCalendar,
    YearData,
)
from app.rules.calendars import build_calendar, library_year_range, library_years, read_year_file


@pytest.fixture(scope="module")
def calendar():
    return WorkingCalendar(library_years())


def test_library_covers_2004_to_its_last_published_year():
    first, last = library_year_range()
    assert first == 2004
    assert last >= 2026


@pytest.mark.parametrize(
    ("day", "kind", "name"),
    [
        (date(2026, 10, 1), DayKind.HOLIDAY, "国庆节"),
        (date(2026, 10, 3), DayKind.HOLIDAY, "国庆节"),  # a Saturday inside the holiday span
        (date(2026, 10, 10), DayKind.MAKEUP_WORKDAY, "国庆节"),
        (date(2026, 2, 14), DayKind.MAKEUP_WORKDAY, "春节"),
        (date(2026, 2, 28), DayKind.MAKEUP_WORKDAY, "春节"),
        (date(2026, 2, 17), DayKind.HOLIDAY, "春节"),
        (date(2026, 9, 28), DayKind.WORKDAY, ""),
        (date(2026, 10, 17), DayKind.WEEKEND, ""),
    ],
)
def test_days_of_2026(calendar, day, kind, name):
    info = calendar.day(day)
    assert info.kind is kind
    assert info.name_zh == name
    assert info.is_working == (kind in (DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY))


def test_library_names_are_given_in_both_languages(calendar):
    info = calendar.day(date(2026, 10, 1))
    assert (info.name_zh, info.name_en) == ("国庆节", "National Day")


def test_year_without_data_falls_back_to_monday_to_friday(calendar):
    assert calendar.year_source(2099).source is CalendarSource.FALLBACK
    assert calendar.is_working_day(date(2099, 1, 1))  # a Thursday; no holiday known
    assert not calendar.is_working_day(date(2099, 1, 3))  # Saturday
    assert not calendar.has_data(2099)


def test_office_entries_win_over_the_library_day_by_day():
    office = YearData(
        2026,
        "rules/test/calendar/2026.toml",
        (
            CalendarEntry(date(2026, 10, 9), False, "本办调休", "office closure"),
            CalendarEntry(date(2026, 10, 10), False, "本办调休", "office closure"),
        ),
    )
    calendar = WorkingCalendar(library_years(), [office])
    assert calendar.day(date(2026, 10, 10)).kind is DayKind.HOLIDAY
    assert calendar.day(date(2026, 10, 10)).entry_origin == "rules/test/calendar/2026.toml"
    assert calendar.day(date(2026, 10, 1)).name_zh == "国庆节"  # library entries still there
    source = calendar.year_source(2026)
    assert source.source is CalendarSource.LIBRARY_AND_OFFICE
    assert source.origins[-1] == "rules/test/calendar/2026.toml"


def test_fingerprint_changes_only_with_the_years_data():
    plain = WorkingCalendar(library_years())
    office = YearData(2027, "office", (CalendarEntry(date(2027, 1, 1), False, "元旦"),))
    loaded = WorkingCalendar(library_years(), [office])
    assert plain.fingerprint([2026]) == loaded.fingerprint([2026])
    assert plain.fingerprint([2027]) != loaded.fingerprint([2027])
    assert plain.fingerprint([2027]) == "2027:fallback"


def test_working_day_arithmetic(calendar):
    assert calendar.add_working_days(date(2026, 9, 28), 5) == date(2026, 10, 10)
    assert calendar.subtract_working_days(date(2026, 10, 10), 5) == date(2026, 9, 28)
    assert calendar.working_days_between(date(2026, 9, 28), date(2026, 10, 10)) == 5
    assert calendar.working_days_between(date(2026, 10, 10), date(2026, 9, 28)) == -5
    assert calendar.next_working_day(date(2026, 10, 1)) == date(2026, 10, 8)
    assert calendar.next_working_day(date(2026, 10, 8)) == date(2026, 10, 8)


def test_year_entries_list_holidays_and_makeup_days(calendar):
    entries = calendar.year_entries(2026)
    assert date(2026, 10, 10) in {e.day for e in entries if e.kind is DayKind.MAKEUP_WORKDAY}
    assert [e.day for e in entries] == sorted(e.day for e in entries)


def test_year_data_rejects_a_date_of_another_year():
    with pytest.raises(CalendarError, match="2027.toml: 2026-12-31"):
        YearData(2027, "2027.toml", (CalendarEntry(date(2026, 12, 31), False, "元旦"),))


def test_build_calendar_reads_the_profile_calendar_folder(tmp_path):
    folder = tmp_path / "demo" / "calendar"
    folder.mkdir(parents=True)
    (folder / "2027.toml").write_text('year = 2027\n[[holiday]]\nname = "元旦"\nfrom = 2027-01-01\n', encoding="utf-8")
    calendar = build_calendar("demo", rules_dir=tmp_path)
    assert calendar.year_source(2027).source is CalendarSource.OFFICE
    assert calendar.day(date(2027, 1, 1)).name_en == "New Year's Day"


def test_build_calendar_is_shared_until_a_file_changes(tmp_path):
    folder = tmp_path / "demo" / "calendar"
    folder.mkdir(parents=True)
    path = folder / "2027.toml"
    path.write_text('year = 2027\n[[holiday]]\nname = "元旦"\nfrom = 2027-01-01\n', encoding="utf-8")
    first = build_calendar("demo", rules_dir=tmp_path)
    assert build_calendar("demo", rules_dir=tmp_path) is first  # built once, its day cache shared
    path.write_text('year = 2027\n[[holiday]]\nname = "元旦"\nfrom = 2027-01-01\nto = 2027-01-05\n', encoding="utf-8")
    edited = build_calendar("demo", rules_dir=tmp_path)
    assert first.is_working_day(date(2027, 1, 5)) and not edited.is_working_day(date(2027, 1, 5))  # a Tuesday
    stored = YearData(2027, "database", (CalendarEntry(date(2027, 1, 6), False, "调整"),))
    with_stored = build_calendar("demo", [stored], rules_dir=tmp_path)  # a year stored in the database wins
    assert with_stored is not edited and not with_stored.is_working_day(date(2027, 1, 6))


def test_read_year_file_checks_the_year_against_the_file_name(tmp_path):
    path = tmp_path / "2028.toml"
    path.write_text("year = 2027\n", encoding="utf-8")
    with pytest.raises(CalendarError, match="named for 2028"):
        read_year_file(path)
