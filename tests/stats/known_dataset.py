"""A small year of items whose every figure is worked out by hand (see EXPECTED_* below).

Beijing profile, year 2026, cut-off 2026-12-31, [statistics] and [appraisal] as shipped.
"""

from __future__ import annotations

from datetime import date

from app.domain.enums import AssignmentRole as R
from app.domain.enums import AssignmentState as S
from app.domain.enums import Disclosure, ItemKind, ItemState, SubmitterType
from app.domain.statistics.facts import (
    AssignmentFact,
    CommunicationFact,
    ExtensionFact,
    FeedbackFact,
    FeedbackGiver,
    ItemFact,
    ReplyFact,
)

YEAR = 2026
AS_OF = date(2026, 12, 31)
NPC_SESSION = "市十六届人大四次会议"
CPPCC_SESSION = "市政协十四届四次会议"
NPC, CPPCC = ItemKind.NPC_SUGGESTION, ItemKind.CPPCC_PROPOSAL
D = date
SUBMITTER, OFFICE = FeedbackGiver.SUBMITTER, FeedbackGiver.OFFICE


def item(id, kind, number, title, **kw) -> ItemFact:
    defaults = {
        "session": NPC_SESSION if kind is NPC else CPPCC_SESSION,
        "year": YEAR,
        "category": None,
        "submitter_type": SubmitterType.INDIVIDUAL,
        "lead_submitter": "张伟",
        "delegation": None,
        "sector": None,
        "party": None,
        "during_session": True,
        "key_supervision": False,
        "state": ItemState.CLOSED,
        "round": 1,
    }
    defaults.update(kw)
    return ItemFact(id=id, kind=kind, number=number, title=title, **defaults)


def a(dept, role, assigned, due, state=S.SENT, rnd=1) -> AssignmentFact:
    return AssignmentFact(dept, role, rnd, assigned, due, state)


def reply(dept, sent, cls, disclosure=Disclosure.FULL, published=None, rnd=1) -> ReplyFact:
    return ReplyFact(dept, rnd, sent, cls, disclosure, published)


