"""Chinese labels for the vocabulary the statistics print (exports are Chinese)."""

from __future__ import annotations

from app.domain.enums import AssignmentRole, ItemKind, ItemState, KpiBucket

KIND_ZH = {ItemKind.NPC_SUGGESTION: "人大代表建议", ItemKind.CPPCC_PROPOSAL: "政协提案"}
KIND_SHORT_ZH = {ItemKind.NPC_SUGGESTION: "建议", ItemKind.CPPCC_PROPOSAL: "提案"}
ALL_KINDS_ZH = "合计"

ROLE_ZH = {
    AssignmentRole.LEAD: "主办",
    AssignmentRole.CO: "协办",
    AssignmentRole.SPLIT: "分办",
    AssignmentRole.REFERENCE: "参阅",
}

STATE_ZH = {
    ItemState.REGISTERED: "已登记",
    ItemState.ASSIGNED: "已交办",
    ItemState.IN_PROGRESS: "办理中",
    ItemState.REPLIED: "已答复",
    ItemState.AWAITING_FEEDBACK: "待反馈",
    ItemState.REHANDLING: "重新办理中",
    ItemState.CLOSED: "已办结",
    ItemState.MERGED: "已并案",
    ItemState.WITHDRAWN: "已撤回",
}

BUCKET_ZH = {
    KpiBucket.RESOLVED: "解决采纳",
    KpiBucket.IN_PROGRESS: "正在解决/列入计划",
    KpiBucket.REFERENCE: "留作参考",
}

OBLIGATION_STATUS_ZH = {
    "on_time": "按期答复",
    "late": "超期答复",
    "overdue": "逾期未答复",
    "pending": "未到期",
}

UNSET_ZH = "未填写"
UNCATEGORISED_ZH = "未分类"
