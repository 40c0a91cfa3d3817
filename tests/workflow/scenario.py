"""A handled item with something in every table: reply (sent), opinion, communication, attachments, merge."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from sqlalchemy import select

from app.db.models import Assignment
from app.db.models.workflow import Attachment
from app.services.workflow import actions
from app.services.workflow.files import Upload
from tests.workflow.factory import TODAY, assigned_item, good_draft, yesterday
from tests.workflow.samples import PDF_BYTES, PNG_BYTES


@dataclass
class Scenario:
    item_id: int
    other_item_id: int
    lead_id: int
    co_id: int
    reply_id: int
    opinion_attachment_id: int
    reply_attachment_id: int
    communication_attachment_id: int
    title: str


def handled_item(session, users) -> Scenario:
    office, jtw, jtw_head, cg = users["office"], users["jtw"], users["jtw_head"], users["cg"]
    item = assigned_item(session, office, [("jtw", "lead"), ("cgw", "co")])
    other = assigned_item(session, office, [("jtw", "lead")])
    found = {a.department.code: a for a in session.scalars(select(Assignment).where(Assignment.item_id == item.id))}
    lead, co = found["jtw"], found["cgw"]
    actions.sign_for(session, jtw, lead.id, today=TODAY)
    actions.record_communication(
        session,
        jtw,
        lead.id,
        method="meeting",
        happened_at=yesterday(),
        participants="张建华代表",
        files=[Upload("座谈记录.png", PNG_BYTES)],
    )
    actions.sign_for(session, cg, co.id, today=TODAY)
    actions.save_opinion(session, cg, co.id, body="同意", files=[Upload("会办意见.pdf", PDF_BYTES)], today=TODAY)
    actions.send_opinion(session, cg, co.id, today=TODAY)
    reply = actions.save_reply(
        session, jtw, lead.id, good_draft(), files=[Upload("答复函.pdf", PDF_BYTES + b"1")], today=TODAY
    )
    actions.sign_off(session, jtw_head, lead.id, today=TODAY)
    actions.submit_for_review(session, jtw, lead.id, today=TODAY)
    actions.accept_reply(session, office, lead.id, today=TODAY)
    session.commit()
    files = {a.owner_type: a.id for a in session.scalars(select(Attachment).where(Attachment.item_id == item.id))}
    return Scenario(
        item.id,
        other.id,
        lead.id,
        co.id,
        reply.id,
        files["opinion"],
        files["reply"],
        files["communication"],
        item.title,
    )


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
