"""Check that the audit log explains every item's and assignment's current state (replay)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Assignment, AuditEntry, Item
from app.domain.lifecycle import INITIAL_STATES, Entity, ReplayError, Step, replay


def trails(session: Session, entity: str) -> dict[int, list[Step]]:
    found: dict[int, list[Step]] = defaultdict(list)
    rows = session.execute(
        select(AuditEntry.entity_id, AuditEntry.action, AuditEntry.before, AuditEntry.after)
        .where(AuditEntry.entity == entity)
        .order_by(AuditEntry.id)
    )
    for entity_id, action, before, after in rows:
        found[entity_id].append(Step(action, (before or {}).get("state"), (after or {}).get("state")))
    return found


def verify(session: Session) -> list[str]:
    """One line per item or assignment whose audit trail does not lead to its current state.

    Items registered by an import batch without a `create` row replay from the initial state.
    """
    problems = []
    models: tuple[tuple[Entity, type[Item] | type[Assignment]], ...] = (("item", Item), ("assignment", Assignment))
    for entity, model in models:
        by_id = trails(session, entity)
        for record_id, state in session.execute(select(model.id, model.state)):
            steps = by_id.get(record_id, [])
            moves = [step for step in steps if step.after is not None]
            start = None if moves and moves[0].before is None else INITIAL_STATES[entity]
            try:
                replayed = replay(entity, steps, start=start)
            except ReplayError as error:
                problems.append(f"{entity} {record_id}: {error}")
                continue
            if replayed != state:
                problems.append(f"{entity} {record_id}: the audit log leads to {replayed}, the record says {state}")
    return problems
