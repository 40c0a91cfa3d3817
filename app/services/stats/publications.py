"""Recording that the office put a reply online (上网公开), which the publication rate counts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models.stats import ReplyPublication
from app.domain.enums import AssignmentRole
from app.i18n import _
from app.services import access, audit
from app.services.actor import Actor
from app.services.errors import Problem, ValidationFailed


def record_publication(
    session: Session, actor: Actor, *, assignment_id: int, published_on: date, location: str = ""
) -> ReplyPublication:
    """Office only. A second call for the same reply corrects the date and place (audited)."""
    access.require_office(actor)
    assignment = access.get_assignment_for(session, actor, assignment_id)
    if assignment.role not in (AssignmentRole.LEAD.value, AssignmentRole.SPLIT.value):
        raise ValidationFailed(
            _("Only replies are published."),
            [Problem("assignment_id", _("not a lead or split assignment"), assignment_id)],
        )
    publication = session.scalar(select(ReplyPublication).where(ReplyPublication.assignment_id == assignment.id))
    before = None
    if publication is None:
        publication = ReplyPublication(assignment_id=assignment.id, published_on=published_on, location=location)
        session.add(publication)
    else:
        before = {"published_on": publication.published_on, "location": publication.location}
        publication.published_on, publication.location = published_on, location
    publication.recorded_by_id = actor.user_id
    session.flush()
    audit.record(
        session,
        actor,
        entity="assignment",
        entity_id=assignment.id,
        action="record_publication",
        before=before,
        after={"published_on": published_on, "location": location},
    )
    return publication
