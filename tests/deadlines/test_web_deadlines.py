"""Pages and API: supervision board, calendar page (enter/import a year), assignment deadlines, extensions."""

from datetime import date

from app.db.engine import session_scope
from app.rules.profiles import load_profile
from app.services import deadlines as deadline_service
from app.services.actor import Actor
from tests.deadlines.factories import make_assignment

SCHEDULE_2027 = """year = 2027
[[holiday]]
name = "元旦"
from = 2027-01-01
to = 2027-01-03
"""


def _seed(clean_db):
    with session_scope(clean_db) as session:
        lead = make_assignment(session, "jtw", key_supervision=True)  # reply 2026-10-08
        co = make_assignment(session, "jw", role="co", item=lead.item)  # opinion 2026-08-03
        late = make_assignment(
            session, "jw", assigned_on=date(2026, 10, 1), title="关于老旧小区增设电梯无障碍入户模式的提案"
        )
        for assignment in (lead, co, late):
            deadline_service.record_assignment_deadlines(
                session, Actor.system(), assignment, profile=load_profile("beijing")
            )
        return lead.id, co.id, late.id


def test_board_shows_sections_grouped_by_department(login_as, clean_db):
    client, _user = login_as("office_staff")
    _seed(clean_db)
    page = client.get("/supervision", params={"day": "2026-10-06"})
    assert page.status_code == 200
    html = page.text
    assert "督办看板" in html and "本周到期" in html and "会办意见超期" in html
    assert 'data-testid="count-due_this_week">1<' in html  # 2026-10-08 is in the week of 10-06
    assert 'data-testid="count-co_opinions_late">1<' in html
    assert 'data-testid="count-key_items">1<' in html
    assert "市交通委" in html and "市教委" in html
    assert "超期64天" in html  # the co-handler opinion, due 2026-08-03
    assert "期限计算说明" in html and "国庆节" in html  # the explanation travels with every row


def test_board_run_button_records_reminders(login_as, clean_db):
    client, _user = login_as("office_admin")
    _seed(clean_db)
    response = client.post("/supervision/run", data={"day": "2026-09-28", "_csrf": client.csrf}, follow_redirects=False)
    assert response.status_code in (302, 303)
    assert "ran=" in response.headers["location"]
    page = client.get(response.headers["location"]).text
    assert "最近的督办提醒" in page


def test_leader_reads_the_board_department_users_do_not(login_as, clean_db):
    client, _ = login_as("leader_readonly")
    assert client.get("/supervision").status_code == 200
    client.cookies.clear()
    client2, _ = login_as("dept_handler", "jtw")
    assert client2.get("/supervision").status_code == 403


def test_department_api_board_is_scoped(login_as, clean_db):
    client, _ = login_as("dept_handler", "jtw")
    _seed(clean_db)
    data = client.get("/api/supervision/board", params={"day": "2026-10-06"}).json()
    departments = {row["department"] for rows in data["sections"].values() for row in rows}
    assert departments == {"jtw"}


def test_calendar_page_shows_the_2027_gap_and_office_admin_loads_it(login_as, clean_db):
    client, _ = login_as("office_admin")
    lead_id, _co, late_id = _seed(clean_db)
    page = client.get("/calendar", params={"year": 2027}).text
    assert "无节假日安排，按周一至周五计算" in page and "载入该年安排" in page
    response = client.post(
        "/calendar/years",
        files={"file": ("2027.toml", SCHEDULE_2027.encode(), "text/plain")},
        data={"text": "", "note": "测试", "_csrf": client.csrf},
    )
    assert response.status_code == 200, response.text[:400]
    assert 'data-testid="recompute-report"' in response.text
    assert "2027年1月1日 → 2027年1月4日" in response.text  # the late item's reply moved
    assert "元旦" in client.get("/calendar", params={"year": 2027}).text
    board = client.get("/supervision").text
    assert "因日历或规则变化而调整的期限" in board and "2027-01-01" in board and "2027-01-04" in board
    deadlines = client.get(f"/api/assignments/{late_id}/deadlines").json()
    reply = next(d for d in deadlines if d["rule"] == "reply")
    assert reply["due"] == "2027-01-04" and not reply["calendar_warning"]
    assert any("元旦" in line for line in reply["explanation_text"]["zh"])


def test_calendar_form_errors_name_the_entry(login_as, clean_db):
    client, _ = login_as("office_admin")
    response = client.post(
        "/calendar/years",
        files={"text": (None, "year = 2027\n[[holiday]]\nfrom = 2027-01-01\n")},
        data={"_csrf": client.csrf},
    )
    assert response.status_code == 422
    assert "holiday #1" in response.text


