"""Duplicates at import through the services: the preview flags a resubmission of last session's item
and a second row on the same matter; the commit stores 并案 suggestions (never merges); the office
accepts (the workflow's merge) or dismisses with a reason, both audited; department users see none."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from app.db.models import AuditEntry, Item
from app.db.models.similarity import MergeSuggestion
from app.domain.enums import Role
from app.services import duplicates, importing
from app.services.actor import Actor
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.services.sessions import add_session
from tests.similarity.evaluation import background_titles

LAST = "市十六届人大三次会议"
THIS = "市十六届人大四次会议"
HEADER = ("建议号", "标题", "领衔代表", "内容")
PARKING = (
    "关于解决朝阳区望京街道老旧小区停车难问题的建议",
    "望京街道南湖西园等老旧小区建成早，车位严重不足，居民夜间停车难，车辆占用消防通道。"
    "建议利用小区周边边角地建设立体停车设施，推动周边写字楼停车场夜间向居民错时开放。",
)
PARKING_AGAIN = (
    "关于进一步解决朝阳区望京街道老旧小区停车难问题的建议",
    "去年提出此建议后问题仍未根本解决。望京街道南湖西园等老旧小区车位严重不足，居民夜间停车难。"
    "建议利用边角地建设立体停车设施，推动写字楼停车场夜间向居民错时开放。",
)
PARKING_ELSEWHERE = (
    "关于解决海淀区学院路街道高校周边小区停车难的建议",
    "学院路街道高校家属院多，车位少，夜间车辆沿路停放，影响学生出行安全。建议推动高校停车场夜间向周边居民开放。",
)
ELEVATOR = (
    "关于加快西城区老旧小区加装电梯的建议",
    "西城区展览路街道多为六层无电梯楼房，老年人上下楼困难。建议完善低层住户补偿办法，简化审批流程。",
)
ELEVATOR_REWRITE = (
    "关于破解西城区展览路街道加装电梯协调难的建议",
    "展览路一带老楼加装电梯意愿强烈，但一楼住户担心采光，协调往往失败。建议建立低层住户补偿协商机制，简化审批流程。",
)


def last_session_rows() -> list[tuple]:
    """Last session: the two matters, among 80 other titles (IDF from six texts alone would swing)."""
    background = [(n, title, f"背景{n}", "") for n, title in enumerate(background_titles()[:80], start=3)]
    return [HEADER, (1, PARKING[0], "张伟", PARKING[1]), (2, ELEVATOR[0], "杨帆", ELEVATOR[1]), *background]


@pytest.fixture
def office(db_session, make_user):
    add_session(db_session, Actor.system(), label=LAST, body="npc", year=2025, number_width=4)
    add_session(db_session, Actor.system(), label=THIS, body="npc", year=2026, number_width=4)
    db_session.commit()
    return make_user("office_staff").actor


@pytest.fixture
def last_session(db_session, office, make_xlsx):
    book = make_xlsx(last_session_rows())
    importing.commit_import(db_session, office, book, kind="npc_suggestion", session_label=LAST)
    return {i.number: i for i in db_session.scalars(select(Item)) if i.number in ("0001", "0002")}


def _this_year(make_xlsx):
    return make_xlsx(
        [
            HEADER,
            (1, PARKING_AGAIN[0], "张伟", PARKING_AGAIN[1]),
            (2, PARKING_ELSEWHERE[0], "刘洋", PARKING_ELSEWHERE[1]),
            (3, ELEVATOR_REWRITE[0], "赵敏", ELEVATOR_REWRITE[1]),
            (4, ELEVATOR_REWRITE[0], "吴磊", ELEVATOR_REWRITE[1]),
        ]
    )


def test_preview_flags_resubmission_and_one_matter_but_not_another_district(
    db_session, office, last_session, make_xlsx
):
    preview = importing.preview_import(
        db_session, office, _this_year(make_xlsx), kind="npc_suggestion", session_label=THIS
    )
    flagged = {row.number: row for row in preview.duplicates}
    assert set(flagged) == {"0001", "0003", "0004"}  # 学院路 is another district's parking: not flagged
    resubmitted = flagged["0001"].matches[0]
    assert (resubmitted.number, resubmitted.session_label, resubmitted.kind) == ("0001", LAST, "same_submitter")
    assert resubmitted.item_id == last_session["0001"].id and resubmitted.score > 0.6
    assert "望京" in resubmitted.shared_terms
    assert flagged["0003"].matches[0].kind == "one_matter" and flagged["0003"].matches[0].number == "0002"
    within = [m for m in flagged["0004"].matches if m.item_id is None]  # row 4 repeats row 3 of the workbook
    assert within and within[0].number == "0003" and within[0].row == "清单 4"
    assert preview.as_dict()["duplicates"][0]["matches"][0]["score"] == resubmitted.score
    assert db_session.scalar(select(MergeSuggestion.id)) is None  # a preview writes nothing


def test_commit_stores_suggestions_and_merges_nothing(db_session, office, last_session, make_xlsx):
    batch, _ = importing.commit_import(
        db_session, office, _this_year(make_xlsx), kind="npc_suggestion", session_label=THIS
    )
    rows = db_session.scalars(select(MergeSuggestion).order_by(MergeSuggestion.item_id)).all()
    pairs = {
        (r.item.number, r.item.session.label, r.other_item.number, r.other_item.session.label, r.kind) for r in rows
    }
    assert pairs == {
        ("0001", THIS, "0001", LAST, "same_submitter"),
        ("0003", THIS, "0002", LAST, "one_matter"),
        ("0004", THIS, "0003", THIS, "one_matter"),  # one suggestion per item: its best pair
    }
    assert all(r.status == "proposed" and r.batch_id == batch.id for r in rows)
    assert all(i.state == "registered" and i.merged_into_id is None for i in db_session.scalars(select(Item)))
    assert db_session.scalar(select(AuditEntry.id).where(AuditEntry.entity == "merge_suggestion")) is not None
    # importing the same workbook again adds no second suggestion for a pair
    importing.commit_import(db_session, office, _this_year(make_xlsx), kind="npc_suggestion", session_label=THIS)
    assert len(db_session.scalars(select(MergeSuggestion)).all()) == len(rows)


def test_accept_merges_through_the_workflow_and_dismiss_needs_a_reason(db_session, office, last_session, make_xlsx):
    importing.commit_import(db_session, office, _this_year(make_xlsx), kind="npc_suggestion", session_label=THIS)
    by_pair = {
        (r.item.number, r.other_item.session.label, r.other_item.number): r
        for r in db_session.scalars(select(MergeSuggestion))
    }
    within = by_pair[("0004", THIS, "0003")]
    views = duplicates.suggestions_for_item(db_session, office, within.item_id)
    assert [v.suggestion.id for v in views] == [within.id] and views[0].merge_refusal is None
    duplicates.accept(db_session, office, within.id, expected_version=within.version)
    merged = db_session.get(Item, within.item_id)
    assert merged.state == "merged" and merged.merged_into_id == within.other_item_id
    assert within.status == "accepted" and within.decided_by_name == office.username
    assert db_session.scalar(
        select(AuditEntry).where(AuditEntry.entity == "merge_suggestion", AuditEntry.action == "accept")
    )
    with pytest.raises(Conflict):
        duplicates.accept(db_session, office, within.id)  # decided already
    # last year's item is finished (closed): merging into it is refused, and the page says why
    into_closed = by_pair[("0003", LAST, "0002")]
    db_session.execute(update(Item).where(Item.id == into_closed.other_item_id).values(state="closed"))
    db_session.expire_all()
    views = duplicates.suggestions_for_item(db_session, office, into_closed.item_id)
    view = next(v for v in views if v.suggestion.id == into_closed.id)
    assert view.merge_refusal is not None and view.merge_refusal == duplicates.merge_refusal(
        db_session, office, into_closed
    )
    with pytest.raises(Conflict):
        duplicates.accept(db_session, office, into_closed.id)
    assert db_session.get(MergeSuggestion, into_closed.id).status == "proposed"
    resubmission = by_pair[("0001", LAST, "0001")]
    with pytest.raises(ValidationFailed):
        duplicates.dismiss(db_session, office, resubmission.id, reason="  ")
    with pytest.raises(ValidationFailed):
        duplicates.dismiss(db_session, office, resubmission.id, reason="x" * 2001)
    with pytest.raises(Conflict):
        duplicates.dismiss(
            db_session, office, resubmission.id, reason="新情况", expected_version=resubmission.version + 1
        )
    duplicates.dismiss(db_session, office, resubmission.id, reason="去年已答复，今年提出新情况，单独办理")
    assert resubmission.status == "dismissed" and db_session.get(Item, resubmission.item_id).state == "registered"
    entry = db_session.scalar(
        select(AuditEntry).where(AuditEntry.entity == "merge_suggestion", AuditEntry.action == "dismiss")
    )
    assert entry.reason.startswith("去年已答复")


def test_only_the_office_sees_and_decides(db_session, office, last_session, make_xlsx):
    importing.commit_import(db_session, office, _this_year(make_xlsx), kind="npc_suggestion", session_label=THIS)
    row = db_session.scalars(select(MergeSuggestion)).first()
    handler = Actor(99, "h", Role.DEPT_HANDLER, 1)
    for call in (
        lambda: duplicates.suggestions_for_item(db_session, handler, row.item_id),
        lambda: duplicates.dismiss(db_session, handler, row.id, reason="x"),
        lambda: duplicates.accept(db_session, handler, row.id),
    ):
        with pytest.raises(Forbidden):
            call()
    with pytest.raises(NotFound):
        duplicates.get_suggestion(db_session, office, 10**6)


def test_a_large_batch_commits_first_and_a_job_stores_its_suggestions(
    db_session, office, last_session, make_xlsx, monkeypatch
):
    from app.db.models.jobs import JobRecord
    from app.ops import runner
    from app.services import batch_similarity

    monkeypatch.setattr(batch_similarity, "INLINE_ROWS", 3)  # this year's four rows count as large
    monkeypatch.setattr(batch_similarity, "CHUNK", 2)  # and the job takes them two per transaction
    preview = importing.preview_import(
        db_session, office, _this_year(make_xlsx), kind="npc_suggestion", session_label=THIS
    )
    assert preview.duplicates_deferred and preview.duplicates == []
    assert preview.as_dict()["duplicates_deferred"] is True
    batch, _ = importing.commit_import(
        db_session, office, _this_year(make_xlsx), kind="npc_suggestion", session_label=THIS
    )
    assert db_session.scalar(select(MergeSuggestion.id)) is None  # not in the import's transaction
    job = db_session.scalars(select(JobRecord).where(JobRecord.kind == "similarity_batch")).one()
    assert job.params["batch_id"] == batch.id
    db_session.commit()  # the job starts after the commit
    done = runner.wait_for(job.id, 30)
    assert done.status == "complete", done.error
    assert done.result == {"batch_id": batch.id, "items": 4, "proposed": 3}
    db_session.expire_all()
    pairs = {
        (r.item.number, r.other_item.session.label, r.other_item.number)
        for r in db_session.scalars(select(MergeSuggestion))
    }
    assert pairs == {("0001", LAST, "0001"), ("0003", LAST, "0002"), ("0004", THIS, "0003")}  # as inline
    assert runner.execute(job.id) == "skipped"  # delivered twice: runs once
