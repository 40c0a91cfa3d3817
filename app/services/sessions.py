"""Sessions (届次/会议): items are numbered per session. The office creates and edits them
(label, body, year, level, number width) on the sessions page, the API or the command line."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import CongressSession, Item
from app.domain.enums import Body, Level
from app.i18n import _
from app.services import audit
from app.services.access import require_office
from app.services.actor import Actor
from app.services.errors import NotFound, Problem, ValidationFailed

MAX_NUMBER_WIDTH = 12
LABEL_LIMIT = 64


def _year(value: Any, problems: list[Problem]) -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        problems.append(Problem("year", _("write the year as four digits, e.g. 2026"), value))
        return 0
    if not 1949 <= year <= 2100:
        problems.append(Problem("year", _("not a plausible year"), value))
    return year


def _width(value: Any, problems: list[Problem]) -> int:
    if value is None or str(value).strip() == "":
        return 0
    try:
        width = int(str(value).strip())
    except (TypeError, ValueError):
        problems.append(Problem("number_width", _("a whole number of digits (0: numbers are kept as written)"), value))
        return 0
    if not 0 <= width <= MAX_NUMBER_WIDTH:
        problems.append(Problem("number_width", _("between 0 and %(most)s digits", most=MAX_NUMBER_WIDTH), value))
    return width


def _checked(
    session: Session, *, label: Any, body: Any, year: Any, level: Any, number_width: Any, current: int | None = None
) -> dict[str, Any]:
    problems: list[Problem] = []
    text = str(label or "").strip()
    if not text:
        problems.append(Problem("label", _("required")))
    elif len(text) > LABEL_LIMIT:
        problems.append(Problem("label", _("at most %(limit)s characters", limit=LABEL_LIMIT), text))
    elif "\x00" in text:  # PostgreSQL refuses NUL in text parameters: a 400 here, not a 500 from the driver
        problems.append(Problem("label", _("must not contain a NUL character"), text.replace("\x00", "")))
    else:
        clash = session.scalar(select(CongressSession.id).where(CongressSession.label == text))
        if clash is not None and clash != current:
            problems.append(Problem("label", _("a session with this label exists"), text))
    if body not in {b.value for b in Body}:
        problems.append(Problem("body", _("must be npc or cppcc"), body))
    if level not in {lv.value for lv in Level}:
        problems.append(Problem("level", _("must be national or municipal"), level))
    values = {
        "label": text,
        "body": body,
        "year": _year(year, problems),
        "level": level,
        "number_width": _width(number_width, problems),
    }
    if problems:
        raise ValidationFailed(_("The session was not saved."), problems)
    return values


def add_session(
    session: Session,
    actor: Actor,
    *,
    label: str,
    body: str,
    year: int | str,
    level: str = "municipal",
    number_width: int | str = 0,
) -> CongressSession:
    values = _checked(session, label=label, body=body, year=year, level=level, number_width=number_width)
    congress_session = CongressSession(**values)
    session.add(congress_session)
    session.flush()
    audit.record(session, actor, entity="session", entity_id=congress_session.id, action="add", after=values)
    return congress_session


def create_session(session: Session, actor: Actor, **fields: Any) -> CongressSession:
    """The office's use-case (pages, API): only office staff add sessions."""
    require_office(actor)
    return add_session(session, actor, **fields)


def update_session(session: Session, actor: Actor, session_id: int, **fields: Any) -> CongressSession:
    """Edit a session. Body and number width are fixed once items are imported into it (their
    numbers were padded to that width, and they are suggestions or proposals)."""
    require_office(actor)
    congress = get_session(session, session_id)
    values = _checked(session, current=congress.id, **fields)
    items = session.scalar(select(func.count(Item.id)).where(Item.session_id == congress.id)) or 0
    if items:
        problems = []
        if values["body"] != congress.body:
            problems.append(Problem("body", _("%(count)s items are already imported into this session", count=items)))
        if values["number_width"] != congress.number_width:
            problems.append(
                Problem("number_width", _("%(count)s items are already imported into this session", count=items))
            )
        if problems:
            raise ValidationFailed(_("The session was not saved."), problems)
    before = {k: getattr(congress, k) for k in values}
    changed = {k: v for k, v in values.items() if before[k] != v}
    for key, value in changed.items():
        setattr(congress, key, value)
    session.flush()
    if changed:
        audit.record(
            session,
            actor,
            entity="session",
            entity_id=congress.id,
            action="edit",
            before={k: before[k] for k in changed},
            after=changed,
        )
    return congress


def list_sessions(session: Session) -> list[tuple[CongressSession, int]]:
    """Sessions, newest year first, with the number of items in each."""
    counts = dict(session.execute(select(Item.session_id, func.count(Item.id)).group_by(Item.session_id)).all())
    sessions = session.scalars(select(CongressSession).order_by(CongressSession.year.desc(), CongressSession.label))
    return [(s, counts.get(s.id, 0)) for s in sessions]


def get_session(session: Session, session_id: int) -> CongressSession:
    found = session.get(CongressSession, session_id)
    if found is None:
        raise NotFound(_("No such session."))
    return found


def get_session_by_label(session: Session, label: str) -> CongressSession:
    found = session.scalar(select(CongressSession).where(CongressSession.label == label.strip()))
    if found is None:
        known = ", ".join(session.scalars(select(CongressSession.label).order_by(CongressSession.year.desc())))
        raise NotFound(_("No session %(label)s. Known sessions: %(known)s", label=label, known=known or "—"))
    return found
