"""Demo: route the demo sessions with the shipped rules and assign part of them (交办).

Runs after the import seeder: when the sessions have no items yet (routing's demo on its own),
it registers realistic ones first. The result shows every state of the routing page: proposals
waiting for review, an item in the manual queue with suggestions, a conflict, an override with
its reason, an office-set deadline, key supervision, and assigned items with their deadlines.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Category, Item
from app.db.models.routing import RoutingRecord
from app.services import routing
from app.services.actor import Actor

ORDER = 40

# number, title, category code, delegation, during session
NPC_ITEMS = [
    ("0101", "关于解决石景山区八宝山街道远洋山水小区停车难问题的建议", "cxjs.jt", "石景山代表团", True),
    ("0102", "关于修整安立路和慧忠路交叉路口过街天桥的建议", "cxjs.jt", "朝阳代表团", True),
    ("0103", "关于加快老旧小区加装电梯的建议", "cxjs.zf", "海淀代表团", True),
    ("0104", "关于扩大普惠性学前教育资源供给的建议", "shfz.jy", "西城代表团", True),
    ("0105", "关于优化医保报销流程的建议", "shfz.yl", "东城代表团", True),
    ("0106", "关于深入推进生活垃圾分类的建议", "cxjs.hj", "丰台代表团", True),
    ("0107", "关于加强中小河道综合治理的建议", "cxjs.sw", "通州代表团", True),
    ("0108", "关于加快发展社区居家养老服务的建议", "shfz.yl2", "昌平代表团", True),
    ("0109", "关于加强校园食品安全监管的建议", "shfz.jy", "大兴代表团", True),
    ("0110", "关于推进全民健身设施建设的建议", "shfz.wh", "顺义代表团", False),
    ("0111", "关于加强北京中轴线文物保护的建议", "shfz.wh", "东城代表团", False),
    ("0112", "关于改善昌平区回龙观、天通苑地区交通出行的建议", "cxjs.jt", "昌平代表团", True),
    ("0113", "尽快解决翠花街变压器放置不合理问题", None, "西城代表团", False),
    (
        "0114",
        "关于提高社会治理能力和治理水平，逐步取消机动车限行、限号，促进京津冀交通一体化的建议",
        "cxjs.jt",
        "海淀代表团",
        True,
    ),
    ("0115", "关于加强人防工程管理和利用的建议", None, "房山代表团", False),
    ("0116", "关于加强地方志编纂工作的建议", None, "西城代表团", False),  # no rule: manual queue
]
CPPCC_ITEMS = [
    ("2026001", "关于老旧小区增设电梯无障碍入户模式的提案", "cxjs.zf", None, True),
    ("2026002", "关于促进科技成果转化落地的提案", "czjj.cy", None, True),
    ("2026003", "关于加强知识产权保护的提案", "czjj.sm", None, True),
    ("2026004", "关于推动冰雪运动普及发展的提案", "shfz.wh", None, True),
    ("2026005", "关于完善养老机构运营补贴政策的提案", "shfz.yl2", None, True),
]


def _register(session: Session, ctx, body: str, rows) -> None:
    congress = ctx.sessions.get(body)
    if congress is None or session.scalar(select(func.count()).select_from(Item).where(Item.session_id == congress.id)):
        return
    categories = {c.code: c for c in session.scalars(select(Category))}
    kind = "npc_suggestion" if body == "npc" else "cppcc_proposal"
    for number, title, category, delegation, during in rows:
        session.add(
            Item(
                kind=kind,
                session_id=congress.id,
                number=number,
                title=title,
                content="",
                category=categories.get(category) if category else None,
                lead_submitter="李华" if body == "npc" else "陈委员",
                delegation=delegation,
                sector="经济界" if body == "cppcc" else None,
                during_session=during,
            )
        )
    session.flush()


def seed(session: Session, ctx) -> None:
    _register(session, ctx, "npc", NPC_ITEMS)
    _register(session, ctx, "cppcc", CPPCC_ITEMS)
    office = ctx.actor("staff") if "staff" in ctx.users else Actor.system()
    for body in ("npc", "cppcc"):
        congress = ctx.sessions.get(body)
        if congress is None:
            continue
        already = session.scalar(
            select(func.count())
            .select_from(RoutingRecord)
            .join(Item, Item.id == RoutingRecord.item_id)
            .where(Item.session_id == congress.id)
        )
        if already:
            continue  # seeded before: the demo may run again on the same database
        routing.route_session(session, office, congress.label)
        if body == "npc":
            _review_npc(session, ctx, office, congress.id)
        else:
            routing.accept(session, office, _ids(session, congress.id))


def _ids(session: Session, session_id: int, numbers=None) -> list[int]:
    stmt = select(Item.id, Item.number).where(Item.session_id == session_id).order_by(Item.number)
    return [item_id for item_id, number in session.execute(stmt) if numbers is None or number in numbers]


def _review_npc(session: Session, ctx, office: Actor, session_id: int) -> None:
    by_number = dict(session.execute(select(Item.number, Item.id).where(Item.session_id == session_id)).all())
    # the parking lot in the 0101 case belongs to a municipal state enterprise: the office decides
    if "0101" in by_number:
        districts = {d.code: d for d in ctx.profile.departments if d.kind.value == "district"}
        district = districts.get("sjs") or next(iter(districts.values()))  # 石景山区 on the Beijing profile
        routing.override(
            session,
            office,
            by_number["0101"],
            mode="lead",
            lead=district.code,
            co=["jtw", "gzw"],
            reason=f"停车场地权属为市属国企，由{district.short_name}牵头协调，市国资委、市交通委协办",
        )
    if "0105" in by_number:
        routing.set_reply_deadline(
            session, office, by_number["0105"], ctx.today + timedelta(days=45), "结合医保政策调整窗口提前答复"
        )
    if "0108" in by_number:
        routing.set_key_supervision(session, office, by_number["0108"], True)
    first_batch = [by_number[n] for n in ("0102", "0103", "0104", "0105", "0106", "0107", "0108") if n in by_number]
    routing.accept(session, office, first_batch)
    assign_on = ctx.today - timedelta(days=30)
    for item_id in [by_number["0101"], *first_batch] if "0101" in by_number else first_batch:
        routing.assign(session, office, item_id, assigned_on=assign_on)
