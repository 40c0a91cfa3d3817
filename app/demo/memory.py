"""Demo: last year's session, routed and reviewed, so that routing has something to remember.

Parking titles that name a district went to 市交通委 by the rules (停车, 600) and were overridden
by the office to that district's government, with 市交通委 co-handling, twelve times; two
city-wide parking titles naming a district were accepted as the rules proposed. The rule
suggestions page (/routing/suggestions, `jianti rules suggest`) finds the pattern in these.
市交通委 answered last year's bus and parking items it led (result class, satisfaction), so
its reply editor shows them beside this year's similar items (e.g. 9002, 回龙观公交线路).
Beijing's district codes are used; on another profile the seeder does nothing. At the end the
similarity index is brought up to date for every item (unchanged ones cost a hash).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import CongressSession, Item
from app.demo.workflow import _Driver
from app.services import routing, similarity
from app.services.actor import Actor
from app.services.sessions import add_session
from app.services.workflow import actions

ORDER = 75  # after routing (40) and handling (70): every item exists when the index is brought up to date
PAST_SESSION = ("市十六届人大三次会议", "npc", 2025, 4)

# number, title, district the office chose (None: the rules' proposal was accepted)
PAST_ITEMS = [
    ("0201", "关于缓解朝阳区望京地区老旧小区停车难的建议", "cy"),
    ("0202", "关于在海淀区五道口周边增设错时共享停车位的建议", "hd"),
    ("0203", "关于解决丰台区方庄社区夜间停车难的建议", "ft"),
    ("0204", "关于规范西城区什刹海胡同停车秩序的建议", "xc"),
    ("0205", "关于利用东城区前门周边闲置地块建设停车场的建议", "dc"),
    ("0206", "关于解决通州区梨园镇回迁小区停车难的建议", "tz"),
    ("0207", "关于昌平区回龙观社区挖潜增设停车位的建议", "cp"),
    ("0208", "关于缓解大兴区黄村医院周边停车压力的建议", "dx"),
    ("0209", "关于在顺义区后沙峪建设立体停车设施的建议", "sy"),
    ("0210", "关于治理石景山区鲁谷社区路边停车乱象的建议", "sjs"),
    ("0211", "关于解决房山区良乡大学城周边停车难的建议", "fs"),
    ("0212", "关于朝阳区双井街道老旧小区停车改造的建议", "cy"),
    ("0213", "关于统一全市路侧停车电子收费标准的建议", None),
    ("0214", "关于推广海淀区停车诱导系统经验至全市的建议", None),
    ("0215", "关于加快老旧小区加装电梯的建议", None),
    ("0217", "关于优化回龙观地区通勤公交线路的建议", None),
    ("0218", "关于缓解天通苑地区早高峰公交拥挤的建议", None),
    ("0216", "关于扩大普惠性学前教育资源供给的建议", None),
]
OVERRIDE_REASON = "停车设施属区属小区、街道管理，由{district}牵头统筹，市交通委协办"


# number, result class, satisfaction of the replies 市交通委 sent on last year's items it led
JTW_REPLIES = [("0213", "B", "basically_satisfied"), ("0217", "A", "satisfied"), ("0218", "A", "satisfied")]


def seed(session: Session, ctx) -> None:
    _seed_past_session(session, ctx)
    similarity.index_items(session, session.scalars(select(Item.id)).all())


def _seed_past_session(session: Session, ctx) -> None:
    districts = {d.code: d for d in ctx.profile.departments if d.kind.value == "district"}
    if not all(code in districts for _, _, code in PAST_ITEMS if code):
        return  # the titles and district codes are Beijing's
    label, body, year, width = PAST_SESSION
    if session.scalar(select(CongressSession.id).where(CongressSession.label == label)) is not None:
        return  # seeded before: the demo may run again on the same database
    congress = add_session(session, Actor.system(), label=label, body=body, year=year, number_width=width)
    for number, title, _district in PAST_ITEMS:
        session.add(
            Item(
                kind="npc_suggestion",
                session_id=congress.id,
                number=number,
                title=title,
                content="",
                lead_submitter="张伟",
                delegation="朝阳代表团",
                during_session=True,
            )
        )
    session.flush()
    office = ctx.actor("staff") if "staff" in ctx.users else Actor.system()
    routing.route_session(session, office, label)
    by_number = dict(session.execute(select(Item.number, Item.id).where(Item.session_id == congress.id)).all())
    for number, _title, district_code in PAST_ITEMS:
        item_id = by_number[number]
        if district_code is None:
            routing.accept(session, office, [item_id])
            continue
        district = districts[district_code]
        routing.override(
            session,
            office,
            item_id,
            mode="lead",
            lead=district.code,
            co=["jtw"],
            reason=OVERRIDE_REASON.format(district=district.short_name),
        )
    assign_on = ctx.today - timedelta(days=330)
    for item_id in by_number.values():
        record = routing.current_record(session, item_id)
        if record is not None and record.status in ("accepted", "overridden"):
            routing.assign(session, office, item_id, assigned_on=assign_on)
    if "jtw" not in ctx.users or "jtw_lead" not in ctx.users:
        return
    for number, result_class, level in JTW_REPLIES:
        item = session.get(Item, by_number[number])
        record = routing.current_record(session, by_number[number])
        if item is None or record is None or record.lead_code != "jtw":
            continue  # the rules changed: not led by 市交通委 any more
        driver = _Driver(session, ctx, item)
        driver.sign("jtw")
        driver.talk("jtw")
        driver.draft("jtw", result_class)
        lead = driver.assignment("jtw")
        if any(a.role == "co" for a in item.assignments):  # the district co-handlers have no demo account
            actions.waive_co_opinions(session, office, lead.id, reason="协办单位已电话反馈意见", today=ctx.today)
        driver.to_review("jtw")
        actions.accept_reply(session, office, lead.id, today=ctx.today)
        actions.request_feedback(session, office, item.id, today=ctx.today)
        actions.record_feedback(session, office, item.id, level=level, given_by="submitter", today=ctx.today)
