"""Demo: the profile's own sample batches (imports/samples/<profile>_npc_2026.xlsx with 800 NPC
suggestions, <profile>_cppcc_2026.xlsx with 1,200 CPPCC proposals) imported as the office's staff
member would, each as one import batch."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import PROJECT_ROOT
from app.db.models import Item
from app.domain.enums import ItemKind
from app.services import importing

ORDER = 10
SAMPLES = PROJECT_ROOT / "imports" / "samples"
BATCHES = [
    ("npc", ItemKind.NPC_SUGGESTION, "{profile}_npc_2026.xlsx"),
    ("cppcc", ItemKind.CPPCC_PROPOSAL, "{profile}_cppcc_2026.xlsx"),
]


def sample_file(profile_name: str, kind: ItemKind) -> str:
    """The shipped sample batch of a profile for a kind (imports/generate_samples.py writes them)."""
    return next(name for _, k, name in BATCHES if k is kind).format(profile=profile_name)


def seed(session: Session, ctx) -> None:
    actor = ctx.actor("staff") if "staff" in ctx.users else None
    if actor is None:
        from app.services.actor import Actor

        actor = Actor.system()
    for body, kind, pattern in BATCHES:
        file_name = pattern.format(profile=ctx.profile.name)
        congress = ctx.sessions.get(body)
        if congress is None:
            continue
        if session.scalar(select(Item.id).where(Item.session_id == congress.id).limit(1)) is not None:
            continue  # already imported: the demo may be started again on the same database
        importing.commit_import(
            session, actor, SAMPLES / file_name, kind=kind, session_label=congress.label, file_name=file_name
        )
