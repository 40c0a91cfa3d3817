"""The office's calendar file for one year: rules/<profile>/calendar/<year>.toml.

Offices enter the State Council's schedule for a year the library does not know yet (the next
year's schedule is published around November), or their own closures. Format::

    year = 2027
    note = "国务院办公厅关于2027年部分节假日安排的通知"   # optional, shown on the calendar page

    [[holiday]]                 # rest days, weekends inside the span included
    name = "春节"
    name_en = "Spring Festival"  # optional
    from = 2027-02-06
    to = 2027-02-13             # optional, defaults to `from`

    [[makeup_workday]]          # 调休上班: a Saturday or Sunday that is a working day
    date = 2027-02-20
    for = "春节"                 # the holiday it makes up for
    for_en = "Spring Festival"   # optional

`parse_year_document` validates a parsed document and names file, entry and problem on error.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from app.domain.calendar import CalendarEntry, CalendarError, YearData

#: English names of the official holidays, used when a file gives only the Chinese name.
OFFICIAL_HOLIDAY_NAMES_EN = {
    "元旦": "New Year's Day",
    "春节": "Spring Festival",
    "清明": "Tomb-sweeping Day",
    "清明节": "Tomb-sweeping Day",
    "劳动节": "Labour Day",
    "端午": "Dragon Boat Festival",
    "端午节": "Dragon Boat Festival",
    "中秋": "Mid-autumn Festival",
    "中秋节": "Mid-autumn Festival",
    "国庆节": "National Day",
}

_MAX_HOLIDAY_SPAN = 31  # days; longer spans are a typing mistake (e.g. a wrong month)


def parse_year_document(doc: Mapping[str, Any], origin: str, expected_year: int | None = None) -> YearData:
    """Build the YearData of an office calendar file; `origin` is the file path shown in errors."""
    allowed = {"year", "note", "holiday", "makeup_workday"}
    unknown = sorted(set(doc) - allowed)
    if unknown:
        raise CalendarError(
            origin, "file", f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )
    year = doc.get("year")
    if not isinstance(year, int) or not 1949 <= year <= 2200:
        raise CalendarError(origin, "year", "'year' must be a year such as 2027")
    if expected_year is not None and year != expected_year:
        raise CalendarError(origin, "year", f"the file is named for {expected_year} but says year = {year}")

    entries: list[CalendarEntry] = []
    for index, row in enumerate(_rows(doc, "holiday", origin), start=1):
        entry_name = f"holiday #{index}"
        _check_keys(row, {"name", "name_en", "from", "to"}, origin, entry_name)
        name = _text(row, "name", origin, entry_name)
        entry_name = f"holiday #{index} ({name})"
        first = _date(row, "from", origin, entry_name)
        last = _date(row, "to", origin, entry_name) if "to" in row else first
        if last < first:
            raise CalendarError(origin, entry_name, f"'to' {last} is before 'from' {first}")
        if (last - first).days >= _MAX_HOLIDAY_SPAN:
            raise CalendarError(origin, entry_name, f"a holiday of more than {_MAX_HOLIDAY_SPAN} days is not plausible")
        name_en = _optional_text(row, "name_en", origin, entry_name) or OFFICIAL_HOLIDAY_NAMES_EN.get(name, "")
        day = first
        while day <= last:
            entries.append(CalendarEntry(day, False, name, name_en))
            day += timedelta(days=1)

    for index, row in enumerate(_rows(doc, "makeup_workday", origin), start=1):
        entry_name = f"makeup_workday #{index}"
        _check_keys(row, {"date", "for", "for_en"}, origin, entry_name)
        day = _date(row, "date", origin, entry_name)
        name = _text(row, "for", origin, entry_name)
        name_en = _optional_text(row, "for_en", origin, entry_name) or OFFICIAL_HOLIDAY_NAMES_EN.get(name, "")
        entries.append(CalendarEntry(day, True, name, name_en))

    seen: dict[date, str] = {}
    for entry in entries:
        if entry.day in seen:
            raise CalendarError(origin, entry.day.isoformat(), f"listed twice ({seen[entry.day]} and {entry.name_zh})")
        seen[entry.day] = entry.name_zh
    return YearData(year, origin, tuple(sorted(entries, key=lambda e: e.day)))


def year_document(data: YearData, note: str = "") -> dict[str, Any]:
    """The inverse of `parse_year_document`: a document that writes back as the same file."""
    doc: dict[str, Any] = {"year": data.year}
    if note:
        doc["note"] = note
    holidays: list[dict[str, Any]] = []
    for entry in data.entries:
        if entry.working:
            continue
        last = holidays[-1] if holidays else None
        if last and last["name"] == entry.name_zh and last["to"] + timedelta(days=1) == entry.day:
            last["to"] = entry.day
        else:
            holidays.append({"name": entry.name_zh, "name_en": entry.name_en, "from": entry.day, "to": entry.day})
    doc["holiday"] = [{k: v for k, v in h.items() if v != ""} for h in holidays]
    doc["makeup_workday"] = [
        {k: v for k, v in {"date": e.day, "for": e.name_zh, "for_en": e.name_en}.items() if v != ""}
        for e in data.entries
        if e.working
    ]
    return doc


def _rows(doc: Mapping[str, Any], key: str, origin: str) -> list[Mapping[str, Any]]:
    rows = doc.get(key, [])
    if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
        raise CalendarError(origin, f"[[{key}]]", "must be a list of tables")
    return rows


def _check_keys(row: Mapping[str, Any], allowed: set[str], origin: str, entry: str) -> None:
    unknown = sorted(set(row) - allowed)
    if unknown:
        raise CalendarError(
            origin, entry, f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )


def _text(row: Mapping[str, Any], key: str, origin: str, entry: str) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CalendarError(origin, entry, f"'{key}' must be non-empty text")
    return value.strip()


def _optional_text(row: Mapping[str, Any], key: str, origin: str, entry: str) -> str:
    return _text(row, key, origin, entry) if key in row else ""


def _date(row: Mapping[str, Any], key: str, origin: str, entry: str) -> date:
    value = row.get(key)
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return date.fromisoformat(value.strip())
    raise CalendarError(origin, entry, f"'{key}' must be a date such as 2027-02-06, found {value!r}")
