"""Writes statistics fact records into the database as the application stores them (bulk inserts).

Used for a past, finished year in the demo, by the statistics tests (loading must give back what was
written) and by the benchmark. Not a use-case: nothing here checks transitions, it records history.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from app.db.models import Assignment, Category, CongressSession, Department, Item
from app.db.models.stats import ReplyPublication
from app.domain.enums import BODY_OF_KIND
from app.domain.statistics.facts import ItemFact

CHUNK = 5_000


def at_noon(day: date) -> datetime:
    """A moment on that office day (noon Beijing = 04:00 UTC)."""
    return datetime.combine(day, time(4, 0), tzinfo=UTC)


def _chunks(rows: list[dict]):
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _insert(session: Session, model, rows: list[dict]) -> None:
    for chunk in _chunks(rows):
        session.execute(insert(model), chunk)


def seed_facts(session: Session, facts: list[ItemFact]) -> None:
    """Departments and categories must exist already (synced from the profile)."""
    departments = dict(session.execute(select(Department.code, Department.id)).all())
    categories = dict(session.execute(select(Category.code, Category.id)).all())
    sessions = dict(session.execute(select(CongressSession.label, CongressSession.id)).all())
    for fact in facts:
        if fact.session not in sessions:
            created = CongressSession(label=fact.session, body=BODY_OF_KIND[fact.kind].value, year=fact.year)
            session.add(created)
            session.flush()
            sessions[fact.session] = created.id

    now = datetime.now(UTC)
    items, assignments, publications = [], [], []
    assignment_id = session.scalar(select(Assignment.id).order_by(Assignment.id.desc()).limit(1)) or 0
    for fact in facts:
        items.append(
            {
                "id": fact.id, "kind": fact.kind.value, "session_id": sessions[fact.session], "number": fact.number,
                "title": fact.title, "content": "", "category_id": categories.get(fact.category),
                "submitter_type": fact.submitter_type.value, "lead_submitter": fact.lead_submitter,
                "submitter_count": 1, "delegation": fact.delegation, "sector": fact.sector, "party": fact.party,
                "during_session": fact.during_session, "agree_to_publish": True, "key_supervision": fact.key_supervision,
                "state": fact.state.value, "round": fact.round, "version": 1, "created_at": now, "updated_at": now,
            }
        )  # fmt: skip
        published = {(r.department, r.round): r.published_on for r in fact.replies if r.published_on}
        for a in fact.assignments:
            assignment_id += 1
            assignments.append(
                {
                    "id": assignment_id, "item_id": fact.id, "department_id": departments[a.department],
                    "role": a.role.value, "round": a.round, "state": a.state.value, "assigned_on": a.assigned_on,
                    "due_on": a.due_on, "version": 1, "created_at": now, "updated_at": now,
                }
            )  # fmt: skip
            if (a.department, a.round) in published and a.owes_reply:
                publications.append(
                    {
                        "assignment_id": assignment_id, "published_on": published[(a.department, a.round)],
                        "location": "http://www.beijing.gov.cn/", "recorded_at": now,
                    }
                )  # fmt: skip
    _insert(session, Item, items)
    _insert(session, Assignment, assignments)
    _insert(session, ReplyPublication, publications)
    session.flush()
    _advance_sequences(session, ("items", "assignments"))


def _advance_sequences(session: Session, tables: tuple[str, ...]) -> None:
    """Rows were written with explicit ids: PostgreSQL's sequences must move past them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        session.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))")
        )
