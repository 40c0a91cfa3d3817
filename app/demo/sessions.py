"""The sessions the demo's items belong to (Beijing, January 2026)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import CongressSession
from app.services.actor import Actor
from app.services.sessions import add_session

ORDER = 0
DEMO_SESSIONS = [
    ("市十六届人大四次会议", "npc", 2026, 4),
    ("市政协十四届四次会议", "cppcc", 2026, 0),
]


def seed(session: Session, ctx) -> None:
    for label, body, year, width in DEMO_SESSIONS:
        if session.scalar(select(CongressSession.id).where(CongressSession.label == label)) is None:
            add_session(session, Actor.system(), label=label, body=body, year=year, number_width=width)
