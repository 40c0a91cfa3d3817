"""A small world for the portal: a roster, items handled to a sent reply, two activated deputies."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.db.models import Assignment
from app.services import portal_accounts, roster
from app.services.actor import Actor
from app.services.workflow import actions
from tests.workflow.factory import TODAY, new_item, yesterday

TERM = "市十六届人大"
DEPUTY_PASSWORD = "deputy-pass-77"
REPLY_BODY = (
    "一、关于过街天桥维修\n我委已会同朝阳区对天桥进行检测，计划年内完成维修。\n"
    "如有疑问请联系王明同志，手机13912345678，邮箱wangming@jtw.beijing.gov.cn。\n感谢您对交通工作的关心和支持。"
)


@dataclass
class World:
    item_a: int  # lead 张建华, co-signer 李红: replied
    item_b: int  # lead 李红, co-signer 张建华: replied
    item_c: int  # lead 王伟 (two in the roster, other delegation): ambiguous, nobody's
    reply_a: int
    reply_b: int
    lead_a: int  # lead assignment of item A
    zhang: tuple[str, str]  # username, password
    li: tuple[str, str]
    zhang_entry: int
    li_entry: int


def add_entry(session, name, delegation, **kw):
    office = Actor.system()
    return roster.save_entry(
        session,
        office,
        None,
        {
            "term": TERM,
            "body": "npc",
            "kind": kw.pop("kind", "individual"),
            "name": name,
            "delegation": delegation,
            **kw,
        },
    )


def sent_reply(session, users, item, body=REPLY_BODY):
    office, jtw = users["office"].actor, users["jtw"].actor
    actions.assign(session, office, item.id, [("jtw", "lead")], today=TODAY)
    lead = session.scalar(select(Assignment).where(Assignment.item_id == item.id, Assignment.round == item.round))
    actions.sign_for(session, jtw, lead.id, today=TODAY)
    return handle_round(session, users, lead.id, body)


def handle_round(session, users, assignment_id, body=REPLY_BODY):
    office, jtw, jtw_head = users["office"].actor, users["jtw"].actor, users["jtw_head"].actor
    actions.record_communication(
        session, jtw, assignment_id, method="meeting", happened_at=yesterday(), participants="代表本人"
    )
    draft = actions.ReplyDraft(body=body, result_class="B", contact_person="王明", contact_phone="010-57079999")
    reply = actions.save_reply(session, jtw, assignment_id, draft)
    actions.sign_off(session, jtw_head, assignment_id)
    actions.submit_for_review(session, jtw, assignment_id)
    actions.accept_reply(session, office, assignment_id)
    return reply


def activate(session, entry_id, password=DEPUTY_PASSWORD):
    issued = portal_accounts.issue_accounts(session, Actor.system(), [entry_id])[0]
    portal_accounts.activate(session, issued.username, issued.code, password, password)
    return issued.username, password


def build(session, users) -> World:
    zhang = add_entry(session, "张建华", "朝阳代表团", phone="13800000001")
    li = add_entry(session, "李红", "海淀代表团")
    add_entry(session, "王伟", "朝阳代表团")
    add_entry(session, "王伟", "海淀代表团")
    a = new_item(session, lead_submitter="张建华", co_signers=("李红",), delegation="朝阳代表团")
    b = new_item(
        session,
        title="关于老旧小区增设电梯无障碍入户模式的建议",
        lead_submitter="李红",
        co_signers=("张建华",),
        delegation="海淀代表团",
    )
    c = new_item(session, title="关于黄浦江岸线绿化建设的建议", lead_submitter="王伟", delegation="东城代表团")
    reply_a = sent_reply(session, users, a)
    reply_b = sent_reply(session, users, b)
    roster.link_items(session, Actor.system())
    world = World(
        a.id,
        b.id,
        c.id,
        reply_a.id,
        reply_b.id,
        reply_a.assignment_id,
        activate(session, zhang.id),
        activate(session, li.id),
        zhang.id,
        li.id,
    )
    session.commit()
    return world
