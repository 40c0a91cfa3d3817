"""Writing while reading (PostgreSQL: new items go to the database while the workbook is still read):
the outcome is exactly that of writing after the read, and a refusal found late still writes nothing.
On SQLite the same tests run through the write-after-read path."""

import pytest
from sqlalchemy import func, select

from app.db.models import AuditEntry, Item, ItemCoSigner, ItemIntendedDepartment
from app.db.models.imports import ImportBatch, ImportBatchItem
from app.services import importing
from app.services.actor import Actor
from app.services.sessions import add_session

FIRST, SECOND = "市十六届人大四次会议", "市十六届人大五次会议"
HEADER = ("建议号", "标题", "领衔代表", "附议代表", "代表团", "类别", "主办单位", "提出时间")


@pytest.fixture
def office(db_session, make_user):
    for label in (FIRST, SECOND):
        add_session(db_session, Actor.system(), label=label, body="npc", year=2026, number_width=4)
    db_session.commit()
    return make_user("office_staff").actor


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    """Chunks of two rows: the writer has written several of them before the read ends."""
    monkeypatch.setattr(importing, "INSERT_CHUNK", 2)


def rows(count: int, bad_at: int | None = None) -> list[tuple]:
    body = []
    for number in range(1, count + 1):
        title = "" if number == bad_at else f"关于第{number}件事的建议 C:\\路径\\n"
        body.append(
            (number, title, "张三", f"李四、王{number}", "朝阳区代表团", "教育", "市教委、市交通委", "2026.1.15")
        )
    return [HEADER, *body]


def totals(session) -> dict[str, int]:
    return {
        model.__tablename__: session.scalar(select(func.count()).select_from(model))
        for model in (Item, ItemCoSigner, ItemIntendedDepartment, ImportBatch, ImportBatchItem, AuditEntry)
    }


def snapshot(session, batch: ImportBatch) -> dict:
    items = session.scalars(select(Item).where(Item.session_id == batch.session_id).order_by(Item.id)).all()
    links = session.execute(
        select(ImportBatchItem.outcome, ImportBatchItem.sheet, ImportBatchItem.row, Item.number)
        .join(Item, Item.id == ImportBatchItem.item_id)
        .where(ImportBatchItem.batch_id == batch.id)
        .order_by(ImportBatchItem.id)
    ).all()
    audit = session.scalar(
        select(AuditEntry).where(AuditEntry.entity == "import_batch", AuditEntry.entity_id == batch.id)
    )
    return {
        "items": [
            (
                i.number,
                i.title,
                i.lead_submitter,
                i.state,
                i.version,
                i.submitted_on,
                [c.name for c in i.co_signers],
                sorted((d.role, d.department_id) for d in i.intended_departments),
            )
            for i in items
        ],
        "links": [tuple(link) for link in links],
        "batch": (batch.rows, batch.new_count, batch.changed_count, batch.unchanged_count, batch.stored_file),
        "audit": {k: v for k, v in audit.after.items() if k != "session"},
    }


def test_writing_while_reading_imports_exactly_what_writing_after_reading_does(
    db_session, office, make_xlsx, monkeypatch
):
    path = make_xlsx(rows(9))
    streamed, _ = importing.commit_import(db_session, office, path, kind="npc_suggestion", session_label=FIRST)
    monkeypatch.setattr(importing, "STREAM_WRITES", False)
    serial, _ = importing.commit_import(db_session, office, path, kind="npc_suggestion", session_label=SECOND)
    db_session.commit()
    assert snapshot(db_session, streamed) == snapshot(db_session, serial)
    assert streamed.new_count == 9 and len(snapshot(db_session, streamed)["items"]) == 9


def test_a_problem_in_the_last_row_writes_nothing_although_earlier_rows_were_sent(db_session, office, make_xlsx):
    before = totals(db_session)
    with pytest.raises(importing.ImportHasErrors) as info:
        importing.commit_import(
            db_session, office, make_xlsx(rows(9, bad_at=9)), kind="npc_suggestion", session_label=FIRST
        )
    assert [p.place for p in info.value.problems] == ["清单!B10 (标题)"]
    assert totals(db_session) == before
    db_session.commit()
    assert totals(db_session) == before


def test_a_number_repeated_late_writes_nothing(db_session, office, make_xlsx):
    before = totals(db_session)
    workbook = make_xlsx([*rows(7), (3, "又一件", "赵六")])
    with pytest.raises(importing.ImportHasErrors):
        importing.commit_import(db_session, office, workbook, kind="npc_suggestion", session_label=FIRST)
    assert totals(db_session) == before


def test_changes_needing_confirmation_write_nothing_then_import_with_it(db_session, office, make_xlsx):
    importing.commit_import(db_session, office, make_xlsx(rows(3)), kind="npc_suggestion", session_label=FIRST)
    changed = rows(9)
    changed[2] = (2, "关于第2件事的建议（修改）", *changed[2][2:])
    path = make_xlsx(changed)
    before = totals(db_session)
    with pytest.raises(importing.ChangesNeedConfirmation):
        importing.commit_import(db_session, office, path, kind="npc_suggestion", session_label=FIRST)
    assert totals(db_session) == before
    batch, _ = importing.commit_import(
        db_session, office, path, kind="npc_suggestion", session_label=FIRST, confirm_changes=True
    )
    assert (batch.new_count, batch.changed_count, batch.unchanged_count) == (6, 1, 2)
    assert totals(db_session)["items"] == 9


@pytest.mark.parametrize("where", ["ids", "server"])
def test_a_failing_writer_falls_back_to_writing_after_the_read(db_session, office, make_xlsx, monkeypatch, where):
    """Ids not to be had, or the server refusing a COPY half way (the transaction is then aborted
    up to the savepoint): the import is still whole, written after the read."""
    calls = []
    reserve, copy_text = importing._StreamingWriter._reserve_ids, importing._copy_text

    def flaky_ids(self, count):
        calls.append(count)
        if where == "ids" and len(calls) == 2:
            raise RuntimeError("pool exhausted")
        return reserve(self, count)

    def flaky_copy(table, rows):
        statement, data = copy_text(table, rows)
        if where == "server" and len(calls) == 2 and table.name == "item_co_signers":
            statement = statement.replace('"name"', '"no_such_column"')
        return statement, data

    monkeypatch.setattr(importing._StreamingWriter, "_reserve_ids", flaky_ids)
    monkeypatch.setattr(importing, "_copy_text", flaky_copy)
    batch, _ = importing.commit_import(
        db_session, office, make_xlsx(rows(9)), kind="npc_suggestion", session_label=FIRST
    )
    db_session.commit()
    assert batch.new_count == 9
    assert totals(db_session)["items"] == 9 and totals(db_session)["import_batches"] == 1
    assert totals(db_session)["item_co_signers"] == 18
    assert [link[3] for link in snapshot(db_session, batch)["links"]] == [f"{n:04d}" for n in range(1, 10)]
    if db_session.get_bind().dialect.name == "postgresql":
        assert calls[:2] == [2, 2]
