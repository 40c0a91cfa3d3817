"""Similar past items as routing evidence: who led them, whether the office overrode the rules
there, their result class and satisfaction. Shown beside the rules' explanation (office only);
for unmatched items their leads also weigh into the suggestions (never applied automatically).

Past items: those of sessions of earlier years, and those of the same year's other sessions that
already have a lead (the other body's items on one matter, once assigned) — items nobody has
decided yet say nothing about who should lead. The item's own session is excluded in SQL through
similarity.similar_items' candidate_ids and exclude_session_id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.db.models import Assignment, CongressSession, Department, Item
from app.db.models.routing import RoutingRecord
from app.db.models.workflow import Feedback, Reply
from app.domain.enums import AssignmentRole, ItemKind
from app.domain.routing.decision import Suggestion
from app.domain.routing.suggestions import SimilarLed, with_similar_evidence
from app.i18n import _
from app.services import similarity
from app.services.access import require_office
from app.services.actor import Actor
from app.services.errors import NotFound, Problem, ValidationFailed
from app.services.routing.rulesets import current_profile

DEFAULT_LIMIT = 5
MAX_LIMIT = 20


@dataclass(frozen=True)
class PastItem:
    item_id: int
    session_label: str
    number: str
    title: str
    score: float
    shared_terms: tuple[str, ...]
    lead: str | None  # code of the department that led it (the office's final choice)
    overridden: bool  # the office overrode the rules' proposal
    override_reason: str | None
    result_class: str | None  # of the lead's sent reply
    result_label: str | None
    satisfaction: str | None  # code of the latest feedback level
    satisfaction_label: str | None


def past_candidates(item: Item) -> Select[Any]:
    """Items of earlier years, or of the same year with a lead (a SELECT of ids, for the search in SQL)."""
    year = item.session.year
    decided_this_year = (CongressSession.year == year) & Item.lead_department_id.is_not(None)
    return (
        select(Item.id)
        .join(CongressSession, CongressSession.id == Item.session_id)
        .where(Item.session_id != item.session_id, (CongressSession.year < year) | decided_this_year)
    )


def similar_past_items(session: Session, actor: Actor, item_id: int, *, limit: int = DEFAULT_LIMIT) -> list[PastItem]:
    """The past items most similar to this one, best first, with their routing and result."""
    require_office(actor)
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(
            _("Please check the form."),
            [Problem("limit", _("a whole number from %(low)s to %(high)s", low=1, high=MAX_LIMIT), limit)],
        )
    item = session.get(Item, item_id)
    if item is None:
        raise NotFound(_("No such item."))
    found = similarity.similar_items(
        session,
        item_id,
        limit=limit,
        candidate_ids=past_candidates(item),
        exclude_session_id=item.session_id,
    )
    return describe(session, [(f.item_id, f.score, f.shared_terms) for f in found])


def describe(session: Session, found: list[tuple[int, float, tuple[str, ...]]]) -> list[PastItem]:
    """Routing, result class and satisfaction of these items, in the given order (one query each)."""
    ids = [item_id for item_id, _score, _terms in found]
    if not ids:
        return []
    profile = current_profile()
    items = {
        i.id: (i, label)
        for i, label in session.execute(
            select(Item, CongressSession.label)
            .join(CongressSession, CongressSession.id == Item.session_id)
            .where(Item.id.in_(ids))
        )
    }
    records = {
        r.item_id: r
        for r in session.scalars(
            select(RoutingRecord).where(RoutingRecord.item_id.in_(ids), RoutingRecord.current.is_(True))
        )
    }
    assigned_leads: dict[int, str] = {}
    for assigned_item, code in session.execute(
        select(Assignment.item_id, Department.code)
        .join(Department, Department.id == Assignment.department_id)
        .where(Assignment.item_id.in_(ids), Assignment.role == AssignmentRole.LEAD.value)
        .order_by(Assignment.round, Assignment.id)
    ):
        assigned_leads[assigned_item] = code  # the latest round's lead wins
    classes: dict[int, str] = {}
    for replied_item, code in session.execute(
        select(Reply.item_id, Reply.result_class)
        .join(Assignment, Assignment.id == Reply.assignment_id)
        .where(Reply.item_id.in_(ids), Reply.sent_at.is_not(None), Assignment.role == AssignmentRole.LEAD.value)
        .order_by(Reply.round, Reply.id)
    ):
        classes[replied_item] = code
    levels: dict[int, str] = {}
    for rated_item, level in session.execute(
        select(Feedback.item_id, Feedback.level).where(Feedback.item_id.in_(ids)).order_by(Feedback.round, Feedback.id)
    ):
        levels[rated_item] = level
    satisfaction = {s.code: s.label for s in profile.satisfaction}
    rows = []
    for item_id, score, terms in found:
        if item_id not in items:
            continue  # deleted since it was indexed
        item, label = items[item_id]
        record = records.get(item_id)
        result_code = classes.get(item_id)
        result = profile.result_class(ItemKind(item.kind), result_code) if result_code else None
        lead = (record.lead_code if record is not None and record.lead_code else None) or assigned_leads.get(item_id)
        rows.append(
            PastItem(
                item_id=item_id,
                session_label=label,
                number=item.number,
                title=item.title,
                score=score,
                shared_terms=tuple(terms),
                lead=lead,
                overridden=record is not None and record.override_reason is not None,
                override_reason=record.override_reason if record is not None else None,
                result_class=result_code,
                result_label=result.label if result else None,
                satisfaction=levels.get(item_id),
                satisfaction_label=satisfaction.get(levels.get(item_id, ""), None),
            )
        )
    return rows


def suggestions_with_evidence(
    record: RoutingRecord | None, past: list[PastItem], limit: int = 3
) -> tuple[Suggestion, ...]:
    """For an unmatched item: its keyword suggestions with the similar past items' leads as evidence."""
    if record is None or record.status != "manual":
        return ()
    stored = tuple(
        Suggestion(s["department"], float(s["score"]), tuple(s.get("shared_terms", ())))
        for s in (record.proposal or {}).get("suggestions", [])
    )
    return with_similar_evidence(stored, [SimilarLed(p.lead, p.score) for p in past if p.lead], limit)


def page_context(session: Session, actor: Actor, item_id: int, record: RoutingRecord | None) -> dict[str, object]:
    """What the routing item page's similar-items partial shows."""
    past = similar_past_items(session, actor, item_id)
    return {"similar_past": past, "similar_suggestions": suggestions_with_evidence(record, past)}
