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
# other items of the session, never replied to: a corpus in which 安立路 and 天桥 are rare, as in a
# real session (with four items, terms three of them share weigh almost nothing under the IDF)
BACKGROUND = [
    "关于加快老旧小区加装电梯的建议",
    "关于完善社区养老驿站服务的建议",
    "关于加强中小学课后服务的建议",
    "关于推进垃圾分类精细化管理的建议",
    "关于提升基层医疗机构服务能力的建议",
    "关于保护历史文化街区风貌的建议",
    "关于优化营商环境支持小微企业的建议",
    "关于增加公园绿地健身设施的建议",
]


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
    for title in BACKGROUND:
        new_item(db_session, title=title, content=title)
    current = new_item(db_session, title=CURRENT, content=CURRENT)
    actions.assign(db_session, actors["office"], current.id, [("jtw", "lead"), ("jw", "co")], today=TODAY)
    db_session.flush()
    similarity.index_items(db_session, db_session.scalars(select(Item.id)).all())
    db_session.commit()
    found = {
        a.department.code: a.id for a in db_session.scalars(select(Assignment).where(Assignment.item_id == current.id))
    }
    return Past(current.id, found["jtw"], found["jw"], jtw_reply.id, jw_reply.id, unrelated.id)
