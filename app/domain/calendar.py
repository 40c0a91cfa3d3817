"""A Chinese working-day calendar built from data.

Working days in China are not "Monday to Friday minus holidays": every year the State Council
moves weekend days (调休), so some Saturdays and Sundays are working days. A `WorkingCalendar`
merges, per year:

- the official schedule as published in the `chinesecalendar` library (source "library"),
- the office's own entries (rules/<profile>/calendar/<year>.toml or entered on the calendar
  page; source "office"), which win over the library day by day,
- and for a year with neither, a Monday–Friday fallback (source "fallback") that every deadline
  touching that year must flag.

The calendar is pure: it is built from `YearData` values. Reading the library tables and the
office files happens outside the domain (app/rules/calendars.py).
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from app.domain.dates import check_day, check_year


class CalendarSource(StrEnum):
    LIBRARY = "library"  # official schedule from chinesecalendar
    OFFICE = "office"  # office entries only (e.g. a year the library does not know yet)
    LIBRARY_AND_OFFICE = "library+office"  # library schedule with office entries on top
    FALLBACK = "fallback"  # no data: Monday–Friday are working days

    @property
    def is_fallback(self) -> bool:
        return self is CalendarSource.FALLBACK


class DayKind(StrEnum):
    WORKDAY = "workday"  # an ordinary working day
    WEEKEND = "weekend"  # Saturday or Sunday with no entry
    HOLIDAY = "holiday"  # a named rest day (法定节假日 or office holiday), weekends in the span included
    MAKEUP_WORKDAY = "makeup_workday"  # 调休上班: a Saturday or Sunday that is a working day

    @property
    def is_working(self) -> bool:
        return self in (DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY)


class CalendarError(ValueError):
    """Calendar data is inconsistent. The message names the origin (file), the entry and the problem."""

    def __init__(self, origin: str, entry: str, problem: str) -> None:
        self.origin, self.entry, self.problem = origin, entry, problem
        super().__init__(f"{origin}: {entry}: {problem}")


@dataclass(frozen=True)
class CalendarEntry:
    """One day of a year's schedule: a named holiday (working=False) or a make-up working day."""

    day: date
    working: bool
    name_zh: str  # e.g. 国庆节; for a make-up day the holiday it makes up for
    name_en: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "working": self.working, "name_zh": self.name_zh, "name_en": self.name_en}


@dataclass(frozen=True)
class YearData:
    """The entries one source gives for one year; `origin` names it (library version or file path)."""

    year: int
    origin: str
    entries: tuple[CalendarEntry, ...]

    def __post_init__(self) -> None:
        seen: set[date] = set()
        for entry in self.entries:
            label = f"{entry.day.isoformat()} ({entry.name_zh})"
            if entry.day.year != self.year:
                raise CalendarError(self.origin, label, f"date is not in year {self.year}")
            if entry.day in seen:
                raise CalendarError(self.origin, label, "date listed twice")
            if not entry.name_zh.strip():
                raise CalendarError(self.origin, label, "a name is required (e.g. 国庆节)")
            seen.add(entry.day)


@dataclass(frozen=True)
class DayInfo:
    day: date
    kind: DayKind
    name_zh: str = ""
    name_en: str = ""
    entry_origin: str = ""  # which source gave the entry ("" for plain weekdays/weekends)

    @property
    def is_working(self) -> bool:
        return self.kind.is_working

    def to_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "kind": self.kind.value,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
        }


@dataclass(frozen=True)
class YearSource:
    """Where a year's working days come from, with a fingerprint that changes when its data changes."""

    year: int
    source: CalendarSource
    origins: tuple[str, ...]  # e.g. ("chinesecalendar 1.11.0", "rules/beijing/calendar/2026.toml")
    fingerprint: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "source": self.source.value,
            "origins": list(self.origins),
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> YearSource:
        return cls(int(data["year"]), CalendarSource(data["source"]), tuple(data["origins"]), data["fingerprint"])


@dataclass
class _MergedYear:
    source: YearSource
    entries: dict[date, tuple[CalendarEntry, str]] = field(default_factory=dict)  # day -> (entry, origin)


