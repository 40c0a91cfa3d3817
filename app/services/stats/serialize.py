"""The report as plain JSON-ready data, for the API."""

from __future__ import annotations

from typing import Any

from app.domain.statistics import BY_CODE, DEPARTMENT_CODES, INDICATORS, SUMMARY_CODES, Rate, StatisticsReport
from app.domain.statistics.compute import FINAL, FIRST


def value(v: Any) -> Any:
    if isinstance(v, Rate):
        return {"numerator": v.numerator, "denominator": v.denominator, "value": v.value}
    return v


def report_as_dict(report: StatisticsReport) -> dict[str, Any]:
    scope = report.scope
    profile, settings = report.profile, report.settings
    departments = {row.code: row for row in report.departments}
    return {
        "scope": {
            "year": scope.year,
            "kind": scope.kind.value if scope.kind else "all",
            "session": scope.session,
            "department": scope.department,
            "as_of": scope.as_of.isoformat(),
        },
        "summary": {
            (kind.value if kind else "all"): {code: value(report.summary[kind][code]) for code in SUMMARY_CODES}
            for kind in report.summary
        },
        "result_classes": [
            {"kind": rc.kind.value, "code": rc.code, "label": rc.label, "bucket": rc.bucket, "count": rc.count}
            for rc in report.result_classes
        ],
        "satisfaction": [
            {"kind": kind.value, "round": round_name, "levels": report.satisfaction[(kind, round_name)]}
            for kind in report.kinds
            for round_name in (FIRST, FINAL)
        ],
        "departments": [
            {
                "code": result.department,
                "name": departments[result.department].name,
                "rank": result.rank,
                "score": result.score,
                "unranked_reason": result.unranked_reason,
                "penalty": result.penalty,
                "components": [
                    {
                        "indicator": c.indicator,
                        "weight": c.weight,
                        "rate": value(c.rate),
                        "points": c.points,
                        "note": c.note,
                    }
                    for c in result.components
                ],
                "values": {code: value(departments[result.department].values[code]) for code in DEPARTMENT_CODES},
            }
            for result in report.appraisal
        ],
        "definitions": [
            {
                "code": ind.code,
                "zh": ind.zh,
                "en": ind.en,
                "unit": ind.unit,
                "formula_zh": ind.formula_zh(profile, settings),
                "formula_en": ind.formula_en(profile, settings),
            }
            for ind in INDICATORS
        ],
        "indicator_units": {code: BY_CODE[code].unit for code in SUMMARY_CODES},
    }
