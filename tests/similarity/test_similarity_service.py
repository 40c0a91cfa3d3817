"""The similarity index and search through the service: kept on import/edit, restricted in SQL to the
caller's candidates, the same numbers on SQLite and PostgreSQL (integers in SQL, one Python score)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.db.models import Assignment, CongressSession, Department, Item
from app.db.models.similarity import SimilarityDocument, SimilarityTerm, SimilarityTermFrequency
from app.domain.enums import Role
from app.services import access, similarity
from app.services.actor import Actor

TEXTS = [
    (
        "关于解决朝阳区望京街道老旧小区停车难问题的建议",
        "望京街道老旧小区车位严重不足，居民夜间停车难，建议挖潜建设立体停车设施。",
    ),
    (
        "关于缓解望京老旧小区停车难的建议",
        "望京街道老旧小区车位不足，居民停车难，建议建设立体停车设施，错时共享周边车位。",
    ),
    ("关于解决海淀区学院路老旧小区停车难问题的建议", "学院路街道高校周边小区车位不足，建议高校停车场夜间向居民开放。"),
    ("关于加快推进垃圾分类工作的建议", "生活垃圾分类投放点设置不合理，建议优化投放时间，加强桶前值守。"),
    ("关于加强中小学课后服务的建议", "课后服务内容单一，建议引入社会资源，丰富课后服务供给。"),
]


@pytest.fixture
def stored(db_session):
    congress = CongressSession(body="npc", label="s", year=2026)
    items = [
        Item(kind="npc_suggestion", session=congress, number=f"{n:04d}", title=t, content=c, lead_submitter=f"代表{n}")
        for n, (t, c) in enumerate(TEXTS, start=1)
    ]
    db_session.add_all(items)
    db_session.flush()
    similarity.index_items(db_session, [i.id for i in items])
    return items


def test_the_resubmission_ranks_first_and_the_other_district_below(db_session, stored):
    found = similarity.similar_items(db_session, stored[0].id, limit=5)
    assert [f.item_id for f in found][:2] == [stored[1].id, stored[2].id]
    assert found[0].score > 0.4 > found[1].score
    assert "望京" in found[0].shared_terms
    assert all(0 < f.score <= 1 for f in found)
    assert stored[0].id not in [f.item_id for f in found]


def test_index_is_kept_on_edit_and_unchanged_items_cost_nothing(db_session, stored):
    first = stored[0]
    before = db_session.scalar(select(SimilarityDocument.indexed_at).where(SimilarityDocument.item_id == first.id))
    similarity.index_items(db_session, [first.id])  # unchanged: not rewritten
    assert (
        db_session.scalar(select(SimilarityDocument.indexed_at).where(SimilarityDocument.item_id == first.id)) == before
    )
    first.title = "关于加快推进垃圾分类工作的建议"
    first.content = "生活垃圾分类投放点设置不合理，建议优化投放时间。"
    db_session.flush()
    similarity.index_items(db_session, [first.id])
    found = similarity.similar_items(db_session, first.id, limit=1)
    assert found[0].item_id == stored[3].id
    # document frequencies equal a recount of the postings
    recount = dict(db_session.execute(select(SimilarityTerm.term, func.count()).group_by(SimilarityTerm.term)).all())
    kept = dict(db_session.execute(select(SimilarityTermFrequency.term, SimilarityTermFrequency.documents)).all())
    assert kept == recount


def test_text_search_and_candidates_restricted_in_sql(db_session, stored):
    title, content = TEXTS[0]
    found = similarity.similar_to_text(db_session, title, content, limit=3)
    assert found[0].item_id == stored[0].id and found[0].score == 1.0
    # a department sees only its own: the best match is not its own item, so it must not appear
    jtw = db_session.scalar(select(Department).where(Department.code == "jtw"))
    db_session.add(
        Assignment(
            item_id=stored[2].id, department_id=jtw.id, role="lead", state="drafting", assigned_on=date(2026, 3, 1)
        )
    )
    db_session.flush()
    actor = Actor(1, "h", Role.DEPT_HANDLER, jtw.id)
    visible = access.scope_items(select(Item.id), actor)
    scoped = similarity.similar_to_text(db_session, title, content, limit=5, candidate_ids=visible)
    assert [f.item_id for f in scoped] == [stored[2].id]


def test_exclusions_and_bounds(db_session, stored):
    found = similarity.similar_items(db_session, stored[0].id, exclude_session_id=stored[0].session_id)
    assert found == []
    assert similarity.similar_items(db_session, stored[0].id, min_score=0.99) == []
    with pytest.raises(ValueError):
        similarity.similar_items(db_session, stored[0].id, limit=0)
    with pytest.raises(ValueError):
        similarity.similar_items(db_session, stored[0].id, min_score=2)
    assert similarity.similar_to_text(db_session, "", "") == []


def test_reindex_and_drift(db_session, stored):
    db_session.execute(SimilarityDocument.__table__.delete().where(SimilarityDocument.item_id == stored[4].id))
    assert similarity.unindexed_count(db_session) == 1
    assert similarity.reindex_all(db_session) == len(stored)
    assert similarity.unindexed_count(db_session) == 0
