"""The indicators on a dataset whose answers were worked out by hand."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.domain.statistics import Rate, StatisticsScope, build_report, statistics_settings
from app.rules.profiles import load_profile
from tests.stats import known_dataset as K


@pytest.fixture(scope="module")
def beijing():
    return load_profile("beijing")


@pytest.fixture(scope="module")
def report(beijing):
    return build_report(K.build_items(), beijing, StatisticsScope(year=K.YEAR, as_of=K.AS_OF))


def _as_plain(value):
    return (value.numerator, value.denominator) if isinstance(value, Rate) else value


def test_summary_over_both_kinds(report):
    assert {code: _as_plain(report.summary[None][code]) for code in K.EXPECTED_SUMMARY} == K.EXPECTED_SUMMARY


@pytest.mark.parametrize("kind, expected", [(K.NPC, K.EXPECTED_NPC), (K.CPPCC, K.EXPECTED_CPPCC)])
def test_summary_per_kind(report, kind, expected):
    assert {code: _as_plain(report.summary[kind][code]) for code in expected} == expected


def test_per_department(report):
    rows = {row.code: row for row in report.departments}
    assert "sfj" not in rows  # its only assignment was reassigned away
    for code, expected in K.EXPECTED_DEPARTMENTS.items():
        assert {k: _as_plain(rows[code].values[k]) for k in expected} == expected, code


def test_appraisal_ranking_and_components(report):
    got = [(r.department, r.rank, r.score) for r in report.appraisal]
    assert got == K.EXPECTED_RANKING
    by_code = {r.department: r for r in report.appraisal}
    zjw = {c.indicator: c.points for c in by_code["zjw"].components}
    assert zjw == {
        "on_time_rate": 15.0,
        "communication_rate": 7.5,
        "resolved_rate": 0.0,
        "final_satisfaction_rate": 30.0,
        "publication_rate": 10.0,
    }
    assert by_code["zjw"].penalty == 0.5
    # jw has no rating and no publishable reply: their 40 points are spread over the other 60
    jw = {c.indicator: (c.points, c.note) for c in by_code["jw"].components}
    assert jw["on_time_rate"] == (pytest.approx(50.0), "reweighted")
    assert jw["final_satisfaction_rate"] == (None, "")
    assert by_code["gzw"].unranked_reason == "Too few reply obligations to be ranked"


def test_result_classes_and_satisfaction(report):
    assert {(rc.kind, rc.code): rc.count for rc in report.result_classes} == K.EXPECTED_RESULT_CLASSES
    assert report.satisfaction[(K.NPC, "first")] == {"satisfied": 1, "basically_satisfied": 0, "dissatisfied": 1}
    assert report.satisfaction[(K.NPC, "final")] == {"satisfied": 1, "basically_satisfied": 1, "dissatisfied": 0}
    assert report.satisfaction[(K.CPPCC, "final")] == {"satisfied": 1, "basically_satisfied": 0, "dissatisfied": 0}


def test_groups(report):
    assert [(r.label, r.values["received"]) for r in report.categories] == [
        ("城乡建设", 3), ("社会发展", 2), ("财政经济", 1), ("法治建设", 1), ("未分类", 1),
    ]  # fmt: skip
    assert [(r.label, r.values["received"]) for r in report.delegations] == [
        ("海淀代表团", 2), ("朝阳代表团", 1), ("西城代表团", 1), ("未填写", 1),
    ]  # fmt: skip
    assert [(r.label, r.values["received"]) for r in report.sectors] == [
        ("医药卫生界", 1),
        ("经济界", 1),
        ("未填写", 1),
    ]
    assert [(r.label, r.values["received"]) for r in report.parties] == [("民建", 1), ("民盟", 1), ("未填写", 1)]
    assert [(r.label, r.received_by_kind[K.NPC]) for r in report.sessions] == [(K.NPC_SESSION, 5), (K.CPPCC_SESSION, 0)]


def test_lists(report):
    assert [(ob.item.number, ob.department, ob.status, ob.days_late) for ob in report.late] == [
        ("0003", "hd", "overdue", 213),
        ("0002", "zjw", "late", 9),
    ]
    assert [row.item.number for row in report.rehandled] == ["0002"]
    assert report.rehandled[0].first_rating == "不满意" and report.rehandled[0].final_rating == "基本满意"
    assert [row.item.number for row in report.key_items] == ["0001", "2026001"]
    assert report.key_items[0].co_departments == ("市公安局",)


def test_original_deadline_setting_makes_the_extended_reply_late(beijing):
    settings = replace(statistics_settings(beijing), on_time_deadline="original")
    report = build_report(K.build_items(), beijing, StatisticsScope(year=K.YEAR, as_of=K.AS_OF), settings=settings)
    assert _as_plain(report.summary[None]["on_time_rate"]) == (4, 7)
    late = {(ob.item.number, ob.department): ob.days_late for ob in report.late}
    assert late[("0003", "jw")] == 75


def test_satisfaction_setting_counting_only_satisfied(beijing):
    settings = replace(statistics_settings(beijing), satisfied_levels=frozenset({"satisfied"}))
    report = build_report(K.build_items(), beijing, StatisticsScope(year=K.YEAR, as_of=K.AS_OF), settings=settings)
    assert _as_plain(report.summary[None]["final_satisfaction_rate"]) == (2, 3)


def test_department_view_contains_only_its_own_parts(beijing):
    scope = StatisticsScope(year=K.YEAR, as_of=K.AS_OF, department="gaj")
    report = build_report(K.build_items(), beijing, scope)
    assert [row.code for row in report.departments] == ["gaj"]
    assert report.appraisal[0].rank is None and report.appraisal[0].score == 85.0  # no one to rank against
    assert report.summary[None]["received"] == 2  # item 1 (co) and item 5 (lead)
    assert _as_plain(report.summary[None]["on_time_rate"]) == (1, 1)
    assert report.key_items[0].lead_departments == ()  # the lead of item 1 is another department
    assert all(ob.department == "gaj" for ob in report.late)


def test_kind_and_session_filters(beijing):
    npc = build_report(K.build_items(), beijing, StatisticsScope(year=K.YEAR, as_of=K.AS_OF, kind=K.NPC))
    assert npc.kinds == (K.NPC,) and npc.summary[None]["received"] == 5
    cppcc = build_report(K.build_items(), beijing, StatisticsScope(year=K.YEAR, as_of=K.AS_OF, session=K.CPPCC_SESSION))
    assert cppcc.summary[None]["received"] == 3
    previous = build_report(K.build_items(), beijing, StatisticsScope(year=2025, as_of=K.AS_OF))
    assert previous.summary[None]["received"] == 1
