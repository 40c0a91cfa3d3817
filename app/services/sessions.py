"""Sessions (届次/会议): items are numbered per session."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import CongressSession
from app.domain.enums import Body, Level
from app.i18n import _
from app.services import audit
from app.services.actor import Actor
from app.services.errors import NotFound, Problem, ValidationFailed


def add_session(
    session: Session, actor: Actor, *, label: str, body: str, year: int, level: str = "municipal", number_width: int = 0
) -> CongressSession:
    problems = []
    if body not in {b.value for b in Body}:
        problems.append(Problem("body", _("must be npc or cppcc"), body))
    if level not in {lv.value for lv in Level}:
        problems.append(Problem("level", _("must be national or municipal"), level))
    if not 1949 <= year <= 2100:
        problems.append(Problem("year", _("not a plausible year"), year))
    if not label.strip():
        problems.append(Problem("label", _("required")))
    elif session.scalar(select(CongressSession.id).where(CongressSession.label == label.strip())):
        problems.append(Problem("label", _("a session with this label exists"), label))
    if problems:
        raise ValidationFailed(_("The session was not added."), problems)
    congress_session = CongressSession(
        label=label.strip(), body=body, level=level, year=year, number_width=number_width
    )
    return audit.created(
        session,
        actor,
        congress_session,
        entity="session",
        action="add",
        after={"label": label, "body": body, "year": year, "level": level, "number_width": number_width},
    )


def get_session_by_label(session: Session, label: str) -> CongressSession:
    found = session.scalar(select(CongressSession).where(CongressSession.label == label.strip()))
    if found is None:
        known = ", ".join(session.scalars(select(CongressSession.label).order_by(CongressSession.year.desc())))
        raise NotFound(_("No session %(label)s. Known sessions: %(known)s", label=label, known=known or "—"))
    return found
