"""The domain computation against the plain reference implementation, on random years."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.enums import ItemKind
from app.domain.statistics import Rate, StatisticsScope, build_report, statistics_settings
from app.rules.profiles import load_profile
from tests.stats import reference
from tests.stats.random_dataset import generate_items

AS_OF = reference.date(2026, 12, 31)


def plain(value):
    return (value.numerator, value.denominator) if isinstance(value, Rate) else value


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("profile_name", ["beijing", "shanghai"])
def test_summary_and_departments_match_reference(seed, profile_name):
    profile = load_profile(profile_name)
    items = generate_items(profile, 400, seed=seed)
    report = build_report(items, profile, StatisticsScope(year=2026, as_of=AS_OF))
    for kind in (None, *ItemKind):
        expected = reference.figures(items, profile, 2026, AS_OF, kind=kind)
        got = {code: plain(report.summary[kind][code]) for code in expected}
        assert got == expected, kind
    rows = {row.code: row for row in report.departments}
    for code in rows:
        expected = reference.figures(items, profile, 2026, AS_OF, department=code)
        assert {k: plain(rows[code].values[k]) for k in expected} == expected, code


def test_original_deadline_matches_reference():
    profile = load_profile("beijing")
    items = generate_items(profile, 400, seed=11)
    settings = replace(statistics_settings(profile), on_time_deadline="original")
    report = build_report(items, profile, StatisticsScope(year=2026, as_of=AS_OF), settings=settings)
    expected = reference.figures(items, profile, 2026, AS_OF, extended=False)
    assert plain(report.summary[None]["on_time_rate"]) == expected["on_time_rate"]


def test_department_view_matches_reference():
    profile = load_profile("beijing")
    items = generate_items(profile, 400, seed=5)
    department = "jtw"
    report = build_report(items, profile, StatisticsScope(year=2026, as_of=AS_OF, department=department))
    expected = reference.figures(items, profile, 2026, AS_OF, department=department)
    assert [row.code for row in report.departments] == [department]
    assert {k: plain(report.departments[0].values[k]) for k in expected} == expected
    assert report.summary[None]["received"] == len(reference.in_scope(items, 2026, department=department))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10**9), size=st.integers(min_value=0, max_value=60))
def test_any_random_year_matches_reference(seed, size):
    profile = load_profile("beijing")
    items = generate_items(profile, size, seed=seed)
    report = build_report(items, profile, StatisticsScope(year=2026, as_of=AS_OF))
    expected = reference.figures(items, profile, 2026, AS_OF)
    assert {code: plain(report.summary[None][code]) for code in expected} == expected
    for row in report.departments:
        expected = reference.figures(items, profile, 2026, AS_OF, department=row.code)
        assert {k: plain(row.values[k]) for k in expected} == expected
