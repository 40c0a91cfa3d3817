"""The audit log's writers: one row per change, normalised the same way whichever writer is used."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from app.db.models import AuditEntry, CongressSession
from app.domain.enums import ItemKind
from app.services import audit
from app.services.actor import Actor


def test_created_adds_flushes_and_audits_the_new_record_with_its_id(db_session):
    actor = Actor.system()
    new = CongressSession(label="测试会议", body="npc", level="municipal", year=2026, number_width=4)
    returned = audit.created(
        db_session, actor, new, entity="session", action="add", after=lambda s: {"id": s.id, "on": date(2026, 1, 15)}
    )
    assert returned is new and new.id is not None
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.entity == "session"))
    assert (entry.entity_id, entry.action, entry.before) == (new.id, "add", None)
    assert entry.after == {"id": new.id, "on": "2026-01-15"}


def test_record_many_writes_one_row_per_change_normalised_like_record(db_session):
    actor = Actor(user_id=None, username="batch", role=Actor.system().role)
    at = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    changes = [
        audit.Change("item", 1, "archive_import", after={"kind": ItemKind.NPC_SUGGESTION, "tags": ("a",)}, at=at),
        audit.Change("item", 2, "deadline_recomputed", before={"due": date(2026, 2, 1)}, reason="calendar"),
    ]
    assert audit.record_many(db_session, actor, changes) == 2
    assert audit.record_many(db_session, actor, []) == 0
    rows = db_session.scalars(select(AuditEntry).where(AuditEntry.actor_name == "batch").order_by(AuditEntry.id)).all()
    assert [(r.entity_id, r.action, r.actor_name) for r in rows] == [
        (1, "archive_import", "batch"),
        (2, "deadline_recomputed", "batch"),
    ]
    assert rows[0].after == {"kind": "npc_suggestion", "tags": ["a"]} and rows[0].at.replace(tzinfo=UTC) == at
    assert rows[1].before == {"due": "2026-02-01"} and rows[1].reason == "calendar"
