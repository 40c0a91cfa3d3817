"""Every indicator, defined once: code, Chinese and English name, exact formula.

The workbook's definitions sheet and the statistics page print these texts; the computation in
compute.py implements them. Formulas mention the profile settings in force through the
placeholders filled in by `formula_zh` / `formula_en`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.domain.profile import Profile
from app.domain.statistics.settings import StatisticsSettings

Unit = Literal["count", "rate", "score"]


@dataclass(frozen=True)
class Indicator:
    code: str
    zh: str
    en: str
    unit: Unit
    formula_zh_template: str
    formula_en_template: str

    def formula_zh(self, profile: Profile, settings: StatisticsSettings) -> str:
        return self.formula_zh_template.format(**_placeholders(profile, settings, "zh"))

    def formula_en(self, profile: Profile, settings: StatisticsSettings) -> str:
        return self.formula_en_template.format(**_placeholders(profile, settings, "en"))


def _placeholders(profile: Profile, settings: StatisticsSettings, language: str) -> dict[str, str]:
    levels = [
        lv.label if language == "zh" else lv.code for lv in profile.satisfaction if lv.code in settings.satisfied_levels
    ]
    if language == "zh":
        deadline = "经批准延期后的期限" if settings.on_time_deadline == "extended" else "交办时确定的原期限（延期不计）"
        publication = (
            "答复数（经审定不予公开的答复除外）" if settings.publication_denominator == "disclosable" else "全部答复数"
        )
        reference = "，含参阅件" if settings.total_includes_reference else "，不含参阅件"
        joiner = "+"
    else:
        deadline = (
            "the deadline after approved extensions"
            if settings.on_time_deadline == "extended"
            else "the deadline set at assignment (extensions ignored)"
        )
        publication = (
            "sent replies except those decided not to be published"
            if settings.publication_denominator == "disclosable"
            else "all sent replies"
        )
        reference = " plus reference" if settings.total_includes_reference else " (reference items not included)"
        joiner = " + "
    return {
        "deadline": deadline,
        "satisfied": joiner.join(levels),
        "buckets": ", ".join(sorted(b.value for b in settings.resolved_buckets)),
        "publication": publication,
        "reference": reference,
    }


_OBLIGATION_ZH = "应答复件次：每个有效的主办或分办交办（每一轮各计一次；参阅、协办及已调整、已撤销的交办不计）"
_OBLIGATION_EN = (
    "reply obligations: each effective lead or split assignment, once per round "
    "(reference, co-handling, reassigned and cancelled assignments are left out)"
)
_FINAL_REPLY_ZH = "最终答复：每件每个主办/分办单位最后一轮已发出的答复"
_FINAL_REPLY_EN = "final replies: for each item and lead/split department, the sent reply of its latest round"

INDICATORS: tuple[Indicator, ...] = (
    # ---- received
    Indicator(
        "received",
        "收到件数",
        "Items received",
        "count",
        "届次年度内登记的件数（已撤回的除外；并案件各计一件）",
        "items registered for sessions of the year, withdrawn items excepted (merged items count one each)",
    ),
    Indicator(
        "received_during_session",
        "会上提出",
        "Submitted during the session",
        "count",
        "收到件数中标记为会上提出的件数",
        "received items marked as submitted during the session",
    ),
    Indicator(
        "received_between_sessions",
        "闭会期间提出",
        "Submitted between sessions",
        "count",
        "收到件数中标记为闭会期间（平时）提出的件数",
        "received items submitted between sessions",
    ),
    Indicator(
        "received_collective",
        "集体提出",
        "Collective submissions",
        "count",
        "由代表团、党派团体、专委会或界别提出的件数",
        "received items submitted by a delegation, party or group, special committee or sector",
    ),
    Indicator(
        "received_individual",
        "个人提出",
        "Individual submissions",
        "count",
        "由代表、委员个人（领衔）提出的件数",
        "received items submitted by an individual deputy or member",
    ),
    Indicator(
        "key_supervision",
        "重点督办件数",
        "Key-supervision items",
        "count",
        "收到件数中列为重点督办的件数",
        "received items under key supervision",
    ),
    Indicator(
        "assigned_items",
        "已交办件数",
        "Items assigned",
        "count",
        "至少有一个有效交办的件数",
        "received items with at least one effective assignment",
    ),
    Indicator(
        "closed_items", "已办结件数", "Items closed", "count", "状态为办结的件数", "received items in state closed"
    ),
    # ---- per department
    Indicator(
        "lead_items",
        "主办件数",
        "Items as lead",
        "count",
        "该单位作为主办单位有有效交办的件数（各轮合并，每件计一次）",
        "distinct items where the department has an effective lead assignment (any round)",
    ),
    Indicator(
        "co_items",
        "协办（会办）件数",
        "Items as co-handler",
        "count",
        "该单位作为协办（会办）单位有有效交办的件数",
        "distinct items with an effective co-handling assignment",
    ),
    Indicator(
        "split_items",
        "分办件数",
        "Items as split handler",
        "count",
        "该单位作为分办单位有有效交办的件数",
        "distinct items with an effective split assignment",
    ),
    Indicator(
        "reference_items",
        "参阅件数",
        "Items for reference",
        "count",
        "该单位作为参阅单位收到的件数",
        "distinct items sent to the department for reference",
    ),
    Indicator(
        "total_items",
        "主会办件合计",
        "Items handled in total",
        "count",
        "该单位主办、协办或分办的件数，每件计一次{reference}",
        "distinct items the department handles as lead, co-handler or split handler{reference}",
    ),
    # ---- timeliness
    Indicator(
        "reply_obligations",
        "应答复件次",
        "Reply obligations",
        "count",
        _OBLIGATION_ZH + "中已答复或已超过答复期限的件次",
        _OBLIGATION_EN + ", counted when replied or past the deadline",
    ),
    Indicator(
        "replied_on_time",
        "按期答复件次",
        "Replied on time",
        "count",
        "应答复件次中答复发出日期不晚于{deadline}的件次",
        "obligations whose reply was sent on or before {deadline}",
    ),
    Indicator(
        "replied_late",
        "超期答复件次",
        "Replied late",
        "count",
        "应答复件次中答复发出日期晚于{deadline}的件次",
        "obligations whose reply was sent after {deadline}",
    ),
    Indicator(
        "overdue_unreplied",
        "逾期未答复件次",
        "Overdue without reply",
        "count",
        "统计截止日已过{deadline}但尚未发出答复的件次",
        "obligations still without a sent reply after {deadline}, as of the cut-off date",
    ),
    Indicator(
        "on_time_rate",
        "按期办复率",
        "On-time reply rate",
        "rate",
        "按期答复件次 ÷ 应答复件次（参阅件不计）",
        "replied on time ÷ reply obligations (reference items excluded)",
    ),
    Indicator(
        "replied",
        "已答复件次",
        "Replies sent",
        "count",
        "已发出答复的应答复件次",
        "reply obligations with a sent reply",
    ),
    Indicator(
        "communicated",
        "答复前已沟通件次",
        "Communicated before replying",
        "count",
        "已答复件次中，同一单位在同一轮于答复发出之日或之前至少有一次沟通记录的件次",
        "replies preceded (same department, same round, on or before the sending day) by a communication record",
    ),
    Indicator(
        "communication_rate",
        "沟通率",
        "Communication rate",
        "rate",
        "答复前已沟通件次 ÷ 已答复件次",
        "communicated before replying ÷ replies sent",
    ),
    # ---- results
    Indicator(
        "final_replies",
        "最终答复数",
        "Final replies",
        "count",
        _FINAL_REPLY_ZH + "中已确定办理结果类别的答复数",
        _FINAL_REPLY_EN + ", with a result class",
    ),
    Indicator(
        "resolved_replies",
        "解决采纳答复数",
        "Resolved or adopted replies",
        "count",
        "最终答复中办理结果类别属于KPI分组（{buckets}）的答复数",
        "final replies whose result class falls in the KPI bucket(s) {buckets}",
    ),
    Indicator(
        "resolved_rate",
        "解决采纳率",
        "Resolved-or-adopted rate",
        "rate",
        "解决采纳答复数 ÷ 最终答复数（按件别各自的办理结果方案归入KPI分组）",
        "resolved or adopted replies ÷ final replies (each kind's result scheme mapped to KPI buckets)",
    ),
    # ---- satisfaction
    Indicator(
        "first_feedback",
        "首轮测评数",
        "First-round ratings",
        "count",
        "第一轮征询意见的测评记录数（每件每个被测评单位一条，取该轮最后一次）",
        "round-1 feedback records (one per item and rated reply, the latest of the round)",
    ),
    Indicator(
        "first_satisfied",
        "首轮满意数",
        "First-round satisfied",
        "count",
        "首轮测评中结果为{satisfied}的记录数",
        "first-round ratings that are {satisfied}",
    ),
    Indicator(
        "first_satisfaction_rate",
        "首轮满意率",
        "First-round satisfaction rate",
        "rate",
        "首轮满意数 ÷ 首轮测评数",
        "first-round satisfied ÷ first-round ratings",
    ),
    Indicator(
        "final_feedback",
        "最终测评数",
        "Final ratings",
        "count",
        "每件每个被测评单位最后一轮的测评记录数",
        "for each item and rated reply, the rating of its latest round",
    ),
    Indicator(
        "final_satisfied",
        "最终满意数",
        "Final satisfied",
        "count",
        "最终测评中结果为{satisfied}的记录数",
        "final ratings that are {satisfied}",
    ),
    Indicator(
        "final_satisfaction_rate",
        "最终满意率",
        "Final satisfaction rate",
        "rate",
        "最终满意数 ÷ 最终测评数",
        "final satisfied ÷ final ratings",
    ),
    Indicator(
        "feedback_by_office",
        "代为反馈测评数",
        "Ratings recorded by the office",
        "count",
        "由办公室工作人员代提出人录入的测评记录数（全部轮次）",
        "feedback records entered by office staff on the submitter's behalf (all rounds)",
    ),
    # ---- re-handling, extensions, publication
    Indicator(
        "rehandled_items",
        "重新办理件数",
        "Re-handled items",
        "count",
        "进入第二轮及以后办理的件数",
        "items that reached round 2 or later",
    ),
    Indicator(
        "extensions_approved",
        "批准延期次数",
        "Extensions approved",
        "count",
        "经批准的延期申请数",
        "approved extension requests",
    ),
    Indicator(
        "extended_items",
        "延期件数",
        "Items extended",
        "count",
        "至少有一次经批准延期的件数",
        "items with at least one approved extension",
    ),
    Indicator(
        "published_replies",
        "已上网公开答复数",
        "Replies published",
        "count",
        "最终答复中已在网上公开（全文或摘要）的答复数",
        "final replies published online (in full or as a summary)",
    ),
    Indicator(
        "publishable_replies",
        "应公开答复数",
        "Replies to publish",
        "count",
        "最终答复中的{publication}",
        "final replies: {publication}",
    ),
    Indicator(
        "publication_rate",
        "上网率",
        "Publication rate",
        "rate",
        "已上网公开答复数 ÷ 应公开答复数",
        "replies published ÷ replies to publish",
    ),
    # ---- appraisal
    Indicator(
        "appraisal_score",
        "考核得分",
        "Appraisal score",
        "score",
        "Σ 权重 × 指标率（无分母的指标按考核设置处理）− 每件超期或逾期扣分；最低0分",
        "Σ weight × rate (components without a denominator as the appraisal settings say) "
        "− points per late or overdue reply; never below 0",
    ),
)

BY_CODE = {indicator.code: indicator for indicator in INDICATORS}

SUMMARY_CODES: tuple[str, ...] = (
    "received", "received_during_session", "received_between_sessions", "received_collective",
    "received_individual", "key_supervision", "assigned_items", "closed_items",
    "reply_obligations", "replied_on_time", "replied_late", "overdue_unreplied", "on_time_rate",
    "replied", "communicated", "communication_rate",
    "final_replies", "resolved_replies", "resolved_rate",
    "first_feedback", "first_satisfied", "first_satisfaction_rate",
    "final_feedback", "final_satisfied", "final_satisfaction_rate", "feedback_by_office",
    "rehandled_items", "extensions_approved", "extended_items",
    "published_replies", "publishable_replies", "publication_rate",
)  # fmt: skip

DEPARTMENT_CODES: tuple[str, ...] = (
    "lead_items", "co_items", "split_items", "reference_items", "total_items",
    "reply_obligations", "replied_on_time", "replied_late", "overdue_unreplied", "on_time_rate",
    "replied", "communicated", "communication_rate",
    "final_replies", "resolved_replies", "resolved_rate",
    "first_feedback", "first_satisfied", "first_satisfaction_rate",
    "final_feedback", "final_satisfied", "final_satisfaction_rate",
    "rehandled_items", "extensions_approved", "key_supervision",
    "published_replies", "publishable_replies", "publication_rate",
)  # fmt: skip


def indicator(code: str) -> Indicator:
    return BY_CODE[code]
