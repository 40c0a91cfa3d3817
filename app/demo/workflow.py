"""Demo: items in every state of their handling, driven through the real services.

市交通委 (jtw) and 市教委 (jw) have demo accounts, so their items can be opened and acted on:
log in as `jtw` / `jtw_lead` (handler / unit head), `jw` / `jw_lead`, `staff` (office) or
`leader` (read-only). Every state change below is a real transition with its audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Assignment, CongressSession, Department, Item
from app.db.models.workflow import Reply
from app.demo.workflow_items import register_item
from app.domain.enums import ItemKind
from app.domain.profile import Profile
from app.services.actor import Actor
from app.services.workflow import actions
from app.services.workflow.files import Upload

ORDER = 70


@dataclass(frozen=True)
class DemoItem:
    number: str
    body: str  # npc | cppcc
    title: str
    submitter: str
    content: str
    goal: str  # how far the handling goes
    plan: tuple[tuple[str, str], ...] = (("jtw", "lead"),)
    key: bool = False
    co_signers: tuple[str, ...] = ()
    collective: bool = False  # 党派团体 as submitter
    assigned_days_ago: int = 3  # older assignments show deadlines approaching and overdue


ITEMS = (
    DemoItem(
        "9001",
        "npc",
        "关于在中小学推广课后延时托管服务的建议",
        "刘海燕",
        "双职工家庭接送困难，建议全市中小学普遍开展课后延时托管服务，并明确经费保障。",
        "registered",
        plan=(("jw", "lead"),),
    ),
    DemoItem(
        "9002",
        "npc",
        "关于优化回龙观地区公交线路的建议",
        "王建国",
        "回龙观、天通苑地区通勤需求大，建议增开直达中关村、望京的通勤快线。",
        "assigned",
        assigned_days_ago=120,
    ),
    DemoItem(
        "9003",
        "npc",
        "关于修整安立路和慧忠路交叉路口过街天桥的建议",
        "张建华",
        "安立路与慧忠路交叉路口过街天桥年久失修，台阶破损，建议尽快修整并加装无障碍电梯。",
        "signed",
        plan=(("jtw", "lead"), ("jw", "co")),
        key=True,
        co_signers=("李卫东", "陈晓红"),
        assigned_days_ago=100,
    ),
    DemoItem(
        "9004",
        "npc",
        "关于学校周边交通安全综合治理的建议",
        "赵丽萍",
        "部分学校周边上下学时段交通拥堵，建议设置护学岗、限时停车位和接送区。",
        "drafting_with_opinion",
        plan=(("jtw", "lead"), ("jw", "co")),
    ),
    DemoItem(
        "9005",
        "npc",
        "关于增设城市副中心共享单车停放区的建议",
        "孙志刚",
        "通州城市副中心部分地铁站出口共享单车乱停乱放，建议规划电子围栏停放区。",
        "signed_off",
        assigned_days_ago=85,
    ),
    DemoItem(
        "9006",
        "cppcc",
        "关于推进京津冀交通一卡通互联互通的提案",
        "民盟北京市委",
        "建议推动京津冀公交地铁一卡通、二维码乘车全面互认。",
        "under_review",
        collective=True,
    ),
    DemoItem(
        "9007",
        "npc",
        "关于完善地铁站无障碍设施的建议",
        "周敏",
        "部分地铁站无障碍电梯缺失或经常停用，建议全面排查并建立维护机制。",
        "returned",
    ),
    DemoItem(
        "9008",
        "npc",
        "关于规范校外培训机构收费的建议",
        "吴强",
        "建议加强校外培训机构预收费资金监管，防止卷款跑路。",
        "reassignment_requested",
        plan=(("jw", "lead"),),
    ),
    DemoItem(
        "9009",
        "npc",
        "关于加强背街小巷环境整治的建议",
        "郑宏",
        "建议对背街小巷私搭乱建、堆物堆料开展常态化整治。",
        "reassigned",
    ),
    DemoItem(
        "9010",
        "cppcc",
        "关于老旧小区增设电梯无障碍入户模式的提案",
        "九三学社北京市委",
        "建议推广平层入户加装电梯模式，完善资金分摊和后续维护机制。",
        "replied",
        plan=(("jtw", "lead"), ("jw", "co")),
    ),
    DemoItem(
        "9011",
        "npc",
        "关于提高公交车准点率的建议",
        "钱玉兰",
        "建议扩大公交专用道覆盖并加强执法，提高早晚高峰公交准点率。",
        "awaiting_feedback",
    ),
    DemoItem(
        "9012",
        "npc",
        "关于解决翠花街路口信号灯配时不合理问题的建议",
        "冯立新",
        "翠花街路口左转信号时间过短，早高峰排队严重，建议优化信号配时。",
        "rehandling",
        key=True,
    ),
    DemoItem(
        "9013",
        "npc",
        "关于发展职业教育构建先进制造业人才高地的建议",
        "陈立军",
        "建议深化产教融合，支持职业院校与重点企业共建实训基地。",
        "closed_changed",
        plan=(("jw", "lead"),),
    ),
    DemoItem(
        "9014",
        "npc",
        "关于解决石景山区八宝山街道小区停车难问题的建议",
        "马晓东",
        "远洋山水小区周边停车位严重不足，建议挖潜共享停车资源。",
        "reference_closed",
        plan=(("jw", "reference"),),
    ),
    DemoItem(
        "9015",
        "npc",
        "关于修缮安立路过街天桥并加装电梯的建议",
        "杨帆",
        "与第9003号内容相近：安立路过街天桥破损，建议加装电梯。",
        "merged",
    ),
    DemoItem(
        "9016", "npc", "关于在长安街沿线增设公共卫生间的建议", "许文", "建议在长安街沿线增设公共卫生间。", "withdrawn"
    ),
    DemoItem(
        "9017",
        "npc",
        "关于统筹中小学校车与公交接驳的建议",
        "黄丽",
        "建议交通、教育部门分别就公交接驳和校车管理研究解决。",
        "split_half",
        plan=(("jtw", "split"), ("jw", "split")),
    ),
)

REPLY_BODY = (
    "一、关于{topic}\n我单位高度重视您提出的建议，会同有关区政府和部门进行了实地调研。"
    "经研究，已将相关工作纳入年度重点任务，计划年内完成。\n"
    "二、关于下一步工作\n我们将继续加强统筹协调，定期向您通报工作进展。\n"
    "感谢您对我市工作的关心和支持，欢迎继续提出宝贵意见。"
)


def _draft(topic: str, result_class: str = "B") -> actions.ReplyDraft:
    return actions.ReplyDraft(
        body=REPLY_BODY.format(topic=topic),
        result_class=result_class,
        contact_person="王明",
        contact_phone="010-57079999",
        letter_number="京交函〔2026〕118号",
    )


LETTER_BUCKETS = {"A": "resolved", "B": "in_progress", "C": "reference", "D": "reference"}


def result_code(profile: Profile, kind: ItemKind, letter: str) -> str:
    """The profile's result class for the demo's A/B/C/D (Beijing's codes): the first of the same KPI bucket."""
    if profile.result_class(kind, letter) is not None:
        return letter
    scheme = profile.result_schemes.get(kind, ())
    return next((rc.code for rc in scheme if rc.bucket.value == LETTER_BUCKETS[letter]), scheme[0].code)


def department_code(ctx, *codes: str) -> str:
    """The first of these department codes the profile has (Beijing's first, then Shanghai's)."""
    return next(code for code in codes if code in ctx.departments)


def _pdf(name: str) -> Upload:
    """A real one-page PDF titled after the file (attachments must parse as PDFs)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": name})
    buffer = io.BytesIO()
    writer.write(buffer)
    return Upload(name, buffer.getvalue())


class _Driver:
    """Walks one item through the services as the demo accounts."""

    def __init__(self, session: Session, ctx, item: Item) -> None:
        self.s, self.ctx, self.item, self.today = session, ctx, item, ctx.today
        self.office = ctx.actor("staff")

    def who(self, department: str, head: bool = False) -> Actor:
        return self.ctx.actor(f"{department}_lead" if head else department)

    def assignment(self, department: str, round: int | None = None) -> Assignment:
        return self.s.scalars(
            select(Assignment)
            .join(Assignment.department)
            .where(Assignment.item_id == self.item.id, Assignment.round == (round or self.item.round))
            .where(Department.code == department)
            .order_by(Assignment.id.desc())
            .limit(1)
        ).one()

    def sign(self, department: str) -> Assignment:
        a = self.assignment(department)
        actions.sign_for(self.s, self.who(department), a.id, today=self.today)
        return a

    def talk(self, department: str, how: str = "meeting") -> None:
        a = self.assignment(department)
        actions.record_communication(
            self.s,
            self.who(department),
            a.id,
            method=how,
            happened_at=datetime.now(UTC) - timedelta(days=3),
            participants=f"{self.item.lead_submitter}、承办处室负责人",
            notes="听取代表意见，介绍办理思路，代表表示理解。",
        )

    def draft(self, department: str, result_class: str = "B") -> None:
        a = self.assignment(department)
        actions.save_reply(
            self.s,
            self.who(department),
            a.id,
            _draft(self.item.title[2:12], result_code(self.ctx.profile, ItemKind(self.item.kind), result_class)),
            files=[_pdf("答复函（盖章件）.pdf")],
            today=self.today,
        )

    def opinion(self, department: str) -> None:
        a = self.assignment(department)
        actions.save_opinion(
            self.s, self.who(department), a.id, body="我委同意主办单位意见，将配合做好相关工作。", today=self.today
        )
        actions.send_opinion(self.s, self.who(department, head=True), a.id, today=self.today)

    def to_review(self, department: str) -> None:
        a = self.assignment(department)
        actions.sign_off(self.s, self.who(department, head=True), a.id, today=self.today)
        actions.submit_for_review(self.s, self.who(department), a.id, today=self.today)

    def reply(self, department: str, result_class: str = "B", co: str | None = None) -> None:
        self.sign(department)
        self.talk(department)
        if co:
            self.sign(co)
            self.opinion(co)
        self.draft(department, result_class)
        self.to_review(department)
        actions.accept_reply(self.s, self.office, self.assignment(department).id, today=self.today)


def _advance(d: _Driver, goal: str, plan, assigned_days_ago: int) -> None:
    s, office, today, item = d.s, d.office, d.today, d.item
    lead = plan[0][0]
    co = next((code for code, role in plan if role == "co"), None)
    if goal == "registered":
        return
    actions.assign(s, office, item.id, list(plan), today=today - timedelta(days=assigned_days_ago))
    if goal == "assigned":
        return
    if goal == "signed":
        d.sign(lead)
        d.talk(lead, "visit")
    elif goal == "drafting_with_opinion":
        d.sign(lead)
        d.talk(lead)
        d.draft(lead)
        assert co is not None, "this goal needs a co-handler in the plan"
        d.sign(co)
        d.opinion(co)
    elif goal == "signed_off":
        d.sign(lead)
        d.talk(lead, "phone")
        d.draft(lead)
        actions.sign_off(s, d.who(lead, head=True), d.assignment(lead).id, today=today)
    elif goal in ("under_review", "returned"):
        d.sign(lead)
        d.talk(lead)
        d.draft(lead, "A")
        d.to_review(lead)
        if goal == "returned":
            actions.return_reply(
                s, office, d.assignment(lead).id, reason="答复未逐条回应代表所提问题，请补充。", today=today
            )
    elif goal == "reassignment_requested":
        d.sign(lead)
        actions.request_reassignment(
            s,
            d.who(lead),
            d.assignment(lead).id,
            reason="该事项属市场监管职责，建议调整至市市场监管局。",
            suggested_department_code="scjgj",
            today=today,
        )
    elif goal == "reassigned":
        d.sign(lead)
        a = d.assignment(lead)
        city_management = department_code(d.ctx, "cgw", "cgzfj")  # 市城市管理委 / 市城管执法局
        actions.request_reassignment(
            s,
            d.who(lead),
            a.id,
            reason="背街小巷整治属城市管理职责。",
            suggested_department_code=city_management,
            today=today,
        )
        actions.approve_reassignment(
            s, office, a.id, new_department_code=city_management, reason="同意调整", today=today
        )
    elif goal in ("replied", "awaiting_feedback", "rehandling", "closed_changed"):
        d.reply(lead, "B", co)
        if goal == "awaiting_feedback":
            actions.request_feedback(s, office, item.id, today=today)
        elif goal == "rehandling":
            actions.request_feedback(s, office, item.id, today=today)
            actions.record_feedback(
                s,
                office,
                item.id,
                level="dissatisfied",
                given_by="submitter",
                result_level="dissatisfied",
                handling_level="basically_satisfied",
                comment="信号配时仍未调整，希望尽快解决。",
                today=today,
            )
            d.sign(lead)
        elif goal == "closed_changed":
            actions.record_feedback(
                s,
                office,
                item.id,
                level="satisfied",
                given_by="staff_on_behalf",
                comment="电话回访，代表表示满意。",
                today=today,
            )
            reply = s.scalars(select(Reply).where(Reply.item_id == item.id).limit(1)).one()
            actions.change_result_class(
                s,
                office,
                reply.id,
                result_class=result_code(d.ctx.profile, ItemKind(item.kind), "A"),
                reason="回头看：实训基地已建成投用。",
                today=today,
            )
    elif goal == "reference_closed":
        d.sign(lead)
        actions.acknowledge(s, d.who(lead), d.assignment(lead).id, today=today)
    elif goal == "merged":
        target = s.scalars(select(Item).where(Item.number == "9003", Item.session_id == item.session_id)).one()
        actions.merge(s, office, item.id, into_item_id=target.id, reason="与第9003号内容相同，并案办理。", today=today)
    elif goal == "withdrawn":
        actions.withdraw(s, office, item.id, reason="代表书面申请撤回。", today=today)
    elif goal == "split_half":
        d.reply("jtw", "A")
        d.sign("jw")


def seed(session: Session, ctx) -> None:
    for spec in ITEMS:
        congress: CongressSession = ctx.sessions[spec.body]
        number = spec.number if spec.body == "npc" else f"2026{spec.number}"
        if session.scalar(select(Item.id).where(Item.session_id == congress.id, Item.number == number)):
            continue  # already seeded
        item = register_item(
            session,
            Actor.system(),
            congress,
            number=number,
            title=spec.title,
            lead_submitter=spec.submitter,
            content=spec.content,
            co_signers=spec.co_signers,
            submitter_type="party_group" if spec.collective else "individual",
            key_supervision=spec.key,
            submitted_on=ctx.today - timedelta(days=60),
        )
        _advance(_Driver(session, ctx, item), spec.goal, spec.plan, spec.assigned_days_ago)
        session.flush()
