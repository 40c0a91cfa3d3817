"""The statistics workbook on both profiles: exported, read back, and every summary and department
figure compared with the plain reference implementation (tests/stats/reference.py)."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.domain.enums import ItemKind
from app.domain.statistics import BY_CODE, StatisticsScope, build_report
from app.reports.statistics_workbook import write_statistics_workbook
from app.rules.profiles import load_profile
from tests.stats import reference
from tests.stats.random_dataset import generate_items

AS_OF = reference.date(2026, 12, 31)


def _cell(value):
    if isinstance(value, tuple):
        numerator, denominator = value
        return numerator / denominator if denominator else "—"
    return value


@pytest.mark.parametrize("profile_name", ["beijing", "shanghai"])
def test_workbook_figures_match_the_reference_on_each_profile(profile_name):
    profile = load_profile(profile_name)
    items = generate_items(profile, 300, seed=17)
    report = build_report(items, profile, StatisticsScope(year=2026, as_of=AS_OF))
    buffer = BytesIO()
    write_statistics_workbook(report, buffer)
    buffer.seek(0)
    wb = load_workbook(buffer)

    compared = 0
    summary = wb["汇总"]
    by_code = {row[4].value: row for row in summary.iter_rows(min_row=5) if row[4].value in BY_CODE}
    for column, kind in ((1, ItemKind.NPC_SUGGESTION), (2, ItemKind.CPPCC_PROPOSAL), (3, None)):
        expected = reference.figures(items, profile, 2026, AS_OF, kind=kind)
        for code, value in expected.items():
            if code in by_code:
                assert by_code[code][column].value == pytest.approx(_cell(value)), (profile_name, kind, code)
                compared += 1

    departments = wb["按承办单位"]
    head = [c.value for c in departments[1]]
    column = {name: i for i, name in enumerate(head)}
    rows = {r[2]: r for r in departments.iter_rows(min_row=2, values_only=True)}
    names = {d.code: d.short_name for d in profile.departments}
    assert rows, "no department rows"
    for code, row in rows.items():
        assert row[1] == names[code]
        expected = reference.figures(items, profile, 2026, AS_OF, department=code)
        for indicator, value in expected.items():
            if BY_CODE[indicator].zh in column:
                got = row[column[BY_CODE[indicator].zh]]
                assert got == pytest.approx(_cell(value)), (profile_name, code, indicator)
                compared += 1
    assert compared > 10 * len(rows), compared  # every summary and department figure was read back
