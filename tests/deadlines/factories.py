"""Items and assignments for deadline tests (the import and routing areas build real ones)."""

from __future__ import annotations

from datetime import date
from itertools import count

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Assignment, CongressSession, Department, Item

_numbers = count(1)


def congress_session(session: Session) -> CongressSession:
    existing = session.scalar(select(CongressSession).where(CongressSession.label == "市十六届人大四次会议"))
    if existing:
        return existing
    record = CongressSession(body="npc", label="市十六届人大四次会议", year=2026, number_width=4)
    session.add(record)
    session.flush()
    return record


def make_assignment(
    session: Session,
    department_code: str = "jtw",
    *,
    role: str = "lead",
    assigned_on: date = date(2026, 7, 1),
    state: str = "drafting",
    key_supervision: bool = False,
    title: str = "关于修整安立路和慧忠路交叉路口过街天桥的建议",
    item: Item | None = None,
) -> Assignment:
    if item is None:
        item = Item(
            kind="npc_suggestion",
            session_id=congress_session(session).id,
            number=f"{next(_numbers):04d}",
            title=title,
            lead_submitter="王红",
            key_supervision=key_supervision,
            state="in_progress",
        )
        session.add(item)
        session.flush()
    department = session.scalar(select(Department).where(Department.code == department_code))
    assignment = Assignment(
        item_id=item.id, department_id=department.id, role=role, state=state, assigned_on=assigned_on
    )
    session.add(assignment)
    session.flush()
    return assignment
