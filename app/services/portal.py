"""What a deputy or member sees on the portal: their own items only (scoped by app/services/access.py),
in plain words, with deadlines, the sent replies and letters, and their feedback.

Never shown: drafts (replies not sent), co-handlers' opinions, communications, internal notes,
attachments, the audit trail, other submitters' contact details.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.db.models import Assignment, Item
from app.db.models.deadlines import DeadlineRecord
from app.db.models.workflow import Feedback, Reply
from app.domain.enums import AssignmentRole, ItemKind, ItemState
from app.domain.portal import PortalSettings, portal_settings, progress_text
from app.domain.profile import Profile
from app.i18n import _
from app.services import access, context
from app.services.actor import Actor
from app.services.errors import NotFound
from app.services.workflow import actions

ROLE_WORDS = {
    AssignmentRole.LEAD.value: "lead",
    AssignmentRole.SPLIT.value: "split",
    AssignmentRole.CO.value: "co",
}
RATABLE = (ItemState.REPLIED.value, ItemState.AWAITING_FEEDBACK.value)


def _profile() -> Profile:
    return context.current().profile


@dataclass
class ItemCard:
    id: int
    kind: str
    session_label: str
    number: str
    title: str
    state: str
    progress: str  # msgid
    positions: set[str]
    round: int
    departments: list[tuple[str, str]]  # (unit name, role) of the current round
    reply_due: date | None
    feedback_due: date | None
    may_rate: bool
    version: int


@dataclass
class ReplyView:
    id: int
    department: str
    round: int
    result_class: str
    body: str
    sent_on: date | None


@dataclass
class FeedbackView:
    round: int
    level: str
    handling: str | None
    result: str | None
    comment: str
    source: str
    received_on: date


@dataclass
class PortalItem:
    card: ItemCard
    content: str
    lead_submitter: str
    co_signers: list[str]
    replies: list[ReplyView] = field(default_factory=list)
    feedback: list[FeedbackView] = field(default_factory=list)
    settings: PortalSettings | None = None


def _label(profile: Profile, code: str | None) -> str | None:
    if not code:
        return None
    return next((s.label for s in profile.satisfaction if s.code == code), code)


def _cards(session: Session, actor: Actor, items: list[Item], profile: Profile) -> list[ItemCard]:
    settings = portal_settings(profile)
    if not items:
        return []
    ids = [i.id for i in items]
    assignments = session.scalars(
        access.scope_assignments(select(Assignment), actor)
        .where(Assignment.item_id.in_(ids))
        .options(selectinload(Assignment.department))
        .order_by(Assignment.id)
    ).all()
    by_item: dict[int, list[Assignment]] = {}
    for a in assignments:
        by_item.setdefault(a.item_id, []).append(a)
    feedback_due: dict[tuple[int, int], date] = {}
    for item_id, round_, due in session.execute(
        select(DeadlineRecord.item_id, Assignment.round, DeadlineRecord.due_on)
        .join(Assignment, Assignment.id == DeadlineRecord.assignment_id)
        .where(DeadlineRecord.item_id.in_(ids), DeadlineRecord.rule == "feedback", DeadlineRecord.status == "open")
    ):
        key = (item_id, round_)
        feedback_due[key] = min(due, feedback_due.get(key, due))
    rated = {
        (i, r) for i, r in session.execute(select(Feedback.item_id, Feedback.round).where(Feedback.item_id.in_(ids)))
    }
    own = {item_id: access.deputy_positions(session, actor, item_id) for item_id in ids}
    cards = []
    for item in items:
        current = [a for a in by_item.get(item.id, []) if a.round == item.round and a.role in ROLE_WORDS]
        current = [a for a in current if a.state not in ("reassigned", "cancelled")]
        reply_due = min(
            (a.due_on for a in current if a.role != AssignmentRole.CO.value and a.due_on and a.state != "sent"),
            default=None,
        )
        positions = own[item.id]
        may_rate = (
            item.state in RATABLE
            and (item.id, item.round) not in rated
            and ("lead" in positions or settings.co_signers_may_rate)
        )
        cards.append(
            ItemCard(
                id=item.id,
                kind=item.kind,
                session_label=item.session.label,
                number=item.number,
                title=item.title,
                state=item.state,
                progress=progress_text(item.state),
                positions=positions,
                round=item.round,
                departments=[(a.department.name, ROLE_WORDS[a.role]) for a in current],
                reply_due=reply_due if item.state in ("assigned", "in_progress", "rehandling") else None,
                feedback_due=feedback_due.get((item.id, item.round)) if may_rate else None,
                may_rate=may_rate,
                version=item.version,
            )
        )
    return cards


def my_items(session: Session, actor: Actor) -> list[ItemCard]:
    access.require_deputy(actor)
    items = session.scalars(
        access.scope_items(select(Item), actor).options(selectinload(Item.session)).order_by(Item.id.desc())
    ).all()
    return _cards(session, actor, list(items), _profile())


def my_item(session: Session, actor: Actor, item_id: int) -> PortalItem:
    access.require_deputy(actor)
    item = access.get_item_for(session, actor, item_id)
    profile = _profile()
    card = _cards(session, actor, [item], profile)[0]
    page = PortalItem(
        card=card,
        content=item.content,
        lead_submitter=item.lead_submitter,
        co_signers=[c.name for c in item.co_signers],
        settings=portal_settings(profile),
    )
    for reply in session.scalars(
        select(Reply).where(Reply.item_id == item.id, Reply.sent_at.is_not(None)).order_by(Reply.round, Reply.id)
    ):
        result_class = profile.result_class(ItemKind(item.kind), reply.result_class)
        page.replies.append(
            ReplyView(
                id=reply.id,
                department=reply.assignment.department.name,
                round=reply.round,
                result_class=result_class.label if result_class else reply.result_class,
                body=reply.body,
                sent_on=reply.sent_at.date() if reply.sent_at else None,
            )
        )
    for fb in session.scalars(select(Feedback).where(Feedback.item_id == item.id).order_by(Feedback.round)):
        page.feedback.append(
            FeedbackView(
                round=fb.round,
                level=_label(profile, fb.level) or fb.level,
                handling=_label(profile, fb.handling_level),
                result=_label(profile, fb.result_level),
                comment=fb.comment,
                source=fb.source,
                received_on=fb.received_on,
            )
        )
    return page


def my_reply(session: Session, actor: Actor, reply_id: int) -> Reply:
    """A sent reply on one of the deputy's own items; drafts and others' replies look missing."""
    access.require_deputy(actor)
    reply = session.get(Reply, reply_id)
    if reply is None or reply.sent_at is None:
        raise NotFound(_("No such reply."))
    try:
        access.get_item_for(session, actor, reply.item_id)
    except NotFound:
        raise NotFound(_("No such reply.")) from None
    return reply


def give_feedback(
    session: Session,
    actor: Actor,
    item_id: int,
    *,
    level: str,
    handling_level: str | None = None,
    result_level: str | None = None,
    comment: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> Feedback:
    """The deputy's online rating: the office's own record_feedback transition, source online."""
    access.require_deputy(actor)
    return actions.record_feedback(
        session,
        actor,
        item_id,
        level=level,
        given_by="submitter",
        handling_level=handling_level or None,
        result_level=result_level or None,
        comment=comment,
        source="online",
        expected_version=expected_version,
        today=today,
    )