def build_items() -> list[ItemFact]:
    return [
        item(1, NPC, "0001", "关于修整安立路和慧忠路交叉路口过街天桥的建议",
             category="cxjs.jt", delegation="海淀代表团", key_supervision=True, lead_submitter="李娜",
             assignments=(a("jtw", R.LEAD, D(2026, 2, 1), D(2026, 5, 1)),
                          a("gaj", R.CO, D(2026, 2, 1), D(2026, 3, 1), S.OPINION_SENT)),
             replies=(reply("jtw", D(2026, 4, 20), "A", published=D(2026, 5, 10)),),
             communications=(CommunicationFact("jtw", 1, D(2026, 3, 10), "meeting"),),
             feedback=(FeedbackFact(1, "satisfied", SUBMITTER, D(2026, 5, 20)),)),
        item(2, NPC, "0002", "尽快解决翠花街变压器放置不合理问题",
             category="cxjs.zf", delegation="朝阳代表团", round=2, lead_submitter="王芳",
             assignments=(a("zjw", R.LEAD, D(2026, 2, 1), D(2026, 5, 1), S.CLOSED),
                          a("zjw", R.LEAD, D(2026, 6, 2), D(2026, 7, 2), S.SENT, rnd=2)),
             replies=(reply("zjw", D(2026, 5, 10), "C"),
                      reply("zjw", D(2026, 6, 30), "B", Disclosure.SUMMARY, D(2026, 7, 15), rnd=2)),
             communications=(CommunicationFact("zjw", 1, D(2026, 5, 12), "phone"),
                             CommunicationFact("zjw", 2, D(2026, 6, 20), "visit")),
             feedback=(FeedbackFact(1, "dissatisfied", OFFICE, D(2026, 6, 1)),
                       FeedbackFact(2, "basically_satisfied", SUBMITTER, D(2026, 7, 20)))),
        item(3, NPC, "0003", "关于发展职业教育，构建先进制造业人才高地的建议",
             category="shfz.jy", delegation="西城代表团", submitter_type=SubmitterType.DELEGATION,
             lead_submitter="西城代表团", during_session=False, state=ItemState.IN_PROGRESS,
             assignments=(a("jw", R.LEAD, D(2026, 3, 1), D(2026, 9, 1)),
                          a("hd", R.SPLIT, D(2026, 3, 1), D(2026, 6, 1), S.DRAFTING),
                          a("gzw", R.REFERENCE, D(2026, 3, 1), None, S.CLOSED)),
             replies=(reply("jw", D(2026, 8, 15), "A", Disclosure.NONE),),
             communications=(CommunicationFact("jw", 1, D(2026, 7, 1), "meeting"),),
             extensions=(ExtensionFact("jw", 1, D(2026, 5, 20), True, D(2026, 6, 1), D(2026, 9, 1)),
                         ExtensionFact("hd", 1, D(2026, 5, 25), False, D(2026, 6, 1), D(2026, 8, 1)))),
        item(4, CPPCC, "2026001", "关于老旧小区增设电梯无障碍入户模式的提案",
             category="czjj.cy", sector="经济界", party="民建", key_supervision=True,
             state=ItemState.AWAITING_FEEDBACK, lead_submitter="陈静",
             assignments=(a("fgw", R.LEAD, D(2026, 2, 15), D(2026, 5, 15)),
                          a("jxj", R.CO, D(2026, 2, 15), D(2026, 3, 15), S.OPINION_SENT)),
             replies=(reply("fgw", D(2026, 5, 15), "A", published=D(2026, 6, 1)),),
             communications=(CommunicationFact("fgw", 1, D(2026, 5, 15), "phone"),)),
        item(5, CPPCC, "2026002", "关于完善社区矫正工作机制的提案",
             category="fzjs", party="民盟", submitter_type=SubmitterType.PARTY_GROUP,
             lead_submitter="民盟北京市委",
             assignments=(a("sfj", R.LEAD, D(2026, 2, 15), D(2026, 5, 15), S.REASSIGNED),
                          a("gaj", R.LEAD, D(2026, 2, 20), D(2026, 5, 20))),
             replies=(reply("gaj", D(2026, 4, 1), "D", published=D(2026, 4, 20)),),
             communications=(CommunicationFact("gaj", 1, D(2026, 3, 20), "meeting"),),
             feedback=(FeedbackFact(1, "satisfied", SUBMITTER, D(2026, 4, 25)),)),
        item(6, CPPCC, "2026003", "关于加强基层医疗卫生人才队伍建设的提案",
             category="shfz.yl", sector="医药卫生界", during_session=False, state=ItemState.ASSIGNED,
             assignments=(a("wjw", R.LEAD, D(2026, 11, 1), D(2027, 2, 1), S.SIGNED),)),
        item(7, NPC, "0004", "关于增设公交线路的建议", category="cxjs.jt", state=ItemState.WITHDRAWN,
             assignments=(a("jtw", R.LEAD, D(2026, 2, 1), D(2026, 5, 1), S.CANCELLED),)),
        item(8, NPC, "0005", "关于上一年度的建议", year=2025, session="市十六届人大三次会议",
             assignments=(a("jtw", R.LEAD, D(2025, 2, 1), D(2025, 5, 1)),),
             replies=(reply("jtw", D(2025, 9, 1), "A"),)),
        item(9, NPC, "0006", "关于安立路过街天桥加装电梯的建议", category="cxjs.jt", delegation="海淀代表团",
             state=ItemState.MERGED,
             assignments=(a("jtw", R.LEAD, D(2026, 2, 1), D(2026, 5, 1), S.CANCELLED),)),
        item(10, NPC, "0007", "关于石景山区八宝山街道远洋山水小区停车难问题的建议",
             assignments=(a("gzw", R.REFERENCE, D(2026, 3, 1), None, S.CLOSED),)),
    ]  # fmt: skip


