"""Import use-cases against the database: preview, all-or-nothing commit, idempotent re-import."""

import pytest
from sqlalchemy import func, select

from app import PROJECT_ROOT
from app.db.models import AuditEntry, Item, ItemCoSigner, ItemIntendedDepartment
from app.db.models.imports import ImportBatch, ImportBatchItem
from app.domain.enums import ItemKind
from app.services import importing
from app.services.actor import Actor
from app.services.errors import Forbidden, ValidationFailed
from app.services.sessions import add_session

SAMPLES = PROJECT_ROOT / "imports" / "samples"
NPC_SESSION = "市十六届人大四次会议"
CPPCC_SESSION = "市政协十四届四次会议"
HEADER = ("建议号", "标题", "领衔代表", "附议代表", "代表团", "类别", "主办单位", "提出时间")


@pytest.fixture
def sessions(db_session):
    add_session(db_session, Actor.system(), label=NPC_SESSION, body="npc", year=2026, number_width=4)
    add_session(db_session, Actor.system(), label=CPPCC_SESSION, body="cppcc", year=2026, number_width=0)
    db_session.commit()  # other fixtures write through their own connections
    return db_session


@pytest.fixture
def office(make_user, sessions):
    return make_user("office_staff").actor


def counts(session):
    return {
        "items": session.scalar(select(func.count(Item.id))),
        "co": session.scalar(select(func.count(ItemCoSigner.id))),
        "intended": session.scalar(select(func.count(ItemIntendedDepartment.id))),
        "batches": session.scalar(select(func.count(ImportBatch.id))),
        "links": session.scalar(select(func.count(ImportBatchItem.id))),
    }


def test_samples_import_and_a_second_import_changes_nothing(sessions, office):
    session = sessions
    batch, preview = importing.commit_import(
        session, office, SAMPLES / "beijing_cppcc_2026.xlsx", kind="cppcc_proposal", session_label=CPPCC_SESSION
    )
    assert preview.counts == {"rows": 1200, "new": 1200, "unchanged": 0, "changed": 0, "locked": 0, "errors": 0}
    assert (batch.new_count, batch.rows, len(batch.sha256)) == (1200, 1200, 64)
    after_first = counts(session)
    assert after_first["items"] == 1200 and after_first["links"] == 1200 and after_first["intended"] > 400
    versions = dict(session.execute(select(Item.id, Item.version)).all())

    again = importing.preview_import(
        session, office, SAMPLES / "beijing_cppcc_2026.xlsx", kind="cppcc_proposal", session_label=CPPCC_SESSION
    )
    assert again.counts["unchanged"] == 1200 and again.plan.nothing_to_do
    second, _ = importing.commit_import(
        session, office, SAMPLES / "beijing_cppcc_2026.xlsx", kind="cppcc_proposal", session_label=CPPCC_SESSION
    )
    assert (second.new_count, second.changed_count, second.unchanged_count) == (0, 0, 1200)
    assert dict(session.execute(select(Item.id, Item.version)).all()) == versions
    assert counts(session)["items"] == 1200
    audit = session.scalars(select(AuditEntry).where(AuditEntry.entity == "import_batch")).all()
    assert [a.after["new"] for a in audit] == [1200, 0]
    assert (importing._data_dir() / batch.stored_file).is_file()


