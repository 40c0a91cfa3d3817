"""A department's own earlier replies to items similar to the one it is answering.

Only its own: the similar-items search is restricted in SQL (candidate_ids) to the items on which
the assignment's department sent a reply, through access.scope_assignments, and the side-by-side
view loads a past reply only if it belongs to that department (another's id is "not found").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.db.models import Assignment, CongressSession, Item
from app.db.models.workflow import Feedback, Reply
from app.domain.enums import ItemKind
from app.i18n import _
from app.services import access, similarity
from app.services.actor import Actor
from app.services.errors import NotFound, Problem, ValidationFailed
from app.services.routing.rulesets import current_profile

DEFAULT_LIMIT = 5
MAX_LIMIT = 20
EXCERPT_CHARS = 120


@dataclass(frozen=True)
class PastReply:
    reply_id: int
    item_id: int
    session_label: str
    number: str
    title: str
    score: float
    shared_terms: tuple[str, ...]
    result_class: str
    result_label: str | None
    satisfaction: str | None  # code of the latest feedback level on the item
    satisfaction_label: str | None
    excerpt: str


def _own_replies(actor: Actor, department_id: int) -> Select[Any]:
    """The department's sent replies, scoped to what the actor may see."""
    stmt = (
        select(Reply)
        .join(Assignment, Assignment.id == Reply.assignment_id)
        .where(Assignment.department_id == department_id, Reply.sent_at.is_not(None))
    )
    return access.scope_assignments(stmt, actor)


def candidate_items(actor: Actor, assignment: Assignment) -> Select[Any]:
    """Ids of the other items on which the assignment's department sent a reply (for the SQL search)."""
    stmt = (
        select(Assignment.item_id)
        .join(Reply, Reply.assignment_id == Assignment.id)
        .where(
            Assignment.department_id == assignment.department_id,
            Reply.sent_at.is_not(None),
            Assignment.item_id != assignment.item_id,
        )
    )
    return access.scope_assignments(stmt, actor)


def past_replies(session: Session, actor: Actor, assignment_id: int, *, limit: int = DEFAULT_LIMIT) -> list[PastReply]:
    """The department's sent replies to the items most similar to this assignment's item, best first."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(
            _("Please check the form."),
            [Problem("limit", _("a whole number from %(low)s to %(high)s", low=1, high=MAX_LIMIT), limit)],
        )
    assignment = access.get_assignment_for(session, actor, assignment_id)
    found = similarity.similar_items(
        session, assignment.item_id, limit=limit, candidate_ids=candidate_items(actor, assignment)
    )
    if not found:
        return []
    ids = [f.item_id for f in found]
    replies: dict[int, Reply] = {}
    for reply in session.scalars(
        _own_replies(actor, assignment.department_id).where(Reply.item_id.in_(ids)).order_by(Reply.round, Reply.id)
    ):
        replies[reply.item_id] = reply  # the latest round's reply
    items = {
        i.id: (i, label)
        for i, label in session.execute(
            select(Item, CongressSession.label)
            .join(CongressSession, CongressSession.id == Item.session_id)
            .where(Item.id.in_(ids))
        )
    }
    levels = dict(
        session.execute(
            select(Feedback.item_id, Feedback.level)
            .where(Feedback.item_id.in_(ids))
            .order_by(Feedback.round, Feedback.id)
        ).all()
    )
    profile = current_profile()
    satisfaction = {s.code: s.label for s in profile.satisfaction}
    rows = []
    for f in found:
        reply = replies.get(f.item_id)
        if reply is None or f.item_id not in items:
            continue
        item, label = items[f.item_id]
        result = profile.result_class(ItemKind(item.kind), reply.result_class)
        level = levels.get(f.item_id)
        body = " ".join((reply.body or "").split())
        rows.append(
            PastReply(
                reply_id=reply.id,
                item_id=item.id,
                session_label=label,
                number=item.number,
                title=item.title,
                score=f.score,
                shared_terms=f.shared_terms,
                result_class=reply.result_class,
                result_label=result.label if result else None,
                satisfaction=level,
                satisfaction_label=satisfaction.get(level) if level else None,
                excerpt=body[:EXCERPT_CHARS] + ("…" if len(body) > EXCERPT_CHARS else ""),
            )
        )
    return rows


@dataclass(frozen=True)
class SideBySide:
    assignment: Assignment
    item: Item
    draft: Reply | None  # this assignment's reply draft, if saved
    past: Reply
    past_item: Item
    past_session_label: str
    past_result_label: str | None


def side_by_side(session: Session, actor: Actor, assignment_id: int, reply_id: int) -> SideBySide:
    """This assignment's draft beside one of its department's own past sent replies."""
    assignment = access.get_assignment_for(session, actor, assignment_id)
    past = session.scalar(_own_replies(actor, assignment.department_id).where(Reply.id == reply_id))
    if past is None or past.item_id == assignment.item_id:
        raise NotFound(_("No such reply."))
    draft = session.scalar(select(Reply).where(Reply.assignment_id == assignment.id))
    past_item = session.get(Item, past.item_id)
    if past_item is None:
        raise NotFound(_("No such reply."))
    label = session.scalar(select(CongressSession.label).where(CongressSession.id == past_item.session_id)) or ""
    result = current_profile().result_class(ItemKind(past_item.kind), past.result_class)
    return SideBySide(assignment, assignment.item, draft, past, past_item, label, result.label if result else None)
