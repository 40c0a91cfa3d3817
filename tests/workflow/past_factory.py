"""Sent replies of two departments on similar items, and a current item assigned to both."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.db.models import Assignment, Item
from app.services import similarity
from app.services.workflow import actions
from tests.workflow.factory import TODAY, good_draft, new_item, yesterday

CURRENT = "关于修整安立路和慧忠路交叉路口过街天桥的建议"
JTW_PAST = "关于修缮安立路过街天桥的建议"
JW_PAST = "关于修缮安立路过街天桥方便学生上学的建议"
UNRELATED = "关于扩大普惠性学前教育资源供给的建议"


@dataclass
class Past:
    current_item: int
    jtw_assignment: int
    jw_assignment: int  # the co-handler's assignment on the current item
    jtw_reply: int
    jw_reply: int
    jtw_unrelated_reply: int


def _sent(session, actors, title, department, result_class):
    item = new_item(session, title=title, content=title)
    actions.assign(session, actors["office"], item.id, [(department, "lead")], today=TODAY)
    (assignment,) = session.scalars(select(Assignment).where(Assignment.item_id == item.id))
    handler, head = actors[department], actors[f"{department}_head"]
    actions.sign_for(session, handler, assignment.id, today=TODAY)
    actions.record_communication(
        session, handler, assignment.id, method="phone", happened_at=yesterday(), participants="张建华代表"
    )
    reply = actions.save_reply(session, handler, assignment.id, good_draft(result_class), today=TODAY)
    actions.sign_off(session, head, assignment.id, today=TODAY)
    actions.submit_for_review(session, handler, assignment.id, today=TODAY)
    actions.accept_reply(session, actors["office"], assignment.id, today=TODAY)
    return item, reply


def build_past(db_session, actors) -> Past:
    jtw_item, jtw_reply = _sent(db_session, actors, JTW_PAST, "jtw", "A")
    actions.request_feedback(db_session, actors["office"], jtw_item.id, today=TODAY)
    actions.record_feedback(
        db_session, actors["office"], jtw_item.id, level="satisfied", given_by="submitter", today=TODAY
    )
    _jw_item, jw_reply = _sent(db_session, actors, JW_PAST, "jw", "B")
    _other, unrelated = _sent(db_session, actors, UNRELATED, "jtw", "B")
    current = new_item(db_session, title=CURRENT, content=CURRENT)
    actions.assign(db_session, actors["office"], current.id, [("jtw", "lead"), ("jw", "co")], today=TODAY)
    db_session.flush()
    similarity.index_items(db_session, db_session.scalars(select(Item.id)).all())
    db_session.commit()
    found = {
        a.department.code: a.id for a in db_session.scalars(select(Assignment).where(Assignment.item_id == current.id))
    }
    return Past(current.id, found["jtw"], found["jw"], jtw_reply.id, jw_reply.id, unrelated.id)
