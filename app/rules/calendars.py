"""Builds the working calendar: chinesecalendar's tables plus the office's files.

The pure calendar lives in app.domain.calendar; this module reads its inputs:
- `library_years()`: every year the installed chinesecalendar release knows (its internal
  `holidays` / `workdays` tables; 2004..2026 for release 1.11);
- `office_years(profile)`: rules/<profile>/calendar/<year>.toml, one file per year;
- `build_calendar(...)`: both, plus any entries stored in the database (passed in by the caller).
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from app.domain.calendar import CalendarEntry, CalendarError, WorkingCalendar, YearData
from app.domain.calendar_file import parse_year_document
from app.rules import RULES_DIR


def library_label() -> str:
    try:
        return f"chinesecalendar {version('chinesecalendar')}"
    except PackageNotFoundError:
        return "chinesecalendar"


@lru_cache(maxsize=1)
def library_years() -> tuple[YearData, ...]:
    """The official schedules chinesecalendar ships, one YearData per year it covers."""
    from chinese_calendar.constants import Holiday, holidays, workdays

    chinese_by_english = {h.value: h.chinese for h in Holiday}
    label = library_label()
    by_year: dict[int, list[CalendarEntry]] = defaultdict(list)
    for table, working in ((holidays, False), (workdays, True)):
        for day, english in table.items():
            by_year[day.year].append(CalendarEntry(day, working, chinese_by_english.get(english, english), english))
    return tuple(
        YearData(year, label, tuple(sorted(entries, key=lambda e: e.day))) for year, entries in sorted(by_year.items())
    )


def library_year_range() -> tuple[int, int]:
    years = [data.year for data in library_years()]
    return min(years), max(years)


def calendar_dir(profile_name: str, rules_dir: Path | None = None) -> Path:
    return (rules_dir or RULES_DIR) / profile_name / "calendar"


def read_year_file(path: Path, display: str | None = None) -> YearData:
    origin = display or _display_path(path)
    try:
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise CalendarError(origin, "syntax", str(exc)) from None
    expected = int(path.stem) if path.stem.isdigit() else None
    return parse_year_document(doc, origin, expected)


def parse_year_text(text: str, origin: str) -> YearData:
    """A year's schedule pasted or uploaded as TOML text (calendar page, `jianti calendar import`)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CalendarError(origin, "syntax", str(exc)) from None
    return parse_year_document(doc, origin)


def office_years(profile_name: str, rules_dir: Path | None = None) -> tuple[YearData, ...]:
    return tuple(read_year_file(path) for path, _mtime, _size in _year_files(profile_name, rules_dir))


def _year_files(profile_name: str, rules_dir: Path | None) -> tuple[tuple[Path, int, int], ...]:
    """The office's year files with their version (mtime, size): an edited file is read again."""
    directory = calendar_dir(profile_name, rules_dir)
    if not directory.is_dir():
        return ()
    return tuple((path, path.stat().st_mtime_ns, path.stat().st_size) for path in sorted(directory.glob("*.toml")))


def build_calendar(
    profile_name: str, extra_office_years: Iterable[YearData] = (), rules_dir: Path | None = None
) -> WorkingCalendar:
    """Library + office files + `extra_office_years` (e.g. years entered in the database, which
    replace a file for the same year)."""
    return _calendar_of(_year_files(profile_name, rules_dir), tuple(extra_office_years))


@lru_cache(maxsize=32)
def _calendar_of(files: tuple[tuple[Path, int, int], ...], extra_office_years: tuple[YearData, ...]) -> WorkingCalendar:
    """One calendar per version of the inputs, shared: it is immutable, and its day cache then serves
    every request instead of being rebuilt (with every office file parsed) for each deadline computed."""
    office = {data.year: data for data in (read_year_file(path) for path, _mtime, _size in files)}
    for data in extra_office_years:
        office[data.year] = data
    return WorkingCalendar(library_years(), office.values())


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(RULES_DIR.parent))
    except ValueError:
        return str(path)
