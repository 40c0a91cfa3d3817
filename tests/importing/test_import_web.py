"""Import and item pages and API through the Litestar test client."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app import PROJECT_ROOT
from app.db.engine import session_scope
from app.db.models import Item
from app.db.models.imports import ImportBatch
from app.services.actor import Actor
from app.services.sessions import add_session
from tests.helpers import csrf_from

SAMPLES = PROJECT_ROOT / "imports" / "samples"
NPC_SESSION = "市十六届人大四次会议"
CPPCC_SESSION = "市政协十四届四次会议"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def sessions(clean_db):
    with session_scope(clean_db) as session:
        add_session(session, Actor.system(), label=NPC_SESSION, body="npc", year=2026, number_width=4)
        add_session(session, Actor.system(), label=CPPCC_SESSION, body="cppcc", year=2026, number_width=0)


def item_count(engine) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count(Item.id)))


def upload(client, path, kind="npc_suggestion", session=NPC_SESSION, url="/api/imports/preview", **fields):
    return client.post(
        url,
        files={"file": (path.name, path.read_bytes(), XLSX)},
        data={"kind": kind, "session": session, **fields},
        headers={"X-CSRF-Token": client.csrf},
    )


def test_api_preview_then_commit_then_reimport_is_unchanged(login_as, sessions, clean_db):
    client, _ = login_as("office_staff")
    response = upload(client, SAMPLES / "beijing_npc_2026.xlsx")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["counts"] == {"rows": 800, "new": 800, "unchanged": 0, "changed": 0, "locked": 0, "errors": 0}
    assert item_count(clean_db) == 0  # a preview writes nothing
    committed = client.post(
        f"/api/imports/pending/{body['token']}/commit", json={}, headers={"X-CSRF-Token": client.csrf}
    )
    assert committed.status_code == 201, committed.text
    batch = committed.json()["batch"]
    assert batch["counts"]["new"] == 800 and item_count(clean_db) == 800

    again = upload(client, SAMPLES / "beijing_npc_2026.xlsx", url="/api/imports/")
    assert again.status_code == 201
    assert again.json()["counts"]["unchanged"] == 800 and item_count(clean_db) == 800
    listed = client.get("/api/imports/").json()
    assert [b["counts"]["new"] for b in listed] == [0, 800]
    detail = client.get(f"/api/imports/{batch['id']}?limit=5").json()
    assert detail["items"]["total"] == 800 and len(detail["items"]["rows"]) == 5


def test_api_errors_return_problems_and_the_marked_up_copy(login_as, sessions, clean_db, make_xlsx):
    client, _ = login_as("office_staff")
    bad = make_xlsx(
        [("建议号", "标题", "领衔代表", "类别"), (1, "关于…的建议", "张三", "外星"), (2, None, "李四", None)]
    )
    response = upload(client, bad)
    body = response.json()
    assert response.status_code == 200 and body["counts"]["errors"] == 2
    assert [(p["sheet"], p["column"], p["row"], p["header"], p["value"]) for p in body["problems"]] == [
        ("清单", "D", 2, "类别", "外星"),
        ("清单", "B", 3, "标题", None),
    ]
    assert body["problems"][0]["reason"] == "未知的分类“外星”"
    copy = client.get(body["errors_url"])
    assert copy.status_code == 200
    sheet = load_workbook(io.BytesIO(copy.content))["清单"]
    assert sheet["D2"].comment is not None and sheet["E1"].value == "错误说明"
    refused = client.post(
        f"/api/imports/pending/{body['token']}/commit", json={}, headers={"X-CSRF-Token": client.csrf}
    )
    assert refused.status_code == 422 and len(refused.json()["problems"]) == 2
    one_shot = upload(client, bad, url="/api/imports/")
    assert one_shot.status_code == 422
    assert item_count(clean_db) == 0


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"<html><body><table><tr><td>x</td></tr></table>", "unusable_file"),
        (b"%PDF-1.4 x", "unusable_file"),
        (b"\0" * 10, "unusable_file"),
    ],
)
def test_api_unusable_files_are_400_and_write_nothing(login_as, sessions, clean_db, tmp_path, content, code):
    client, _ = login_as("office_admin")
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    response = upload(client, path, url="/api/imports/")
    assert response.status_code == 400 and response.json()["error"] == code
    assert item_count(clean_db) == 0
    with session_scope(clean_db) as session:
        assert session.scalar(select(func.count(ImportBatch.id))) == 0


def test_changed_items_need_confirmation_over_the_api(login_as, sessions, clean_db, make_xlsx):
    client, _ = login_as("office_staff")
    header = ("建议号", "标题", "领衔代表")
    assert upload(client, make_xlsx([header, (1, "关于A的建议", "张三")]), url="/api/imports/").status_code == 201
    changed = make_xlsx([header, (1, "关于A的建议（修改）", "张三")])
    conflict = upload(client, changed, url="/api/imports/")
    assert conflict.status_code == 409 and conflict.json()["details"]["changed"] == ["0001"]
    confirmed = upload(client, changed, url="/api/imports/", confirm_changes="1")
    assert confirmed.status_code == 201 and confirmed.json()["batch"]["counts"]["changed"] == 1


def test_upload_size_limit(login_as, sessions, clean_db, tmp_path):
    from dataclasses import replace

    from app.settings import get_settings, use_settings

    client, _ = login_as("office_staff")
    original = get_settings()
    use_settings(replace(original, max_upload_mb=0))
    try:
        response = upload(client, SAMPLES / "beijing_npc_2026.xlsx", url="/api/imports/")
    finally:
        use_settings(original)
    assert response.status_code == 400
    assert response.json()["details"]["reason_code"] == "too_large" and "文件过大" in response.json()["message"]


def test_only_the_office_may_import(login_as, sessions):
    client, _ = login_as("dept_handler", "jtw")
    assert upload(client, SAMPLES / "beijing_npc_2026.xlsx").status_code == 403
    assert client.get("/imports").status_code == 403


def test_pages_upload_preview_confirm(login_as, sessions, clean_db):
    client, _ = login_as("office_staff")
    page = client.get("/imports")
    assert page.status_code == 200 and "导入" in page.text
    token = csrf_from(page.text)
    path = SAMPLES / "beijing_cppcc_2026.xlsx"
    preview = client.post(
        "/imports/preview",
        files={"file": (path.name, path.read_bytes(), XLSX)},
        data={"kind": "cppcc_proposal", "session": CPPCC_SESSION, "_csrf": token},
    )
    assert preview.status_code == 200, preview.text[:500]
    assert 'data-testid="count-new">1200<' in preview.text
    pending = preview.text.split('name="token" value="')[1].split('"')[0]
    done = client.post(
        "/imports/confirm", data={"token": pending, "_csrf": csrf_from(preview.text)}, follow_redirects=False
    )
    assert done.status_code in (302, 303), done.text[:300]
    detail = client.get(done.headers["location"])
    assert 'data-testid="batch-new">1200<' in detail.text
    assert item_count(clean_db) == 1200


def test_page_shows_unusable_file_error(login_as, sessions, clean_db):
    client, _ = login_as("office_staff")
    token = csrf_from(client.get("/imports").text)
    response = client.post(
        "/imports/preview",
        files={"file": ("x.xlsx", b"%PDF-1.4", XLSX)},
        data={"kind": "npc_suggestion", "session": NPC_SESSION, "_csrf": token},
    )
    assert response.status_code == 400 and "PDF" in response.text


def test_item_list_filters_paging_scoping_and_export(login_as, make_user, sessions, clean_db):
    client, _ = login_as("office_staff")
    assert upload(client, SAMPLES / "beijing_npc_2026.xlsx", url="/api/imports/").status_code == 201
    everything = client.get("/api/items?per_page=10").json()
    assert everything["total"] == 800 and everything["pages"] == 80 and len(everything["items"]) == 10
    education = client.get("/api/items?category=shfz.jy&per_page=200").json()
    assert 0 < education["total"] < 800 and {i["category"] for i in education["items"]} == {"教育"}
    urban = client.get("/api/items?category=cxjs").json()["total"]
    assert urban > client.get("/api/items?category=cxjs.jt").json()["total"]
    key = client.get("/api/items?key=1").json()
    assert 0 < key["total"] < 50 and all(i["key_supervision"] for i in key["items"])
    search = client.get("/api/items", params={"q": "停车"}).json()
    # the search covers number, title, content and submitters: at least every title match is found
    with session_scope(clean_db) as session:
        titled = session.scalar(select(func.count(Item.id)).where(Item.title.like("%停车%")))
    assert search["total"] >= titled > 0
    assert client.get("/api/items?state=registered").json()["total"] == 800
    refused = client.get("/api/items?state=nonsense")
    assert refused.status_code == 400 and "state" in refused.json()["message"]
    page = client.get("/items?category=shfz.jy")
    assert page.status_code == 200 and 'data-testid="items-total">' + str(education["total"]) in page.text

    exported = client.get("/items/export?format=xlsx")
    assert exported.status_code == 200 and exported.content[:2] == b"PK"
    for fmt in ("csv", "json"):
        assert client.get(f"/api/items/export?format={fmt}").status_code == 200
    # the export imported again is recognised as unchanged
    again = client.post(
        "/api/imports/",
        files={"file": ("export.xlsx", exported.content, XLSX)},
        data={"kind": "npc_suggestion", "session": NPC_SESSION},
        headers={"X-CSRF-Token": client.csrf},
    )
    assert again.status_code == 201 and again.json()["counts"]["unchanged"] == 800


def test_department_users_see_only_their_department(client, make_user, sessions, clean_db):
    from tests.helpers import login

    office = make_user("office_staff")
    login(client, office)
    assert upload(client, SAMPLES / "beijing_npc_2026.xlsx", url="/api/imports/").status_code == 201
    # give 市交通委 one assignment
    from datetime import date

    from app.db.models import Assignment, Department

    with session_scope(clean_db) as session:
        item = session.scalar(select(Item).order_by(Item.id))
        dept = session.scalar(select(Department).where(Department.code == "jtw"))
        session.add(
            Assignment(
                item_id=item.id,
                department_id=dept.id,
                role="lead",
                state="pending_signature",
                assigned_on=date(2026, 2, 1),
            )
        )
        number = item.number
    client.cookies.clear()
    login(client, make_user("dept_handler", "jtw"))
    listed = client.get("/api/items").json()
    assert listed["total"] == 1 and listed["items"][0]["number"] == number
    exported = client.get("/api/items/export?format=json").json()
    assert [row["number"] for row in exported] == [number]
    assert client.get("/items").status_code == 200
