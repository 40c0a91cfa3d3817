"""Demo: last year's session, routed and reviewed, so that routing has something to remember.

违停 titles naming a place in one district went to 市公安局 by the rules (违停, 900; 市公安局 is a
municipal department of the gazetteer, so the place tier keeps it leading with the district
co-handling) and were overridden by the office to that district's government, with 市公安局
co-handling, twelve times; a city-wide 违停 title naming a district was accepted as the rules
proposed. The rule suggestions page (/routing/suggestions, `jianti rules suggest`) finds the
pattern in these, which the rule packs do not know.
市交通委 answered last year's bus and parking items it led (the bus titles name 回龙观 and 天通苑,
local to the place tier: the office kept them with 市交通委), with result class and satisfaction, so
its reply editor shows them beside this year's similar items (9002 回龙观公交线路 once signed for,
9003 安立路过街天桥 at once).
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
    ("0201", "关于治理朝阳区望京地区老旧小区周边违停的建议", "cy"),
    ("0202", "关于整治海淀区五道口周边违停乱象的建议", "hd"),
    ("0203", "关于解决丰台区方庄社区夜间违停问题的建议", "ft"),
    ("0204", "关于规范西城区什刹海胡同违停秩序的建议", "xc"),
    ("0205", "关于治理东城区前门周边胡同违停的建议", "dc"),
    ("0206", "关于解决通州区梨园镇回迁小区周边违停的建议", "tz"),
    ("0207", "关于整治昌平区回龙观社区违停占道的建议", "cp"),
    ("0208", "关于治理大兴区黄村医院周边违停的建议", "dx"),
    ("0209", "关于解决顺义区后沙峪小区门口违停的建议", "sy"),
    ("0210", "关于治理石景山区鲁谷社区路边违停乱象的建议", "sjs"),
    ("0211", "关于整治房山区良乡大学城周边违停的建议", "fs"),
    ("0212", "关于治理朝阳区双井街道老旧小区违停的建议", "cy"),
    ("0213", "关于统一全市路侧停车电子收费标准的建议", None),
    ("0214", "关于推广海淀区违停治理经验至全市的建议", None),
    ("0215", "关于加快老旧小区加装电梯的建议", None),
    ("0217", "关于优化回龙观地区通勤公交线路的建议", None),
    ("0218", "关于缓解天通苑地区早高峰公交拥挤的建议", None),
    ("0219", "关于在安立路慧忠路口增设人行过街天桥的建议", None),
    ("0216", "关于扩大普惠性学前教育资源供给的建议", None),
]
OVERRIDE_REASON = "小区、胡同周边违停属街道综合治理，由{district}牵头，市公安局协办"
BUS_REASON = "公交线路跨区运营，由市交通委统筹，{district}协办"


# number, result class, satisfaction of the replies 市交通委 sent on last year's items it led
JTW_REPLIES = [
    ("0213", "B", "basically_satisfied"),
    ("0217", "A", "satisfied"),
    ("0218", "A", "satisfied"),
    ("0219", "B", "satisfied"),  # this year's 9003 (安立路天桥, signed for): its reply editor shows it
]


def seed(session: Session, ctx) -> None:
    _seed_past_session(session, ctx)
    similarity.index_items(session, session.scalars(select(Item.id)).all())


def _accept_or_keep_with_jtw(session: Session, office: Actor, number: str, item_id: int, districts) -> None:
    """The rules' proposal accepted; but a bus title naming a place (回龙观) is a local matter to the
    place tier, and the office kept 市交通委 leading with the district co-handling."""
    record = routing.current_record(session, item_id)
    replied = {n for n, _class, _level in JTW_REPLIES}
    if number in replied and record is not None and record.lead_code in districts:
        district = districts[record.lead_code]
        routing.override(
            session,
            office,
            item_id,
            mode="lead",
            lead="jtw",
            co=[district.code],
            reason=BUS_REASON.format(district=district.short_name),
        )
        return
    routing.accept(session, office, [item_id])


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
            _accept_or_keep_with_jtw(session, office, number, item_id, districts)
            continue
        district = districts[district_code]
        routing.override(
            session,
            office,
            item_id,
            mode="lead",
            lead=district.code,
            co=["gaj"],
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
