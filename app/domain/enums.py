"""Vocabulary of the trade as enumerations (values are stored in the database)."""

from __future__ import annotations

from enum import StrEnum


class ItemKind(StrEnum):
    NPC_SUGGESTION = "npc_suggestion"  # 人大代表建议
    CPPCC_PROPOSAL = "cppcc_proposal"  # 政协提案


class Body(StrEnum):
    NPC = "npc"
    CPPCC = "cppcc"


class Level(StrEnum):
    NATIONAL = "national"
    MUNICIPAL = "municipal"


BODY_OF_KIND = {ItemKind.NPC_SUGGESTION: Body.NPC, ItemKind.CPPCC_PROPOSAL: Body.CPPCC}


class Role(StrEnum):
    OFFICE_ADMIN = "office_admin"  # 建议提案处 administrator
    OFFICE_STAFF = "office_staff"  # 建议提案处 staff
    DEPT_HANDLER = "dept_handler"  # 承办单位 handler
    DEPT_LEADER = "dept_leader"  # 承办单位 head: signs replies off (签发)
    LEADER_READONLY = "leader_readonly"  # 市领导 / 办公厅领导: dashboards only
    DEPUTY = "deputy"  # 代表 / 委员 on the portal: only their own items (app/services/access.py)


OFFICE_ROLES = frozenset({Role.OFFICE_ADMIN, Role.OFFICE_STAFF})
DEPARTMENT_ROLES = frozenset({Role.DEPT_HANDLER, Role.DEPT_LEADER})


class DepartmentKind(StrEnum):
    MUNICIPAL = "municipal"  # 市政府部门
    DISTRICT = "district"  # 区政府
    ENTERPRISE = "enterprise"  # 国有企业
    OTHER = "other"


class SubmitterType(StrEnum):
    INDIVIDUAL = "individual"  # 代表 / 委员
    DELEGATION = "delegation"  # 代表团
    PARTY_GROUP = "party_group"  # 党派团体
    SPECIAL_COMMITTEE = "special_committee"  # 专委会
    SECTOR = "sector"  # 界别

    @property
    def is_collective(self) -> bool:
        return self is not SubmitterType.INDIVIDUAL


class AssignmentRole(StrEnum):
    LEAD = "lead"  # 主办
    CO = "co"  # 协办 / 会办
    SPLIT = "split"  # 分办
    REFERENCE = "reference"  # 参阅


class ItemState(StrEnum):
    REGISTERED = "registered"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    REPLIED = "replied"
    AWAITING_FEEDBACK = "awaiting_feedback"
    REHANDLING = "rehandling"
    CLOSED = "closed"
    MERGED = "merged"
    WITHDRAWN = "withdrawn"


class AssignmentState(StrEnum):
    PENDING_SIGNATURE = "pending_signature"
    SIGNED = "signed"
    REASSIGNMENT_REQUESTED = "reassignment_requested"
    DRAFTING = "drafting"
    OPINION_SENT = "opinion_sent"  # co-handlers end here
    SIGNED_OFF = "signed_off"  # unit head signed the reply draft
    UNDER_REVIEW = "under_review"  # office reviews the reply
    RETURNED = "returned"  # sent back for rework
    SENT = "sent"  # reply sent to the submitter
    REASSIGNED = "reassigned"  # ended: another department took over
    CANCELLED = "cancelled"  # ended with the item (merged, withdrawn)
    CLOSED = "closed"  # reference assignments and finished rounds


class KpiBucket(StrEnum):
    RESOLVED = "resolved"  # 解决 / 采纳
    IN_PROGRESS = "in_progress"  # 正在解决 / 列入计划
    REFERENCE = "reference"  # 留作参考


class Disclosure(StrEnum):
    FULL = "full"
    SUMMARY = "summary"
    NONE = "none"
