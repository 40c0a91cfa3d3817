"""Loads the statistics' fact records with a handful of flat queries (no ORM objects: a province's
year is tens of thousands of items with their full history).

Department users get their own department's parts only: items through access.scope_items,
assignments, replies and communications through access.scope_assignments.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.clock import office_date
from app.db.models import Assignment, Category, CongressSession, Department, Item
from app.db.models.deadlines import DeadlineRecord, ExtensionRequest
from app.db.models.stats import ReplyPublication
from app.db.models.workflow import Communication, Feedback, Reply
from app.domain.enums import AssignmentRole, AssignmentState, Disclosure, ItemKind, ItemState, SubmitterType
from app.domain.statistics.facts import (
    AssignmentFact,
    CommunicationFact,
    ExtensionFact,
    FeedbackFact,
    FeedbackGiver,
    ItemFact,
    ReplyFact,
)
from app.services import access
from app.services.actor import Actor

# value -> member, looked up once per row (calling the enum is several times slower)
ROLES = {r.value: r for r in AssignmentRole}
ASSIGNMENT_STATES = {s.value: s for s in AssignmentState}
ITEM_STATES = {s.value: s for s in ItemState}
SUBMITTER_TYPES = {t.value: t for t in SubmitterType}
KINDS = {k.value: k for k in ItemKind}
DISCLOSURES = {d.value: d for d in Disclosure}
EXTENSION_DECISIONS = {"approved": True, "rejected": False, "requested": None}


#: Dates of events are the office's calendar days (Beijing time), not UTC days.
def item_ids(actor: Actor, year: int, kind: ItemKind | None, session_label: str | None) -> Select[Any]:
    """The ids of the items in scope, as a sub-select every other query filters on."""
    stmt = (
        select(Item.id).join(CongressSession, Item.session_id == CongressSession.id).where(CongressSession.year == year)
    )
    if kind is not None:
        stmt = stmt.where(Item.kind == kind.value)
    if session_label:
        stmt = stmt.where(CongressSession.label == session_label)
    return access.scope_items(stmt, actor)


def load_facts(
    session: Session, actor: Actor, *, year: int, kind: ItemKind | None = None, session_label: str | None = None
) -> list[ItemFact]:
    ids = item_ids(actor, year, kind, session_label)
    parts = _FactParts()
    parts.load_assignments(session, actor, ids)
    parts.load_publications(session, actor, ids)
    parts.load_replies(session, actor, ids)
    parts.load_communications(session, actor, ids)
    parts.load_feedback(session, ids)
    parts.load_extensions(session, actor, ids)

    rows = session.execute(
        access.scope_items(
            select(
                Item.id,
                Item.kind,
                CongressSession.label,
                CongressSession.year,
                Item.number,
                Item.title,
                Category.code,
                Item.submitter_type,
                Item.lead_submitter,
                Item.delegation,
                Item.sector,
                Item.party,
                Item.during_session,
                Item.key_supervision,
                Item.state,
                Item.round,
            )
            .join(CongressSession, Item.session_id == CongressSession.id)
            .outerjoin(Category, Item.category_id == Category.id)
            .where(Item.id.in_(ids)),
            actor,
        )
    )
    facts = []
    for (item_id, kind_, label, year_, number, title, category, submitter_type, lead, delegation, sector, party,
         during, key, state, round_) in rows:  # fmt: skip
        facts.append(
            ItemFact(
                id=item_id,
                kind=KINDS[kind_],
                session=label,
                year=year_,
                number=number,
                title=title,
                category=category,
                submitter_type=SUBMITTER_TYPES[submitter_type],
                lead_submitter=lead,
                delegation=delegation,
                sector=sector,
                party=party,
                during_session=during,
                key_supervision=key,
                state=ITEM_STATES[state],
                round=round_,
                **parts.of(item_id),
            )
        )
    facts.sort(key=lambda f: f.id)
    return facts


class _FactParts:
    """The per-item pieces, gathered table by table and handed out by item id."""

    def __init__(self) -> None:
        self.assignments: dict[int, list[AssignmentFact]] = defaultdict(list)
        self.replies: dict[int, list[Any]] = defaultdict(list)
        self.communications: dict[int, list[Any]] = defaultdict(list)
        self.feedback: dict[int, list[Any]] = defaultdict(list)
        self.extensions: dict[int, list[Any]] = defaultdict(list)
        self.published: dict[tuple[int, str, int], date] = {}

    def of(self, item_id: int) -> dict[str, Any]:
        return {
            "assignments": tuple(self.assignments.get(item_id, ())),
            "replies": tuple(self.replies.get(item_id, ())),
            "communications": tuple(self.communications.get(item_id, ())),
            "feedback": tuple(self.feedback.get(item_id, ())),
            "extensions": tuple(self.extensions.get(item_id, ())),
        }

    def load_assignments(self, session: Session, actor: Actor, ids: Select[Any]) -> None:
        stmt = (
            select(
                Assignment.item_id,
                Department.code,
                Assignment.role,
                Assignment.round,
                Assignment.assigned_on,
                Assignment.due_on,
                Assignment.state,
            )
            .join(Department, Assignment.department_id == Department.id)
            .where(Assignment.item_id.in_(ids))
            .order_by(Assignment.id)
        )
        for item_id, code, role, round_, assigned_on, due_on, state in session.execute(
            access.scope_assignments(stmt, actor)
        ):
            self.assignments[item_id].append(
                AssignmentFact(code, ROLES[role], round_, assigned_on, due_on, ASSIGNMENT_STATES[state])
            )

    def load_publications(self, session: Session, actor: Actor, ids: Select[Any]) -> None:
        stmt = (
            select(Assignment.item_id, Department.code, Assignment.round, ReplyPublication.published_on)
            .join(Assignment, ReplyPublication.assignment_id == Assignment.id)
            .join(Department, Assignment.department_id == Department.id)
            .where(Assignment.item_id.in_(ids))
        )
        for item_id, code, round_, published_on in session.execute(access.scope_assignments(stmt, actor)):
            self.published[(item_id, code, round_)] = published_on

    def load_replies(self, session: Session, actor: Actor, ids: Select[Any]) -> None:
        """Sent replies only; the result class as it stands now (after review and 回头看)."""
        stmt = (
            select(Reply.item_id, Department.code, Reply.round, Reply.sent_at, Reply.result_class, Reply.disclosure)
            .join(Assignment, Reply.assignment_id == Assignment.id)
            .join(Department, Assignment.department_id == Department.id)
            .where(Reply.item_id.in_(ids), Reply.sent_at.is_not(None))
            .order_by(Reply.id)
        )
        for item_id, code, round_, sent_at, result_class, disclosure in session.execute(
            access.scope_assignments(stmt, actor)
        ):
            assert sent_at is not None  # the query takes sent replies only
            self.replies[item_id].append(
                ReplyFact(
                    code,
                    round_,
                    office_date(sent_at),
                    result_class or None,
                    DISCLOSURES.get(disclosure),
                    self.published.get((item_id, code, round_)),
                )
            )

    def load_communications(self, session: Session, actor: Actor, ids: Select[Any]) -> None:
        stmt = (
            select(
                Communication.item_id,
                Department.code,
                Communication.round,
                Communication.happened_at,
                Communication.method,
            )
            .join(Assignment, Communication.assignment_id == Assignment.id)
            .join(Department, Assignment.department_id == Department.id)
            .where(Communication.item_id.in_(ids))
            .order_by(Communication.id)
        )
        for item_id, code, round_, happened_at, method in session.execute(access.scope_assignments(stmt, actor)):
            self.communications[item_id].append(CommunicationFact(code, round_, office_date(happened_at), method))

    def load_feedback(self, session: Session, ids: Select[Any]) -> None:
        """Ratings are of the item as a whole (one per round); the items are already scoped."""
        stmt = (
            select(Feedback.item_id, Feedback.round, Feedback.level, Feedback.given_by, Feedback.received_on)
            .where(Feedback.item_id.in_(ids))
            .order_by(Feedback.id)
        )
        for item_id, round_, level, given_by, received_on in session.execute(stmt):
            giver = FeedbackGiver.SUBMITTER if given_by == FeedbackGiver.SUBMITTER.value else FeedbackGiver.OFFICE
            self.feedback[item_id].append(FeedbackFact(round_, level, giver, received_on))

    def load_extensions(self, session: Session, actor: Actor, ids: Select[Any]) -> None:
        """Extension requests of reply deadlines; the deadline before it is the computed one."""
        stmt = (
            select(
                Assignment.item_id,
                Department.code,
                Assignment.round,
                ExtensionRequest.requested_at,
                ExtensionRequest.status,
                DeadlineRecord.computed_due,
                ExtensionRequest.requested_due,
            )
            .join(Assignment, ExtensionRequest.assignment_id == Assignment.id)
            .join(Department, Assignment.department_id == Department.id)
            .join(DeadlineRecord, ExtensionRequest.deadline_id == DeadlineRecord.id)
            .where(Assignment.item_id.in_(ids), DeadlineRecord.rule == "reply")
            .order_by(ExtensionRequest.id)
        )
        for item_id, code, round_, requested_at, status, previous, requested in session.execute(
            access.scope_assignments(stmt, actor)
        ):
            self.extensions[item_id].append(
                ExtensionFact(
                    code, round_, office_date(requested_at), EXTENSION_DECISIONS.get(status), previous, requested
                )
            )
