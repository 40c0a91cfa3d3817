"""Demo: last year's finished handling (市十六届人大三次会议, 市政协十四届三次会议), so that the
statistics page and workbook show a full year with rounds, extensions, ratings and publication."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import CongressSession
from app.demo.stats_writer import seed_facts
from app.demo.workflow import result_code
from app.domain.enums import AssignmentRole, AssignmentState, Disclosure, ItemKind, ItemState, SubmitterType
from app.domain.profile import Profile
from app.domain.statistics.facts import (
    AssignmentFact,
    CommunicationFact,
    ExtensionFact,
    FeedbackFact,
    FeedbackGiver,
    ItemFact,
    ReplyFact,
)
from app.services.actor import Actor
from app.services.sessions import add_session

ORDER = 90
NPC_SESSION, CPPCC_SESSION = "市十六届人大三次会议", "市政协十四届三次会议"
FIRST_ITEM_ID = 900_001  # far above the ids of the current year's demo items

# (title, category code, lead department, co-handlers)
Topic = tuple[str, str, str, list[str]]
TOPICS: list[Topic] = [
    ("关于修整安立路和慧忠路交叉路口过街天桥的建议", "cxjs.jt", "jtw", ["cy"]),
    ("关于优化地铁换乘通道早高峰客流组织的建议", "cxjs.jt", "dt", ["jtw"]),
    ("关于逐步取消机动车限行、促进京津冀交通一体化的建议", "cxjs.jt", "jtw", ["fgw", "gaj"]),
    ("关于老旧小区增设电梯无障碍入户模式的提案", "cxjs.zf", "zjw", ["ghzrzyw"]),
    ("关于解决远洋山水小区停车难问题的建议", "cxjs.zf", "sjs", ["jtw"]),
    ("尽快解决翠花街变压器放置不合理问题", "cxjs.sw", "dl", ["xc"]),
    ("关于加快推进垃圾分类和减量的提案", "cxjs.hj", "cgw", ["sthjj"]),
    ("关于加强永定河生态补水的建议", "cxjs.hj", "swj", ["sthjj", "mtg"]),
    ("关于发展职业教育、构建先进制造业人才高地的建议", "shfz.jy", "jw", ["rsj"]),
    ("关于扩大中小学课后服务覆盖面的提案", "shfz.jy", "jw", ["czj"]),
    ("关于加强基层医疗卫生人才队伍建设的提案", "shfz.yl", "wjw", ["rsj"]),
    ("关于完善社区居家养老服务体系的建议", "shfz.yl2", "mzj", ["wjw", "ybj"]),
    ("关于推进长期护理保险试点的提案", "shfz.yl2", "ybj", ["mzj"]),
    ("关于加强非物质文化遗产保护传承的提案", "shfz.wh", "whlyj", ["wwj"]),
    ("关于支持专精特新中小企业发展的建议", "czjj.cy", "jxj", ["kw"]),
    ("关于优化营商环境、推进一网通办的提案", "czjj.sm", "zwj", ["scjgj"]),
    ("关于促进都市型现代农业发展的建议", "czjj.ny", "nyncj", ["sy"]),
    ("关于完善社区矫正工作机制的提案", "fzjs", "sfj", ["gaj"]),
    ("关于规范基层执法、推进综合执法改革的建议", "xzgl", "cgzfj", ["sfj"]),
]
DELEGATIONS = ["东城代表团", "西城代表团", "朝阳代表团", "海淀代表团", "丰台代表团", "石景山代表团", "通州代表团"]
SECTORS = ["经济界", "教育界", "医药卫生界", "科学技术界", "农业界", "社会福利和社会保障界", "文化艺术界"]
PARTIES = ["民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社"]
NAMES = ["李娜", "王芳", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴霞", "徐峰", "孙丽", "马超", "朱琳"]


def sample_topics(profile_name: str, kind: ItemKind, count: int = len(TOPICS)) -> list[Topic]:
    """Topics of another profile: items of its own sample batch, one per lead department."""
    from app.demo.importing import SAMPLES, sample_file

    path = (SAMPLES / sample_file(profile_name, kind)).with_suffix(".expected.json")
    topics: dict[str, Topic] = {}
    for item in json.loads(path.read_text(encoding="utf-8"))["items"]:
        if item["lead"] not in topics:
            topics[item["lead"]] = (item["title"], item["category"], item["lead"], item["co"])
    return list(topics.values())[:count]


def last_year_facts(
    year: int, npc_count: int = 140, cppcc_count: int = 170, profile: Profile | None = None
) -> list[ItemFact]:
    """A finished year: most replies on time, some late, a few re-handled, extended or key-supervised.

    On the Beijing profile (the default) the topics are TOPICS; another profile takes its own from
    its sample batches, and its own result classes of the same KPI bucket as A/B/C/D."""
    rng = random.Random(year)
    facts = []
    beijing = profile is None or profile.name == "beijing"
    topics = {
        kind: TOPICS if beijing or profile is None else sample_topics(profile.name, kind)
        for kind in (ItemKind.NPC_SUGGESTION, ItemKind.CPPCC_PROPOSAL)
    }

    def code(kind: ItemKind, letter: str) -> str:
        return letter if beijing or profile is None else result_code(profile, kind, letter)

    for index in range(npc_count + cppcc_count):
        kind = ItemKind.NPC_SUGGESTION if index < npc_count else ItemKind.CPPCC_PROPOSAL
        sequence = index + 1 if kind is ItemKind.NPC_SUGGESTION else index - npc_count + 1
        title, category, lead, co = topics[kind][index % len(topics[kind])]
        classes = ["A"] * 5 + ["B"] * 4 + ["C"] * 2 + ["D"]
        assigned = date(year, 2, 20) + timedelta(
            days=rng.randint(0, 20) if rng.random() < 0.8 else rng.randint(60, 200)
        )
        due = assigned + timedelta(days=91)
        rounds = 2 if rng.random() < 0.06 else 1
        assignments, replies, communications, feedback, extensions = [], [], [], [], []
        extended = rng.random() < 0.07
        if extended:
            extensions.append(ExtensionFact(lead, 1, due - timedelta(days=12), True, due, due + timedelta(days=60)))
        deadline = due + timedelta(days=60) if extended else due
        sent = (
            deadline - timedelta(days=rng.randint(2, 40))
            if rng.random() < 0.9
            else deadline + timedelta(days=rng.randint(3, 25))
        )
        assignments.append(AssignmentFact(lead, AssignmentRole.LEAD, 1, assigned, deadline, AssignmentState.SENT))
        for dept in co[: rng.randint(0, len(co))]:
            assignments.append(
                AssignmentFact(
                    dept, AssignmentRole.CO, 1, assigned, assigned + timedelta(days=30), AssignmentState.OPINION_SENT
                )
            )
        if rng.random() < 0.05:
            assignments.append(
                AssignmentFact("gzw", AssignmentRole.REFERENCE, 1, assigned, None, AssignmentState.CLOSED)
            )
        disclosure = Disclosure.NONE if rng.random() < 0.06 else Disclosure.FULL
        published = (
            sent + timedelta(days=rng.randint(5, 25))
            if disclosure is not Disclosure.NONE and rng.random() < 0.92
            else None
        )
        replies.append(
            ReplyFact(lead, 1, sent, code(kind, "C" if rounds == 2 else rng.choice(classes)), disclosure, published)
        )
        if rng.random() < 0.95:
            communications.append(
                CommunicationFact(
                    lead, 1, sent - timedelta(days=rng.randint(5, 30)), rng.choice(["meeting", "phone", "meeting"])
                )
            )
        giver = FeedbackGiver.OFFICE if rng.random() < 0.25 else FeedbackGiver.SUBMITTER
        if rounds == 2:
            feedback.append(FeedbackFact(1, "dissatisfied", giver, sent + timedelta(days=15)))
            start = sent + timedelta(days=16)
            second = start + timedelta(days=rng.randint(15, 28))
            assignments[0] = AssignmentFact(lead, AssignmentRole.LEAD, 1, assigned, deadline, AssignmentState.CLOSED)
            assignments.append(
                AssignmentFact(lead, AssignmentRole.LEAD, 2, start, start + timedelta(days=30), AssignmentState.SENT)
            )
            communications.append(CommunicationFact(lead, 2, second - timedelta(days=5), "visit"))
            replies.append(ReplyFact(lead, 2, second, code(kind, "B"), Disclosure.FULL, second + timedelta(days=10)))
            final_level = rng.choices(["satisfied", "basically_satisfied", "dissatisfied"], [40, 45, 15])[0]
            feedback.append(FeedbackFact(2, final_level, FeedbackGiver.SUBMITTER, second + timedelta(days=12)))
        else:
            level = rng.choices(["satisfied", "basically_satisfied", "dissatisfied"], [70, 27, 3])[0]
            if level == "dissatisfied":
                level = "basically_satisfied"  # a dissatisfied rating would have opened round 2
            feedback.append(FeedbackFact(1, level, giver, sent + timedelta(days=rng.randint(5, 20))))
        collective = rng.random() < 0.12
        facts.append(
            ItemFact(
                id=FIRST_ITEM_ID + index,
                kind=kind,
                session=NPC_SESSION if kind is ItemKind.NPC_SUGGESTION else CPPCC_SESSION,
                year=year,
                number=f"{sequence:04d}" if kind is ItemKind.NPC_SUGGESTION else f"{year}{sequence:03d}",
                title=title,
                category=category,
                submitter_type=(
                    SubmitterType.DELEGATION if kind is ItemKind.NPC_SUGGESTION else SubmitterType.PARTY_GROUP
                )
                if collective
                else SubmitterType.INDIVIDUAL,
                lead_submitter=rng.choice(NAMES),
                delegation=rng.choice(DELEGATIONS) if kind is ItemKind.NPC_SUGGESTION else None,
                sector=rng.choice(SECTORS) if kind is ItemKind.CPPCC_PROPOSAL else None,
                party=rng.choice(PARTIES) if kind is ItemKind.CPPCC_PROPOSAL and rng.random() < 0.6 else None,
                during_session=rng.random() < 0.85,
                key_supervision=rng.random() < 0.04,
                state=ItemState.CLOSED,
                round=rounds,
                assignments=tuple(assignments),
                replies=tuple(replies),
                communications=tuple(communications),
                feedback=tuple(feedback),
                extensions=tuple(extensions),
            )
        )
    return facts


def seed(session: Session, ctx) -> None:
    year = ctx.today.year - 1
    if session.scalar(select(CongressSession.id).where(CongressSession.label == NPC_SESSION)) is not None:
        return  # seeded on an earlier run
    add_session(session, Actor.system(), label=NPC_SESSION, body="npc", year=year, number_width=4)
    add_session(session, Actor.system(), label=CPPCC_SESSION, body="cppcc", year=year)
    seed_facts(session, last_year_facts(year, profile=ctx.profile))
