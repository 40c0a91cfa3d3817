"""Dates and periods are bounded everywhere (issue 10): refused at once with the parameter named,
never counted for minutes and never a 500. The bounds: app/domain/dates.py."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from app.cli.main import jianti
from app.domain.calendar import WorkingCalendar
from app.domain.dates import EARLIEST, LATEST, MAX_PERIOD, DateOutOfRange
from app.domain.deadlines import compute_deadline
from app.domain.profile import Period

CALENDAR = WorkingCalendar()


def test_the_reported_requests_are_refused(login_as):
    client, _user = login_as("dept_handler", "jtw")
    far = client.get("/api/calendar/due", params={"start": "2026-01-01", "working_days": 99_999_999})
    assert far.status_code == 400, far.text
    assert far.json()["error"] == "bad_request" and "working_days" in far.json()["message"]
    assert str(MAX_PERIOD["working_days"]) in far.json()["message"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "0001-01-01", "days": 5}, "start"),
        ({"start": "9999-12-31", "days": 5}, "start"),
        ({"start": "1999-12-31", "months": 1}, "start"),
        ({"start": "2026-01-01", "months": 121}, "months"),
        ({"start": "2026-01-01", "days": 3_661}, "days"),
        ({"start": "2099-12-01", "months": 3}, "date"),  # counting would leave the bounds
    ],
)
def test_calendar_due_out_of_bounds(login_as, params, field):
    client, _user = login_as("office_staff")
    client.headers["Accept-Language"] = "en"
    answer = client.get("/api/calendar/due", params=params)
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["error"] == "bad_request" and field in body["message"] and body["request_id"]


def test_a_date_within_bounds_still_works(login_as):
    client, _user = login_as("office_staff")
    answer = client.get("/api/calendar/due", params={"start": "2026-09-28", "working_days": 5})
    assert answer.status_code == 200 and answer.json()["due"] == "2026-10-10"
    longest = client.get(
        "/api/calendar/due", params={"start": "2026-09-28", "working_days": MAX_PERIOD["working_days"]}
    )
    assert longest.status_code == 200


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "2100-01-01", "9999-12-31"])
def test_supervision_board_refuses_far_days(login_as, day):
    client, _user = login_as("office_staff")
    api = client.get("/api/supervision/board", params={"day": day})
    assert api.status_code == 400, api.text
    assert "day" in api.json()["message"] and "2000-01-01" in api.json()["message"]
    page = client.get("/supervision", params={"day": day})
    assert page.status_code in (400, 422) and "2000-01-01" in page.text


def test_malformed_dates_are_400_not_500(login_as):
    client, _user = login_as("office_staff")
    for value in ("2026-13-01", "yesterday", "+10000-01-01", "2026-02-30"):
        assert client.get("/api/calendar/due", params={"start": value, "days": 1}).status_code == 400
        assert client.get("/api/supervision/board", params={"day": value}).status_code == 400


def test_json_bodies_with_far_dates_are_400(login_as):
    client, _user = login_as("office_admin")
    answer = client.post("/api/supervision/runs", json={"day": "0001-01-01"}, headers={"X-CSRF-Token": client.csrf})
    assert answer.status_code in (400, 422), answer.text


def test_cli_refuses_far_dates_and_periods(clean_db):
    runner = CliRunner()
    far = runner.invoke(jianti, ["calendar", "due", "--from", "2026-01-01", "--working-days", "99999999"])
    assert far.exit_code == 2 and "working-days" in far.output
    early = runner.invoke(jianti, ["calendar", "due", "--from", "0001-01-01", "--days", "3"])
    assert early.exit_code == 2 and "2000-01-01" in early.output
    board = runner.invoke(jianti, ["supervise", "--date", "9999-12-31"])
    assert board.exit_code == 2 and "2099-12-31" in board.output


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    amount=st.integers(min_value=1, max_value=10**9),
    unit=st.sampled_from(Period.UNITS),
)
def test_only_the_domains_own_refusal_escapes(start, amount, unit):
    try:
        deadline = compute_deadline(CALENDAR, start, Period(amount, unit))
    except DateOutOfRange:
        return
    assert EARLIEST <= start <= LATEST and amount <= MAX_PERIOD[unit]
    assert start < deadline.due <= LATEST


@settings(max_examples=200, deadline=None)
@given(
    a=st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    b=st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    count=st.integers(min_value=1, max_value=10**12),
)
def test_working_day_arithmetic_is_bounded(a, b, count):
    for question in (
        lambda: CALENDAR.working_days_between(a, b),
        lambda: CALENDAR.add_working_days(a, count),
        lambda: CALENDAR.subtract_working_days(a, count),
        lambda: CALENDAR.next_working_day(a),
    ):
        with contextlib.suppress(DateOutOfRange):  # the one refusal allowed
            question()


def test_the_calendar_caches_hold_at_most_the_bounded_century():
    """A server keeps its calendar for its lifetime: what it caches is bounded by the date bounds."""
    calendar = WorkingCalendar()
    for far in (date(1, 1, 1), date(1999, 12, 31), date(2100, 1, 1), date(9999, 12, 31)):
        with pytest.raises(DateOutOfRange):
            calendar.day(far)
        with pytest.raises(DateOutOfRange):
            calendar.working_days_between(date(2026, 1, 1), far)
    assert calendar._day_cache == {} and calendar._index == {}  # refusals leave nothing behind
    calendar.working_days_between(EARLIEST, LATEST)
    for day in (EARLIEST, date(2050, 6, 1), LATEST):
        calendar.day(day)
    assert len(calendar._index) == LATEST.year - EARLIEST.year + 1
    assert sum(len(i) for i in calendar._index.values()) < 100 * 262