# ---- worked out by hand from the records above (kind None = both kinds)
EXPECTED_SUMMARY = {
    "received": 8, "received_during_session": 6, "received_between_sessions": 2,
    "received_collective": 2, "received_individual": 6, "key_supervision": 2,
    "assigned_items": 7, "closed_items": 4,
    "reply_obligations": 7, "replied_on_time": 5, "replied_late": 1, "overdue_unreplied": 1,
    "on_time_rate": (5, 7), "replied": 6, "communicated": 5, "communication_rate": (5, 6),
    "final_replies": 5, "resolved_replies": 3, "resolved_rate": (3, 5),
    "first_feedback": 3, "first_satisfied": 2, "first_satisfaction_rate": (2, 3),
    "final_feedback": 3, "final_satisfied": 3, "final_satisfaction_rate": (3, 3),
    "feedback_by_office": 1, "rehandled_items": 1, "extensions_approved": 1, "extended_items": 1,
    "published_replies": 4, "publishable_replies": 4, "publication_rate": (4, 4),
}  # fmt: skip

EXPECTED_NPC = {
    "received": 5, "reply_obligations": 5, "replied_on_time": 3, "on_time_rate": (3, 5),
    "final_replies": 3, "resolved_rate": (2, 3), "first_satisfaction_rate": (1, 2),
    "final_satisfaction_rate": (2, 2), "publication_rate": (2, 2), "received_collective": 1,
}  # fmt: skip

EXPECTED_CPPCC = {
    "received": 3, "reply_obligations": 2, "on_time_rate": (2, 2), "communication_rate": (2, 2),
    "resolved_rate": (1, 2), "first_satisfaction_rate": (1, 1), "key_supervision": 1, "closed_items": 1,
}  # fmt: skip

# department code -> selected figures
EXPECTED_DEPARTMENTS = {
    "jtw": {"lead_items": 1, "total_items": 1, "on_time_rate": (1, 1), "communication_rate": (1, 1),
            "resolved_rate": (1, 1), "final_satisfaction_rate": (1, 1), "publication_rate": (1, 1),
            "key_supervision": 1},
    "gaj": {"lead_items": 1, "co_items": 1, "total_items": 2, "on_time_rate": (1, 1), "resolved_rate": (0, 1),
            "first_satisfaction_rate": (1, 1), "key_supervision": 1},
    "zjw": {"lead_items": 1, "total_items": 1, "reply_obligations": 2, "replied_late": 1,
            "on_time_rate": (1, 2), "communication_rate": (1, 2), "resolved_rate": (0, 1),
            "first_satisfaction_rate": (0, 1), "final_satisfaction_rate": (1, 1), "rehandled_items": 1},
    "jw": {"lead_items": 1, "on_time_rate": (1, 1), "extensions_approved": 1, "publication_rate": (0, 0),
           "final_satisfaction_rate": (0, 0)},
    "hd": {"split_items": 1, "total_items": 1, "overdue_unreplied": 1, "on_time_rate": (0, 1),
           "communication_rate": (0, 0)},
    "gzw": {"reference_items": 2, "total_items": 0, "reply_obligations": 0},
    "fgw": {"lead_items": 1, "on_time_rate": (1, 1), "publication_rate": (1, 1), "key_supervision": 1},
    "jxj": {"co_items": 1, "total_items": 1, "key_supervision": 1, "reply_obligations": 0},
    "wjw": {"lead_items": 1, "reply_obligations": 0},
}  # fmt: skip

# (department, rank, score) in ranked order, then the unranked departments in profile order
EXPECTED_RANKING = [
    ("fgw", 1, 100.0), ("jw", 1, 100.0), ("jtw", 1, 100.0), ("gaj", 4, 85.0), ("zjw", 5, 62.0),
    ("hd", 6, 0.0), ("jxj", None, None), ("wjw", None, None), ("gzw", None, None),
]  # fmt: skip

EXPECTED_RESULT_CLASSES = {
    (NPC, "A"): 2, (NPC, "B"): 1, (NPC, "C"): 0, (NPC, "D"): 0,
    (CPPCC, "A"): 1, (CPPCC, "B"): 0, (CPPCC, "C"): 0, (CPPCC, "D"): 1,
}  # fmt: skip
