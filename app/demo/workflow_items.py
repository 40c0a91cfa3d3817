"""Registering an item without an import batch (demo data and tests of the handling workflow).

The import feature registers items from workbooks; this makes one item with the same audit
trail: a `create` row with the item in its initial state.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.db.models import CongressSession, Item, ItemCoSigner
from app.domain.enums import BODY_OF_KIND, ItemKind
from app.domain.lifecycle import INITIAL_STATES
from app.services import audit
from app.services.actor import Actor


def register_item(
    session: Session,
    actor: Actor,
    congress_session: CongressSession,
    *,
    number: str,
    title: str,
    lead_submitter: str,
    content: str = "",
    kind: str | None = None,
    co_signers: tuple[str, ...] = (),
    submitter_type: str = "individual",
    delegation: str | None = None,
    sector: str | None = None,
    key_supervision: bool = False,
    submitted_on: date | None = None,
) -> Item:
    kind = kind or next(k for k, body in BODY_OF_KIND.items() if body == congress_session.body).value
    item = Item(
        kind=ItemKind(kind).value,
        session_id=congress_session.id,
        number=number,
        title=title,
        content=content,
        submitter_type=submitter_type,
        lead_submitter=lead_submitter,
        submitter_count=1 + len(co_signers),
        delegation=delegation,
        sector=sector,
        key_supervision=key_supervision,
        submitted_on=submitted_on,
        state=INITIAL_STATES["item"],
        co_signers=[ItemCoSigner(position=i, name=name) for i, name in enumerate(co_signers, start=1)],
    )
    return audit.created(
        session,
        actor,
        item,
        entity="item",
        after=lambda i: {"state": i.state, "version": i.version, "number": number, "session": congress_session.label},
    )