def test_errors_write_nothing_and_name_the_cells(sessions, office, make_xlsx, tmp_path):
    path = make_xlsx([HEADER, (1, "关于…的建议", "张三"), (2, "", "李四", None, None, "外星"), (1, "重复", "王五")])
    before = counts(sessions)
    with pytest.raises(importing.ImportHasErrors) as info:
        importing.commit_import(sessions, office, path, kind="npc_suggestion", session_label=NPC_SESSION)
    assert counts(sessions) == before
    places = [p.place for p in info.value.problems]
    assert places == ["清单!B3 (标题)", "清单!F3 (类别)", "清单!A4 (建议号)"]
    report = importing.write_error_report(info.value.preview, path, tmp_path / "errors.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(report)["清单"]
    assert sheet["B3"].comment.text == "“标题”为空" and sheet["I1"].value == "错误说明"


@pytest.mark.parametrize(
    "content",
    [
        "caf\u00e9 \u00ff,1\n".encode("cp1252"),
        b"<html><table><tr><td>x</td></tr></table>",
        b"%PDF-1.4",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
        b"",
    ],
)
def test_unusable_files_write_nothing(sessions, office, tmp_path, content):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    before = counts(sessions)
    with pytest.raises(importing.UnusableUpload):
        importing.commit_import(sessions, office, path, kind="npc_suggestion", session_label=NPC_SESSION)
    assert counts(sessions) == before


def test_changed_items_need_confirmation_then_update_with_audit(sessions, office, make_xlsx):
    first = make_xlsx([HEADER, (1, "关于A的建议", "张三", "李四"), (2, "关于B的建议", "王五")])
    importing.commit_import(sessions, office, first, kind="npc_suggestion", session_label=NPC_SESSION)
    changed = make_xlsx(
        [
            HEADER,
            (1, "关于A的建议（修改）", "张三", "李四、赵六", None, None, "市交通委"),
            (2, "关于B的建议", "王五"),
            (3, "关于C的建议", "钱七"),
        ]
    )
    preview = importing.preview_import(sessions, office, changed, kind="npc_suggestion", session_label=NPC_SESSION)
    assert preview.counts == {"rows": 3, "new": 1, "unchanged": 1, "changed": 1, "locked": 0, "errors": 0}
    assert preview.plan.changed[0].fields == ("title", "co_signers", "submitter_count", "intended_lead")
    before = counts(sessions)
    with pytest.raises(importing.ChangesNeedConfirmation):
        importing.commit_import(sessions, office, changed, kind="npc_suggestion", session_label=NPC_SESSION)
    assert counts(sessions) == before
    batch, _ = importing.commit_import(
        sessions, office, changed, kind="npc_suggestion", session_label=NPC_SESSION, confirm_changes=True
    )
    assert (batch.new_count, batch.changed_count, batch.unchanged_count) == (1, 1, 1)
    item = sessions.scalar(select(Item).where(Item.number == "0001"))
    assert item.title == "关于A的建议（修改）" and [c.name for c in item.co_signers] == ["李四", "赵六"]
    assert item.version == 2
    entry = sessions.scalar(select(AuditEntry).where(AuditEntry.action == "import_update"))
    assert entry.before["title"] == "关于A的建议" and entry.after["title"] == "关于A的建议（修改）"


def test_assigned_items_keep_their_content(sessions, office, make_xlsx):
    importing.commit_import(
        sessions,
        office,
        make_xlsx([HEADER, (1, "关于A的建议", "张三")]),
        kind="npc_suggestion",
        session_label=NPC_SESSION,
    )
    item = sessions.scalar(select(Item))
    item.state = "assigned"
    sessions.flush()
    preview = importing.preview_import(
        sessions,
        office,
        make_xlsx([HEADER, (1, "关于A的建议（改）", "张三")]),
        kind="npc_suggestion",
        session_label=NPC_SESSION,
    )
    assert [p.code for p in preview.problems] == ["locked_item"]


def test_kind_must_match_the_session_and_only_the_office_imports(sessions, office, make_user):
    with pytest.raises(ValidationFailed):
        importing.preview_import(
            sessions, office, SAMPLES / "beijing_npc_2026.xlsx", kind="npc_suggestion", session_label=CPPCC_SESSION
        )
    handler = make_user("dept_handler", "jtw").actor
    with pytest.raises(Forbidden):
        importing.preview_import(
            sessions, handler, SAMPLES / "beijing_npc_2026.xlsx", kind="npc_suggestion", session_label=NPC_SESSION
        )


def test_pending_uploads_belong_to_their_uploader(sessions, office, make_user, tmp_path):
    source = (SAMPLES / "beijing_npc_2026.xlsx").open("rb")
    pending = importing.save_pending(
        office, source, file_name="../清单.xlsx", kind=ItemKind.NPC_SUGGESTION, session_label=NPC_SESSION
    )
    assert pending.file_name == "清单.xlsx" and pending.path.is_file()
    assert importing.load_pending(office, pending.token).path == pending.path
    other = make_user("office_staff").actor
    for actor, token in ((other, pending.token), (office, "../../etc"), (office, "x" * 30)):
        with pytest.raises(importing.NotFound):
            importing.load_pending(actor, token)


@pytest.mark.parametrize("seed", range(25))
def test_generated_bad_workbooks_never_write_partially(sessions, office, tmp_path, seed):
    """Random mixes of good and bad rows, damaged parts: either all rows go in, or nothing does."""
    import random
    import zipfile

    from openpyxl import Workbook

    from app.services.errors import UserError

    rng = random.Random(seed)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["市十六届人大四次会议代表建议交办清单"])
    sheet.append(list(HEADER))
    good = rng.randint(1, 30)
    for number in range(1, good + 1):
        sheet.append(
            [number, f"关于第{number}件事的建议", "张三", "李四、王五", "朝阳区代表团", "教育", "市教委", "2026.1.15"]
        )
    bad_value = rng.choice([("", 1), ("外星", 5), ("2026-13-45", 7), ("市月球局", 6), (None, 2), ("=A1", 0)])
    if rng.random() < 0.8:
        row = [good + 1, "关于…的建议", "张三", None, None, None, None, None]
        row[bad_value[1]] = bad_value[0]
        sheet.insert_rows(3 + rng.randrange(good))
        for column, value in enumerate(row, start=1):
            sheet.cell(row=3, column=column, value=value)
    path = tmp_path / "generated.xlsx"
    workbook.save(path)
    if rng.random() < 0.3:  # damage one XML part
        damaged = tmp_path / "damaged.xlsx"
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(damaged, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename.endswith("sheet1.xml"):
                    cut = rng.randrange(len(data))
                    data = data[:cut] + b"<" + data[cut + 1 :]
                dst.writestr(info, data)
        path = damaged
    before = counts(sessions)
    try:
        batch, _ = importing.commit_import(sessions, office, path, kind="npc_suggestion", session_label=NPC_SESSION)
    except UserError:
        sessions.rollback()
        assert counts(sessions) == before
    else:
        assert counts(sessions)["items"] == before["items"] + batch.new_count
        assert batch.new_count + batch.unchanged_count + batch.changed_count == batch.rows


def test_partial_reimport_leaves_locked_rows_as_they_are_when_the_office_chooses(sessions, office, make_xlsx):
    importing.commit_import(
        sessions,
        office,
        make_xlsx([HEADER, (1, "关于A的建议", "张三"), (2, "关于B的建议", "王五"), (3, "关于C的建议", "钱七")]),
        kind="npc_suggestion",
        session_label=NPC_SESSION,
    )
    assigned = sessions.scalar(select(Item).where(Item.number == "0001"))
    assigned.state = "assigned"
    sessions.flush()
    again = make_xlsx(
        [
            HEADER,
            (1, "关于A的建议（改）", "张三", "李四"),  # locked: already 交办
            (2, "关于B的建议（改）", "王五"),  # changed, still registered
            (3, "关于C的建议", "钱七"),
            (4, "关于D的建议", "孙八"),
        ]
    )
    # default: refuse and explain, naming the row, the item and its state
    preview = importing.preview_import(sessions, office, again, kind="npc_suggestion", session_label=NPC_SESSION)
    assert [(p.code, p.row) for p in preview.problems] == [("locked_item", 2)]
    assert preview.only_locked_rows_block
    [locked] = preview.locked_rows()
    assert (locked["number"], locked["state"], locked["row"]) == ("0001", "assigned", 2)
    assert locked["diff"] == [
        {"field": "title", "label": "标题", "old": "关于A的建议", "new": "关于A的建议（改）"},
        {"field": "co_signers", "label": "附议代表", "old": "—", "new": "李四"},
        {"field": "submitter_count", "label": "提出人数", "old": "1", "new": "2"},
    ]
    [changed] = preview.changed_rows()
    assert changed["diff"] == [{"field": "title", "label": "标题", "old": "关于B的建议", "new": "关于B的建议（改）"}]
    before = counts(sessions)
    with pytest.raises(importing.ImportHasErrors):
        importing.commit_import(
            sessions, office, again, kind="npc_suggestion", session_label=NPC_SESSION, confirm_changes=True
        )
    assert counts(sessions) == before
    # the explicit choice: import the others, leave locked rows as they are (one transaction)
    batch, preview = importing.commit_import(
        sessions,
        office,
        again,
        kind="npc_suggestion",
        session_label=NPC_SESSION,
        confirm_changes=True,
        skip_locked=True,
    )
    assert preview.counts == {"rows": 4, "new": 1, "unchanged": 1, "changed": 1, "locked": 1, "errors": 0}
    assert sessions.scalar(select(Item.title).where(Item.number == "0001")) == "关于A的建议"
    assert sessions.scalar(select(Item.title).where(Item.number == "0002")) == "关于B的建议（改）"
    assert sessions.scalar(select(Item.title).where(Item.number == "0004")) == "关于D的建议"
    links = dict(
        sessions.execute(
            select(Item.number, ImportBatchItem.outcome)
            .join(Item, Item.id == ImportBatchItem.item_id)
            .where(ImportBatchItem.batch_id == batch.id)
        ).all()
    )
    assert links == {"0001": "skipped", "0002": "changed", "0003": "unchanged", "0004": "new"}
    entry = sessions.scalar(
        select(AuditEntry).where(AuditEntry.entity == "import_batch", AuditEntry.entity_id == batch.id)
    )
    assert entry.after["skipped"] == [{"number": "0001", "state": "assigned", "sheet": "清单", "row": 2}]
    assert entry.after["locked"] == 1
