"""The demo seeds items in every item state and every assignment state, and can run twice."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.db.models import Assignment, Item
from app.demo import ensure_accounts, load_context
from app.demo import sessions as demo_sessions
from app.demo import workflow as demo_workflow
from app.domain.enums import AssignmentState, ItemState
from app.domain.lifecycle import Step, replay
from app.rules.profiles import load_profile


def run(db_session):
    ensure_accounts(db_session)
    ctx = load_context(db_session, load_profile("beijing"), date.today())
    demo_sessions.seed(db_session, ctx)
    ctx = load_context(db_session, load_profile("beijing"), date.today())
    demo_workflow.seed(db_session, ctx)
    db_session.commit()


def test_demo_covers_every_state_and_is_idempotent(db_session):
    run(db_session)
    items = db_session.scalars(select(Item)).all()
    assert {i.state for i in items} == {s.value for s in ItemState}
    assignment_states = set(db_session.scalars(select(Assignment.state)))
    assert assignment_states == {s.value for s in AssignmentState}
    count = len(items)
    run(db_session)
    assert len(db_session.scalars(select(Item)).all()) == count


def test_demo_audit_trails_replay(db_session):
    from app.db.models import AuditEntry

    run(db_session)
    for entity, model in (("item", Item), ("assignment", Assignment)):
        for record in db_session.scalars(select(model)):
            rows = db_session.scalars(
                select(AuditEntry)
                .where(AuditEntry.entity == entity, AuditEntry.entity_id == record.id)
                .order_by(AuditEntry.id)
            )
            steps = [Step(r.action, (r.before or {}).get("state"), (r.after or {}).get("state")) for r in rows]
            assert replay(entity, steps) == record.state
