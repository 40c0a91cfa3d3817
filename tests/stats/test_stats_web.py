"""The statistics page, its download and the API, for the office, a department and a leader."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.db.engine import session_scope
from app.demo.stats_writer import seed_facts
from tests.helpers import login
from tests.stats import known_dataset as K


@pytest.fixture
def seeded(clean_db):
    with session_scope(clean_db) as session:
        seed_facts(session, K.build_items())
    return clean_db


def test_page_shows_tables_charts_and_definitions_without_external_assets(seeded, client, make_user):
    login(client, make_user("office_staff"))
    html = client.get("/stats?year=2026&kind=all").text
    assert 'data-testid="stats-summary"' in html and 'data-testid="stats-departments"' in html
    assert html.count("<svg") == 5  # two result-class pies, satisfaction, items and on-time rate per department
    assert "按期办复率" in html and "主会办件合计" in html and "市交通委" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert client.get("/static/stats.css").status_code == 200
    npc_only = client.get("/stats?year=2026&kind=npc").text
    assert npc_only.count("<svg") == 4


def test_api_figures_and_definitions(seeded, client, make_user):
    login(client, make_user("leader_readonly"))
    body = client.get("/api/stats", params={"year": 2026, "as_of": "2026-12-31"}).json()
    assert body["summary"]["all"]["received"] == 8
    assert body["summary"]["npc_suggestion"]["received"] == 5
    assert body["scope"] == {"year": 2026, "kind": "all", "session": None, "department": None, "as_of": "2026-12-31"}
    assert [(d["code"], d["rank"], d["score"]) for d in body["departments"]] == K.EXPECTED_RANKING
    assert {d["code"] for d in body["definitions"]} >= {"on_time_rate", "resolved_rate", "publication_rate"}
    bad = client.get("/api/stats", params={"year": 2026, "kind": "both"})
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "kind"


def test_download_from_page_and_api(seeded, client, make_user):
    login(client, make_user("office_admin"))
    for url in ("/stats/export.xlsx?year=2026&kind=cppcc", "/api/stats/export?year=2026&kind=cppcc"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
        assert "filename*=UTF-8''" in response.headers["content-disposition"]
        wb = load_workbook(BytesIO(response.content))
        assert wb["汇总"]["B4"].value == "政协提案" and wb["汇总"]["B5"].value == 3


def test_department_user_sees_only_its_own_department(seeded, client, make_user):
    login(client, make_user("dept_handler", "zjw"))
    html = client.get("/stats?year=2026").text
    assert 'data-testid="own-department"' in html and "市住房城乡建设委" in html
    assert "市交通委" not in html and "海淀区" not in html
    body = client.get("/api/stats", params={"year": 2026}).json()
    assert [d["code"] for d in body["departments"]] == ["zjw"] and body["scope"]["department"] == "zjw"
    assert body["summary"]["all"]["received"] == 1
    wb = load_workbook(BytesIO(client.get("/api/stats/export?year=2026").content))
    assert [r[2] for r in wb["按承办单位"].iter_rows(min_row=2, values_only=True)] == ["zjw"]


def test_publication_api_is_office_only(seeded, client, make_user):
    from sqlalchemy import select

    from app.db.models import Assignment, Department

    with session_scope(seeded) as session:
        assignment_id = session.scalar(
            select(Assignment.id).join(Department).where(Department.code == "jw", Assignment.role == "lead")
        )
    login(client, make_user("dept_handler", "jw"))
    refused = client.post(
        "/api/stats/publications",
        json={"assignment_id": assignment_id, "published_on": "2026-09-01"},
        headers={"X-CSRF-Token": client.csrf},
    )
    assert refused.status_code == 403
    login(client, make_user("office_staff"))
    done = client.post(
        "/api/stats/publications",
        json={"assignment_id": assignment_id, "published_on": "2026-09-01", "location": "首都之窗"},
        headers={"X-CSRF-Token": client.csrf},
    )
    assert done.status_code == 201, done.text
    assert done.json() == {"assignment_id": assignment_id, "published_on": "2026-09-01"}


def test_openapi_lists_the_statistics_api(client):
    paths = client.get("/schema/openapi.json").json()["paths"]
    assert {"/api/stats", "/api/stats/export", "/api/stats/publications"} <= set(paths)
