"""Demo: a roster for the demo sessions, a few activated deputies/members on the portal (their
passwords are printed once, like the other demo accounts) and published replies on /public."""

from __future__ import annotations

import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Item
from app.db.models.roster import PortalAccount, RosterEntry
from app.db.models.workflow import Reply
from app.demo.workflow import ITEMS as DEMO_ITEMS
from app.services import disclosure, portal_accounts, roster
from app.services.actor import Actor

ORDER = 95  # after the handling (70) and statistics (90) demo data

# name, delegation (npc) or sector (cppcc), party, kind
NPC = [
    ("刘海燕", "海淀代表团", "中共", "individual"),
    ("王建国", "昌平代表团", "中共", "individual"),
    ("王建国", "通州代表团", "民进", "individual"),  # two of the same name: 9002 waits for the office to resolve
    ("张建华", "朝阳代表团", "中共", "individual"),
    ("赵丽萍", "西城代表团", "民盟", "individual"),
    ("孙志刚", "通州代表团", "中共", "individual"),
    ("周敏", "东城代表团", "无党派", "individual"),
    ("吴强", "丰台代表团", "中共", "individual"),
    ("郑宏", "东城代表团", "九三学社", "individual"),
    ("钱玉兰", "石景山代表团", "中共", "individual"),
    ("冯立新", "朝阳代表团", "中共", "individual"),
    ("陈立军", "大兴代表团", "致公党", "individual"),
    ("马晓东", "石景山代表团", "中共", "individual"),
    ("杨帆", "朝阳代表团", "中共", "individual"),
    ("许文", "西城代表团", "民建", "individual"),
    ("黄丽", "顺义代表团", "中共", "individual"),
    ("李红", "朝阳代表团", "中共", "individual"),
    ("朝阳代表团", "朝阳代表团", "", "delegation"),
]
CPPCC = [
    ("民盟北京市委", "", "民盟", "party_group"),
    ("九三学社北京市委", "", "九三学社", "party_group"),
    ("李明华", "经济界", "民建", "individual"),
]
# portal accounts activated in the demo (name, body)
ACTIVATED = [("张建华", "npc"), ("钱玉兰", "npc"), ("冯立新", "npc"), ("九三学社北京市委", "cppcc")]


def _term(label: str) -> str:
    """市十六届人大四次会议 -> 市十六届人大 (the term the roster belongs to)."""
    return re.sub(r"[一二三四五六七八九十]+次会议$", "", label) or label


def seed(session: Session, ctx) -> None:
    office = ctx.actor("admin") if "admin" in ctx.users else Actor.system()
    if session.scalar(select(RosterEntry.id).limit(1)) is not None:
        return  # already seeded
    for body, rows in (("npc", NPC), ("cppcc", CPPCC)):
        congress = ctx.sessions.get(body)
        if congress is None:
            continue
        for name, group, party, kind in rows:
            roster.save_entry(
                session,
                office,
                None,
                {
                    "term": _term(congress.label),
                    "body": body,
                    "kind": kind,
                    "name": name,
                    "delegation": group if body == "npc" else "",
                    "sector": group if body == "cppcc" else "",
                    "party": party,
                    "phone": f"139{secrets.randbelow(10**8):08d}" if kind == "individual" else "",
                },
            )
    numbers = [spec.number if spec.body == "npc" else f"2026{spec.number}" for spec in DEMO_ITEMS]
    demo_items = session.scalars(select(Item.id).where(Item.number.in_(numbers))).all()
    roster.link_items(session, office, list(demo_items))

    lines = []
    for name, body in ACTIVATED:
        entry = session.scalar(select(RosterEntry).where(RosterEntry.name == name, RosterEntry.body == body))
        if entry is None or session.scalar(select(PortalAccount.id).where(PortalAccount.roster_entry_id == entry.id)):
            continue
        issued = portal_accounts.issue_accounts(session, office, [entry.id])[0]
        password = secrets.token_urlsafe(9)
        portal_accounts.activate(session, issued.username, issued.code, password, password)
        lines.append(f"  {issued.username:<10} {'deputy':<16} {password}   ({name}, portal /portal)")

    sent = session.scalars(
        select(Reply.id).where(Reply.sent_at.is_not(None), Reply.item_id.in_(demo_items)).order_by(Reply.id)
    ).all()
    publishable = [p.reply.id for p in disclosure.preview(session, office, list(sent)) if not p.problem]
    if publishable:
        disclosure.publish(session, office, publishable, published_on=ctx.today)
    if lines:
        print("\nDemo deputies and members (portal; passwords are shown only this once):")
        print("\n".join(lines))
