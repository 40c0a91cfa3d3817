"""The reply letter of a reply, as data for the .docx and the print view.

A merged item's submitters get the same reply under their own item's title and number
(`for_item`), so every submitter still gets a letter.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.clock import office_date
from app.db.models import Item
from app.db.models.workflow import Reply
from app.domain.enums import Disclosure, ItemKind, SubmitterType
from app.domain.reply_letter import ReplyLetter
from app.services.workflow.actions import Clock, _profile


def letter_of(session: Session, reply: Reply, for_item: Item | None = None) -> ReplyLetter:
    item = for_item or reply.assignment.item
    department = reply.assignment.department
    profile = _profile()
    kind = ItemKind(reply.assignment.item.kind)
    result_class = profile.result_class(kind, reply.result_class)
    stamp = reply.sent_at or reply.signed_off_at
    letter_date = office_date(stamp) if stamp else Clock.now().today
    return ReplyLetter(
        unit=department.name,
        session_label=item.session.label,
        item_kind=ItemKind(item.kind),
        item_number=item.number,
        item_title=item.title,
        submitter=item.lead_submitter,
        submitter_type=SubmitterType(item.submitter_type),
        body=reply.body,
        letter_date=letter_date,
        contact_person=reply.contact_person,
        contact_phone=reply.contact_phone,
        result_class_code=reply.result_class,
        result_class_label=result_class.label if result_class else reply.result_class,
        disclosure=Disclosure(reply.disclosure),
        letter_number=reply.letter_number,
        co_signers=tuple(c.name for c in item.co_signers),
        round=reply.round,
    )
