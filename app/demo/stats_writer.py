"""Writes statistics fact records into the database as the application stores them (bulk inserts).

Used for a past, finished year in the demo, by the statistics tests (loading must give back what was
written) and by the benchmark. Not a use-case: nothing here checks transitions, it records history,
as an office does when it takes over last year's records from its previous system. Each item and
assignment gets one `archive_import` audit row carrying its state, so the audit log still explains
every state (`jianti workflow verify`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from app.db import list_columns
from app.db.models import Assignment, Category, CongressSession, Department, Item
from app.db.models.deadlines import DeadlineRecord, ExtensionRequest
from app.db.models.stats import ReplyPublication
from app.db.models.workflow import Communication, Feedback, Reply
from app.domain.enums import BODY_OF_KIND, Disclosure
from app.domain.lifecycle import ARCHIVE_IMPORT
from app.domain.statistics.facts import FeedbackGiver, ItemFact
from app.services import audit
from app.services.actor import Actor

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
    items: list[dict[str, Any]] = []
    assignments: list[dict[str, Any]] = []
    publications: list[dict[str, Any]] = []
    replies: list[dict[str, Any]] = []
    communications: list[dict[str, Any]] = []
    feedback: list[dict[str, Any]] = []
    deadlines: list[dict[str, Any]] = []
    extensions: list[dict[str, Any]] = []
    assignment_id = session.scalar(select(Assignment.id).order_by(Assignment.id.desc()).limit(1)) or 0
    deadline_id = session.scalar(select(DeadlineRecord.id).order_by(DeadlineRecord.id.desc()).limit(1)) or 0
    for fact in facts:
        items.append(
            {
                "id": fact.id, "kind": fact.kind.value, "session_id": sessions[fact.session], "number": fact.number,
                "title": fact.title, "content": "", "category_id": categories.get(fact.category) if fact.category else None,
                "submitter_type": fact.submitter_type.value, "lead_submitter": fact.lead_submitter,
                "submitter_count": 1, "delegation": fact.delegation, "sector": fact.sector, "party": fact.party,
                "during_session": fact.during_session, "agree_to_publish": True, "key_supervision": fact.key_supervision,
                "state": fact.state.value, "round": fact.round, "version": 1, "created_at": now, "updated_at": now,
            }
        )  # fmt: skip
        published = {(r.department, r.round): r.published_on for r in fact.replies if r.published_on}
        part_of: dict[tuple[str, int], int] = {}  # (department, round) -> assignment id, the replying one first
        for a in fact.assignments:
            assignment_id += 1
            if (a.department, a.round) not in part_of or a.owes_reply:
                part_of[(a.department, a.round)] = assignment_id
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
        for r in fact.replies:
            replies.append(
                {
                    "assignment_id": part_of[(r.department, r.round)], "item_id": fact.id, "round": r.round,
                    "body": "现答复如下……", "summary": "", "result_class": r.result_class or "",
                    "disclosure": (r.disclosure or Disclosure.FULL).value, "disclosure_reason": "",
                    "contact_person": "王磊", "contact_phone": "010-12345678", "letter_number": "",
                    "sent_at": at_noon(r.sent_on), "created_at": now, "updated_at": now,
                }
            )  # fmt: skip
        for c in fact.communications:
            communications.append(
                {
                    "assignment_id": part_of[(c.department, c.round)], "item_id": fact.id, "round": c.round,
                    "method": c.method or "meeting", "happened_at": at_noon(c.on), "participants": fact.lead_submitter,
                    "notes": "", "created_at": now,
                }
            )  # fmt: skip
        rated_rounds = set()
        for f in fact.feedback:
            if f.round in rated_rounds:
                continue  # the workflow keeps one rating per item and round
            rated_rounds.add(f.round)
            given_by = "submitter" if f.given_by is FeedbackGiver.SUBMITTER else "staff_on_behalf"
            feedback.append(
                {
                    "item_id": fact.id, "round": f.round, "level": f.level, "given_by": given_by, "comment": "",
                    "received_on": f.on, "recorded_at": now,
                }
            )  # fmt: skip
        deadline_of: dict[int, int] = {}
        for e in fact.extensions:
            owner = part_of[(e.department, e.round)]
            if owner not in deadline_of:
                deadline_id += 1
                deadline_of[owner] = deadline_id
                assignment_row = assignments[owner - assignments[0]["id"]]
                previous = e.previous_due_on or assignment_row["due_on"]
                deadlines.append(
                    {
                        "id": deadline_id, "assignment_id": owner, "item_id": fact.id, "rule": "reply",
                        "start_on": assignment_row["assigned_on"], "period_amount": 3, "period_unit": "months",
                        "computed_due": previous, "due_on": assignment_row["due_on"] or previous,
                        "override_kind": "extension" if e.approved else None, "explanation": {},
                        "calendar_fingerprint": "", "calendar_years": "", "has_warning": False,
                        "status": "closed", "created_at": now, "updated_at": now,
                    }
                )  # fmt: skip
            status = {True: "approved", False: "rejected", None: "requested"}[e.approved]
            extensions.append(
                {
                    "deadline_id": deadline_of[owner], "assignment_id": owner, "requested_due": e.new_due_on,
                    "reason": "需协调多个部门，申请延期", "status": status, "requested_at": at_noon(e.requested_on),
                }
            )  # fmt: skip
    _insert(session, Item, items)
    _insert(session, Assignment, assignments)
    audit.record_many(
        session, Actor.system(), _archive_changes(items, "item") + _archive_changes(assignments, "assignment")
    )
    _insert(session, ReplyPublication, publications)
    _insert(session, Reply, replies)
    _insert(session, Communication, communications)
    _insert(session, Feedback, feedback)
    _insert(session, DeadlineRecord, deadlines)
    _insert(session, ExtensionRequest, extensions)
    session.flush()
    _advance_sequences(session, ("items", "assignments", "deadlines"))
    list_columns.refresh(session, [row["id"] for row in items])  # the Core inserts bypassed the ORM listener


ARCHIVE_REASON = "上一年度办理记录，归档导入"


def _archive_changes(rows: list[dict[str, Any]], entity: str) -> list[audit.Change]:
    return [
        audit.Change(
            entity,
            row["id"],
            ARCHIVE_IMPORT,
            after={"state": row["state"], "version": row["version"], "source": "archive"},
            reason=ARCHIVE_REASON,
            at=row["created_at"],
        )
        for row in rows
    ]


def _advance_sequences(session: Session, tables: tuple[str, ...]) -> None:
    """Rows were written with explicit ids: PostgreSQL's sequences must move past them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        session.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))")
        )
