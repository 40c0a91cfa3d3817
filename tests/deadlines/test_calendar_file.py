"""The office's calendar file format (rules/<profile>/calendar/<year>.toml)."""

from datetime import date

import pytest

from app.domain.calendar import CalendarError
from app.domain.calendar_file import parse_year_document, year_document
from app.rules.calendars import parse_year_text

SAMPLE = """
year = 2027
note = "示例"

[[holiday]]
name = "春节"
from = 2027-02-06
to = 2027-02-13

[[holiday]]
name = "本办闭馆"
name_en = "office closure"
from = 2027-03-01

[[makeup_workday]]
date = 2027-02-20
for = "春节"
"""


def test_sample_file_parses_into_one_entry_per_day():
    data = parse_year_text(SAMPLE, "2027.toml")
    assert data.year == 2027
    holidays = [e for e in data.entries if not e.working]
    assert len(holidays) == 9
    assert holidays[0].name_en == "Spring Festival"
    assert holidays[-1].name_en == "office closure"
    makeup = [e for e in data.entries if e.working]
    assert [(e.day, e.name_zh) for e in makeup] == [(date(2027, 2, 20), "春节")]


def test_year_document_round_trips():
    data = parse_year_text(SAMPLE, "2027.toml")
    again = parse_year_document(year_document(data), "2027.toml")
    assert again.entries == data.entries


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("year = 'x'", "2027.toml: year: 'year' must be a year"),
        ("year = 2027\nholidays = []", "unknown key"),
        ("year = 2027\n[[holiday]]\nfrom = 2027-01-01", "holiday #1: 'name' must be non-empty"),
        ("year = 2027\n[[holiday]]\nname = '元旦'\nfrom = 2027-01-03\nto = 2027-01-01", r"holiday #1 \(元旦\): 'to'"),
        ("year = 2027\n[[holiday]]\nname = '元旦'\nfrom = 'soon'", "must be a date"),
        ("year = 2027\n[[holiday]]\nname = '元旦'\nfrom = 2027-01-01\nto = 2027-03-01", "not plausible"),
        ("year = 2027\n[[makeup_workday]]\ndate = 2027-02-20", "makeup_workday #1: 'for'"),
        (
            "year = 2027\n[[holiday]]\nname = '春节'\nfrom = 2027-02-20\n[[makeup_workday]]\ndate = 2027-02-20\nfor = '春节'",
            "2027-02-20: listed twice",
        ),
        ("year = 2027\n[[holiday]]\nname = '元旦'\nfrom = 2026-12-31", "not in year 2027"),
        ("year = ", "syntax"),
    ],
)
def test_mistakes_name_file_entry_and_problem(text, message):
    with pytest.raises(CalendarError, match=message):
        parse_year_text(text, "2027.toml")
