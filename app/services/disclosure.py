"""Public disclosure (公开) of sent replies, by their disclosure decision (全文 / 摘要 / 不公开 with reason).

The office previews the exact public text (personal data stripped by app.domain.disclosure) and
confirms; the confirmation carries a digest of each text, so what is published is exactly what
was shown. Publishing (singly or in bulk, all or nothing) writes a PublicReply snapshot — the only
table the public site reads —, closes the reply's publication deadline, and records the
publication for the statistics (上网率). A 不公开 decision closes the deadline without a page.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

from app.db.models import Assignment, Item
from app.db.models.roster import PublicReply, ReplyNonPublication
from app.db.models.workflow import Reply
from app.domain.disclosure import Removed, strip_personal_data
from app.domain.enums import AssignmentRole, Disclosure, ItemKind
from app.domain.reply_letter import published_text
from app.i18n import _
from app.services import audit, deadlines
from app.services.access import require_office
from app.services.actor import Actor
from app.services.errors import Conflict, NotFound, Problem, ValidationFailed
from app.services.stats.publications import record_publication
from app.services.workflow import letters
from app.services.workflow.actions import _profile


@dataclass(frozen=True)
class PublicationPreview:
    reply: Reply
    item: Item
    mode: str  # Disclosure
    text: str  # exactly what goes online ("" for none)
    removed: tuple[Removed, ...]
    digest: str
    problem: str | None  # why it cannot be published as decided


def pending(session: Session, actor: Actor, limit: int = 300) -> list[Reply]:
    """Sent replies that are neither published nor decided not to be published."""
    require_office(actor)
    stmt = (
        select(Reply)
        .join(Assignment, Assignment.id == Reply.assignment_id)
        .where(
            Reply.sent_at.is_not(None),
            Assignment.role.in_([AssignmentRole.LEAD.value, AssignmentRole.SPLIT.value]),
            ~exists().where(PublicReply.reply_id == Reply.id),
            ~exists().where(ReplyNonPublication.reply_id == Reply.id),
        )
        .options(selectinload(Reply.assignment).selectinload(Assignment.item))
        .order_by(Reply.sent_at, Reply.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def published(session: Session, actor: Actor, limit: int = 200) -> list[PublicReply]:
    require_office(actor)
    return list(session.scalars(select(PublicReply).order_by(PublicReply.id.desc()).limit(limit)))


def _digest(mode: str, text: str) -> str:
    return hashlib.sha256(f"{mode}\n{text}".encode()).hexdigest()[:32]


def preview_one(session: Session, reply: Reply) -> PublicationPreview:
    item = reply.assignment.item
    mode = reply.disclosure if reply.disclosure in {d.value for d in Disclosure} else Disclosure.FULL.value
    problem = None
    if reply.sent_at is None:
        problem = _("The reply has not been sent.")
    elif session.scalar(select(PublicReply.id).where(PublicReply.reply_id == reply.id)) or session.scalar(
        select(ReplyNonPublication.id).where(ReplyNonPublication.reply_id == reply.id)
    ):
        problem = _("Already published.")
    letter = letters.letter_of(session, reply)
    raw = published_text(letter, reply.summary) or ""
    if mode == Disclosure.SUMMARY.value and not raw.strip():
        problem = problem or _("The decision is a summary, but the reply has no summary.")
    if mode == Disclosure.NONE.value and not reply.disclosure_reason.strip():
        problem = problem or _("Not to be published, but no reason is given.")
    stripped = strip_personal_data(raw, contact_names=(reply.contact_person,))
    text = stripped.text if mode != Disclosure.NONE.value else ""
    return PublicationPreview(reply, item, mode, text, stripped.removed, _digest(mode, text), problem)


def _replies(session: Session, reply_ids: list[int]) -> list[Reply]:
    if not reply_ids:
        raise ValidationFailed(_("Choose at least one reply."), [Problem("reply_ids", _("required"))])
    found = {
        r.id: r
        for r in session.scalars(
            select(Reply)
            .where(Reply.id.in_(reply_ids))
            .options(selectinload(Reply.assignment).selectinload(Assignment.item))
        )
    }
    missing = [i for i in reply_ids if i not in found]
    if missing:
        raise NotFound(_("No such reply."))
    return [found[i] for i in dict.fromkeys(reply_ids)]


def preview(session: Session, actor: Actor, reply_ids: list[int]) -> list[PublicationPreview]:
    require_office(actor)
    return [preview_one(session, r) for r in _replies(session, reply_ids)]


def publish(
    session: Session,
    actor: Actor,
    reply_ids: list[int],
    *,
    published_on: date,
    digests: dict[int, str] | None = None,
) -> list[PublicReply]:
    """Publish each reply by its decision, all or nothing. `digests` (reply id -> digest shown in the
    preview) makes sure the text published is the text the office saw."""
    require_office(actor)
    previews = preview(session, actor, reply_ids)
    problems = [Problem(f"reply {p.reply.id}", p.problem) for p in previews if p.problem]
    if digests is not None:
        for p in previews:
            if digests.get(p.reply.id) != p.digest:
                raise Conflict(_("The public text changed since the preview. Preview again and confirm."))
    if problems:
        raise ValidationFailed(_("Nothing was published."), problems)
    profile = _profile()
    created: list[PublicReply] = []
    for p in previews:
        reply, item = p.reply, p.item
        assignment = reply.assignment
        if p.mode == Disclosure.NONE.value:
            session.add(
                ReplyNonPublication(
                    reply_id=reply.id,
                    reason=reply.disclosure_reason,
                    decided_on=published_on,
                    decided_by_id=actor.user_id,
                )
            )
            deadlines.close_deadlines(session, assignment, ["publication"], met_on=published_on)
            audit.record(
                session,
                actor,
                entity="assignment",
                entity_id=assignment.id,
                action="decide_not_to_publish",
                after={"reply_id": reply.id, "on": published_on.isoformat()},
                reason=reply.disclosure_reason,
            )
            continue
        result_class = profile.result_class(ItemKind(item.kind), reply.result_class)
        public = PublicReply(
            reply_id=reply.id,
            mode=p.mode,
            published_on=published_on,
            year=item.session.year,
            kind=item.kind,
            session_label=item.session.label,
            number=item.number,
            title=item.title,
            category=item.category.name if item.category else "",
            department=assignment.department.name,
            result_class=result_class.label if result_class else "",
            text=p.text,
            published_by_id=actor.user_id,
        )
        session.add(public)
        session.flush()
        deadlines.close_deadlines(session, assignment, ["publication"], met_on=published_on)
        record_publication(
            session,
            actor,
            assignment_id=assignment.id,
            published_on=published_on,
            location=f"/public/replies/{public.id}",
        )
        audit.record(
            session,
            actor,
            entity="assignment",
            entity_id=assignment.id,
            action="publish_reply",
            after={
                "reply_id": reply.id,
                "public_id": public.id,
                "mode": p.mode,
                "on": published_on.isoformat(),
                "removed": len(p.removed),
            },
        )
        created.append(public)
    return created