def test_only_office_admin_loads_a_year(login_as, clean_db):
    client, _ = login_as("office_staff")
    response = client.post("/api/calendar/years", json={"text": SCHEDULE_2027}, headers={"X-CSRF-Token": client.csrf})
    assert response.status_code == 403


def test_api_due(login_as):
    client, _ = login_as("dept_handler", "jtw")
    data = client.get("/api/calendar/due", params={"start": "2026-09-28", "working_days": 5}).json()
    assert data["due"] == "2026-10-10"
    assert data["explanation"]["makeup_counted"][0]["day"] == "2026-10-10"
    assert any("National Day" in line for line in data["text"]["en"])
    bad = client.get("/api/calendar/due", params={"start": "2026-09-28"})
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "period"


def test_extension_through_the_api_and_the_assignment_page(login_as, clean_db, make_user):
    lead_id, _co, _late = _seed(clean_db)
    client, _ = login_as("dept_handler", "jtw")
    deadlines = client.get(f"/api/assignments/{lead_id}/deadlines").json()
    reply = next(d for d in deadlines if d["rule"] == "reply")
    headers = {"X-CSRF-Token": client.csrf}
    too_late = client.post(
        f"/api/deadlines/{reply['id']}/extension-requests",
        json={"requested_due": "2027-02-01", "reason": "x"},
        headers=headers,
    )
    assert too_late.status_code == 422 and "2027-01-01" in too_late.text
    ok = client.post(
        f"/api/deadlines/{reply['id']}/extension-requests",
        json={"requested_due": "2026-11-09", "reason": "需要现场勘查"},
        headers=headers,
    )
    assert ok.status_code == 201, ok.text
    page = client.get(f"/deadlines/assignments/{lead_id}").text
    assert "需要现场勘查" in page and "待审核" in page
    assert client.get(f"/api/assignments/{_co}/deadlines").status_code == 404  # another department's assignment

    client.cookies.clear()
    office, _ = login_as("office_staff")
    board = office.get("/supervision").text
    assert "需要现场勘查" in board and "同意延期" in board
    decided = office.post(
        f"/api/extension-requests/{ok.json()['id']}/decision",
        json={"approve": True},
        headers={"X-CSRF-Token": office.csrf},
    )
    assert decided.status_code == 201, decided.text
    assert decided.json()["deadline"]["due"] == "2026-11-09"
    assert decided.json()["deadline"]["override"] == "extension"


def test_office_edits_a_deadline_on_the_assignment_page(login_as, clean_db):
    lead_id, _co, _late = _seed(clean_db)
    client, _ = login_as("office_admin")
    page = client.get(f"/deadlines/assignments/{lead_id}").text
    assert "修改期限" in page
    deadlines = client.get(f"/api/assignments/{lead_id}/deadlines").json()
    reply = next(d for d in deadlines if d["rule"] == "reply")
    response = client.post(
        f"/deadlines/{reply['id']}/edit",
        data={"due_on": "2026-10-09", "reason": "领导批示", "_csrf": client.csrf},
        follow_redirects=False,
    )
    assert response.status_code in (302, 303)
    page = client.get(response.headers["location"]).text
    assert "期限已修改" in page and "领导批示" in page and "本办设定" in page


def test_api_loads_a_year_and_lists_the_moves(login_as, clean_db):
    _lead, _co, late_id = _seed(clean_db)
    client, _ = login_as("office_admin")
    headers = {"X-CSRF-Token": client.csrf}
    bad = client.post(
        "/api/calendar/years", json={"text": "year = 2027\n[[holiday]]\nname = '元旦'\n"}, headers=headers
    )
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "holiday #1 (元旦)"
    response = client.post("/api/calendar/years", json={"text": SCHEDULE_2027, "note": "API"}, headers=headers)
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["document"]["holiday"][0] == {
        "name": "元旦",
        "name_en": "New Year's Day",
        "from": "2027-01-01",
        "to": "2027-01-03",
    }
    moved = {(m["assignment_id"], m["rule"], m["new_due"]) for m in data["recompute"]["moved"]}
    assert moved == {(_lead, "reply_max", "2027-01-04"), (late_id, "reply", "2027-01-04")}
    year = client.get("/api/calendar/years/2027").json()
    assert year["source"]["source"] == "office" and len(year["days"]) == 3
