"""Statistics page, its workbook download, and the statistics API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromQuery, JSONBody
from litestar.response import Template
from markupsafe import Markup
from sqlalchemy.orm import Session

from app.clock import office_today
from app.domain.enums import Role
from app.domain.statistics import BY_CODE, DEPARTMENT_CODES, INDICATORS, SUMMARY_CODES, Rate, StatisticsReport
from app.domain.statistics.compute import FINAL, FIRST, Value
from app.domain.statistics.labels import KIND_ZH
from app.domain.text import N_
from app.i18n import _, get_locale
from app.reports.svg_charts import horizontal_bars, pie
from app.services import stats
from app.services.stats.export import available_years, export_filename, session_labels
from app.services.stats.serialize import report_as_dict
from app.web import job_lists
from app.web.deps import DbSession
from app.web.guards import logged_in, office_only
from app.web.nav import NavEntry

NAV = [NavEntry(N_("Statistics"), "/stats", frozenset(Role), order=60)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _query(session: Session, year: int | None, kind: str | None, session_label: str | None) -> stats.StatisticsQuery:
    years = available_years(session)
    chosen = year or (years[0] if years else office_today().year)
    return stats.StatisticsQuery(year=chosen, kind=stats.parse_kind(kind), session_label=session_label or None)


def _number(value: Value) -> float | None:
    """A count as it is, a rate as its share (None when nothing to divide by)."""
    return value.value if isinstance(value, Rate) else value


def _name(code: str) -> str:
    indicator = BY_CODE[code]
    return indicator.zh if get_locale() == "zh_CN" else indicator.en


def _kind_name(kind) -> str:
    if kind is None:
        return _("All kinds")
    return KIND_ZH[kind] if get_locale() == "zh_CN" else _(kind.value)


def _charts(report: StatisticsReport) -> list[Markup]:
    charts = []
    for kind in report.kinds:
        slices = [(rc.label, rc.count) for rc in report.result_classes if rc.kind is kind]
        charts.append(Markup(pie(_("Result classes: %(kind)s", kind=_kind_name(kind)), slices)))
    levels = report.profile.satisfaction
    round_names = {FIRST: _("first round"), FINAL: _("final round")}
    labels = [f"{_kind_name(kind)} · {round_names[r]}" for kind in report.kinds for r in (FIRST, FINAL)]
    series = [
        (lv.label, [report.satisfaction[(kind, r)][lv.code] for kind in report.kinds for r in (FIRST, FINAL)])
        for lv in levels
    ]
    charts.append(Markup(horizontal_bars(_("Satisfaction by kind"), labels, series)))
    rows = report.departments
    names = [row.name for row in rows]
    charts.append(
        Markup(
            horizontal_bars(
                _("Items per department"),
                names,
                [
                    (_name(code), [_number(row.values[code]) for row in rows])
                    for code in ("lead_items", "co_items", "split_items")
                ],
                stacked=True,
            )
        )
    )
    charts.append(
        Markup(
            horizontal_bars(
                _("On-time reply rate per department"),
                names,
                [(_name("on_time_rate"), [_number(row.values["on_time_rate"]) for row in rows])],
                percent=True,
            )
        )
    )
    return charts


def _cell(value) -> str:
    if isinstance(value, Rate):
        return "—" if value.value is None else f"{value.value * 100:.1f}%"
    return str(value)


@get("/stats", guards=[logged_in], include_in_schema=False, sync_to_thread=True)
def stats_page(
    request: Request,
    db_session: DbSession,
    year: FromQuery[int | None] = None,
    kind: FromQuery[str | None] = None,
    session: FromQuery[str | None] = None,
) -> Template:
    query = _query(db_session, year, kind, session)
    report = stats.statistics_report(db_session, request.user, query)
    profile, settings = report.profile, report.settings
    columns = [(_kind_name(k), k) for k in report.kinds] + ([(_("Total"), None)] if len(report.kinds) > 1 else [])
    departments = {row.code: row for row in report.departments}
    return Template(
        "stats/index.html",
        context={
            "query": query,
            "years": available_years(db_session) or [query.year],
            "sessions": session_labels(db_session, query.year),
            "columns": columns,
            "summary": [(_name(code), [_cell(report.summary[k][code]) for _, k in columns]) for code in SUMMARY_CODES],
            "department_headers": [_name(code) for code in DEPARTMENT_CODES],
            "component_headers": [f"{_name(c.indicator)} ({c.weight:g})" for c in report.appraisal_settings.components],
            "appraisal": [
                {
                    "rank": result.rank,
                    "name": departments[result.department].name,
                    "figures": [_cell(departments[result.department].values[c]) for c in DEPARTMENT_CODES],
                    "points": ["—" if c.points is None else f"{c.points:.2f}" for c in result.components],
                    "penalty": f"{result.penalty:.2f}",
                    "score": "—" if result.score is None else f"{result.score:.2f}",
                    "reason": _(result.unranked_reason) if result.unranked_reason else "",
                    "reweighted": any(c.note == "reweighted" for c in result.components),
                }
                for result in report.appraisal
            ],
            "charts": _charts(report),
            "late_count": len(report.late),
            "rehandled_count": len(report.rehandled),
            "key_count": len(report.key_items),
            "definitions": [
                (
                    ind.code,
                    ind.zh if get_locale() == "zh_CN" else ind.en,
                    ind.formula_zh(profile, settings) if get_locale() == "zh_CN" else ind.formula_en(profile, settings),
                )
                for ind in INDICATORS
            ],
            "weights": [(_name(c.indicator), c.weight) for c in report.appraisal_settings.components],
            "penalty": report.appraisal_settings.penalty_per_late_reply,
            "as_of": report.scope.as_of,
            "own_department": departments[report.scope.department].name
            if report.scope.department in departments
            else None,
            **job_lists.my_jobs_context(db_session, request.user, "stats_workbook"),
            "download": f"/stats/export.xlsx?year={query.year}&kind={kind or 'all'}"
            + (f"&session={quote(query.session_label)}" if query.session_label else ""),
        },
    )


def _workbook_response(db_session: Session, request: Request, query: stats.StatisticsQuery) -> Response:
    buffer = BytesIO()
    stats.export_workbook(db_session, request.user, query, buffer)
    name = export_filename(query)
    return Response(
        buffer.getvalue(),
        media_type=XLSX,
        headers={
            "Content-Disposition": f"attachment; filename=\"statistics-{query.year}.xlsx\"; filename*=UTF-8''{quote(name)}"
        },
    )


@get("/stats/export.xlsx", guards=[logged_in], include_in_schema=False, sync_to_thread=True)
def stats_download(
    request: Request,
    db_session: DbSession,
    year: FromQuery[int | None] = None,
    kind: FromQuery[str | None] = None,
    session: FromQuery[str | None] = None,
) -> Response:
    return _workbook_response(db_session, request, _query(db_session, year, kind, session))


@get(
    "/api/stats/export",
    guards=[logged_in],
    summary="The statistics workbook (.xlsx) of a year",
    description="kind: npc | cppcc | all. A department user's workbook holds its own department only.",
    tags=["statistics"],
    sync_to_thread=True,
    responses={200: ResponseSpec(bytes, description="The workbook", media_type=XLSX, generate_examples=False)},
)
def api_stats_export(
    request: Request,
    db_session: DbSession,
    year: FromQuery[int],
    kind: FromQuery[str | None] = None,
    session: FromQuery[str | None] = None,
) -> Response:
    return _workbook_response(db_session, request, _query(db_session, year, kind, session))


@get(
    "/api/stats",
    guards=[logged_in],
    summary="Statistics and appraisal of a year",
    description="Every indicator with its formula; rates as numerator, denominator and value. "
    "A department user gets its own department's figures only.",
    tags=["statistics"],
    sync_to_thread=True,
)
def api_stats(
    request: Request,
    db_session: DbSession,
    year: FromQuery[int],
    kind: FromQuery[str | None] = None,
    session: FromQuery[str | None] = None,
    as_of: FromQuery[date | None] = None,
) -> dict[str, object]:
    query = _query(db_session, year, kind, session)
    if as_of is not None:
        query = stats.StatisticsQuery(query.year, query.kind, query.session_label, as_of)
    return report_as_dict(stats.statistics_report(db_session, request.user, query))


@dataclass
class PublicationIn:
    assignment_id: int
    published_on: date
    location: str = ""


@post(
    "/api/stats/publications",
    guards=[office_only],
    summary="Record that a reply was published online (上网公开)",
    tags=["statistics"],
    sync_to_thread=True,
)
def api_record_publication(request: Request, db_session: DbSession, data: JSONBody[PublicationIn]) -> dict[str, object]:
    publication = stats.record_publication(
        db_session,
        request.user,
        assignment_id=data.assignment_id,
        published_on=data.published_on,
        location=data.location,
    )
    return {"assignment_id": publication.assignment_id, "published_on": publication.published_on.isoformat()}


route_handlers = [stats_page, stats_download, api_stats_export, api_stats, api_record_publication]