class WorkingCalendar:
    """Answers "is this a working day, and why" for any date; immutable once built."""

    def __init__(self, library: Iterable[YearData] = (), office: Iterable[YearData] = ()) -> None:
        library_by_year = _by_year(library, "library")
        office_by_year = _by_year(office, "office")
        self._years: dict[int, _MergedYear] = {}
        for year in sorted(set(library_by_year) | set(office_by_year)):
            self._years[year] = _merge(year, library_by_year.get(year), office_by_year.get(year))
        self._day_cache: dict[date, DayInfo] = {}
        self._index: dict[int, list[int]] = {}  # year -> sorted ordinals of its working days

    # ------------------------------------------------------------------ single days

    def day(self, day: date) -> DayInfo:
        info = self._day_cache.get(day)
        if info is None:
            # the caches live as long as the calendar (a server keeps one per profile): only dates
            # within the bounds are answered, so they hold at most a century of days (issue 10:
            # fuzzing with dates across ten millennia grew a server by half a gigabyte)
            check_day(day)
            info = self._day_cache[day] = self._classify(day)
        return info

    def is_working_day(self, day: date) -> bool:
        return self.day(day).is_working

    def _classify(self, day: date) -> DayInfo:
        merged = self._years.get(day.year)
        found = merged.entries.get(day) if merged else None
        weekend = day.weekday() >= 5
        if found is None:
            return DayInfo(day, DayKind.WEEKEND if weekend else DayKind.WORKDAY)
        entry, origin = found
        if not entry.working:
            kind = DayKind.HOLIDAY
        else:
            kind = DayKind.MAKEUP_WORKDAY if weekend else DayKind.WORKDAY
        return DayInfo(day, kind, entry.name_zh, entry.name_en, origin)

    # ------------------------------------------------------------------ years

    def year_source(self, year: int) -> YearSource:
        merged = self._years.get(year)
        if merged is None:
            return YearSource(year, CalendarSource.FALLBACK, (), "fallback")
        return merged.source

    def has_data(self, year: int) -> bool:
        return year in self._years

    @property
    def years_with_data(self) -> tuple[int, ...]:
        return tuple(self._years)

    def year_entries(self, year: int) -> list[DayInfo]:
        """The named days of a year (holidays and make-up working days), in date order."""
        merged = self._years.get(year)
        if merged is None:
            return []
        return [self.day(d) for d in sorted(merged.entries)]

    def fingerprint(self, years: Iterable[int]) -> str:
        """A compact token of the data used for these years; differs as soon as any of them changes."""
        return ";".join(f"{y}:{self.year_source(y).fingerprint}" for y in sorted(set(years)))

    # ------------------------------------------------------------------ arithmetic

    # Working days are answered from an index per year (the sorted ordinals of its working days),
    # built once per year on first use: every question below is a few bisects plus one step per
    # year spanned, never a walk over the days in between.

    def _working_ordinals(self, year: int) -> list[int]:
        index = self._index.get(year)
        if index is None:
            _checked_year(year)
            first = date(year, 1, 1).toordinal()
            last = date(year, 12, 31).toordinal()
            index = [o for o in range(first, last + 1) if self._classify(date.fromordinal(o)).is_working]
            self._index[year] = index
        return index

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, otherwise the first working day after it."""
        check_day(day)
        year = day.year
        index = self._working_ordinals(year)
        pos = bisect_left(index, day.toordinal())
        while pos == len(index):
            year += 1
            index, pos = self._working_ordinals(_checked_year(year)), 0
        return date.fromordinal(index[pos])

    def add_working_days(self, start: date, count: int) -> date:
        """The `count`-th working day after `start` (start itself not counted); count >= 1."""
        check_day(start)
        if count < 1:
            raise ValueError("count must be at least 1")
        year = start.year
        index = self._working_ordinals(year)
        pos = bisect_right(index, start.toordinal())  # working days of the year up to start
        while count > len(index) - pos:
            count -= len(index) - pos
            year += 1
            index, pos = self._working_ordinals(_checked_year(year)), 0
        return date.fromordinal(index[pos + count - 1])

    def subtract_working_days(self, end: date, count: int) -> date:
        """The working day that lies `count` working days before `end` (used for warnings before a deadline)."""
        check_day(end)
        if count < 1:
            return end
        year = end.year
        index = self._working_ordinals(year)
        pos = bisect_left(index, end.toordinal())  # working days of the year before end
        while count > pos:
            count -= pos
            year -= 1
            index = self._working_ordinals(_checked_year(year))
            pos = len(index)
        return date.fromordinal(index[pos - count])

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start (days in (end, start])."""
        check_day(start)
        check_day(end)
        if end < start:
            return -self.working_days_between(end, start)
        first = self._working_ordinals(start.year)
        before_start = bisect_right(first, start.toordinal())
        if start.year == end.year:
            return bisect_right(first, end.toordinal()) - before_start
        count = len(first) - before_start
        for year in range(start.year + 1, end.year):
            count += len(self._working_ordinals(year))
        return count + bisect_right(self._working_ordinals(end.year), end.toordinal())


def _checked_year(year: int) -> int:
    """Arithmetic that walks past the bounds (app/domain/dates.py) is refused, never run for minutes."""
    return check_year(year, "date")


def _by_year(data: Iterable[YearData], what: str) -> dict[int, YearData]:
    result: dict[int, YearData] = {}
    for item in data:
        if item.year in result:
            raise CalendarError(item.origin, str(item.year), f"{what} data for this year given twice")
        result[item.year] = item
    return result


def _merge(year: int, library: YearData | None, office: YearData | None) -> _MergedYear:
    entries: dict[date, tuple[CalendarEntry, str]] = {}
    origins: list[str] = []
    for data in (library, office):  # office last: its entries win day by day
        if data is None:
            continue
        origins.append(data.origin)
        for entry in data.entries:
            entries[entry.day] = (entry, data.origin)
    if library and office:
        source = CalendarSource.LIBRARY_AND_OFFICE
    elif library:
        source = CalendarSource.LIBRARY
    else:
        source = CalendarSource.OFFICE
    digest = hashlib.sha256(source.value.encode())
    for day in sorted(entries):
        entry = entries[day][0]
        digest.update(f"|{day.isoformat()}:{int(entry.working)}:{entry.name_zh}".encode())
    return _MergedYear(YearSource(year, source, tuple(origins), digest.hexdigest()[:16]), entries)
