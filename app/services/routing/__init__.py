"""Routing use-cases: rule-set versions, proposals (route, explain, diff), office review and assignment."""

from app.domain.text import N_
from app.services.routing.proposals import (
    DiffReport,
    RouteReport,
    current_record,
    current_records,
    diff_rules,
    explain_title,
    reroute_item,
    routable_item,
    route_session,
)
from app.services.routing.review import (
    BulkResult,
    accept,
    assign,
    assign_many,
    override,
    plan_assignments,
    set_key_supervision,
    set_reply_deadline,
)
from app.services.routing.rulesets import (
    active_version,
    ensure_active,
    load_rule_set,
    read_rules,
    router_for,
    versions,
)

#: Labels of routing record statuses (English msgids, translated where shown).
STATUS_LABELS = {
    "proposed": N_("proposed"),
    "manual": N_("needs manual routing"),
    "accepted": N_("accepted"),
    "overridden": N_("overridden"),
    "assigned": N_("assigned"),
    "superseded": N_("superseded"),
}
MODE_LABELS = {"lead": N_("lead"), "split": N_("split"), "reference": N_("reference")}

__all__ = [
    "BulkResult",
    "DiffReport",
    "MODE_LABELS",
    "RouteReport",
    "STATUS_LABELS",
    "accept",
    "active_version",
    "assign",
    "assign_many",
    "current_record",
    "current_records",
    "diff_rules",
    "ensure_active",
    "explain_title",
    "load_rule_set",
    "override",
    "plan_assignments",
    "read_rules",
    "reroute_item",
    "route_session",
    "routable_item",
    "router_for",
    "set_key_supervision",
    "set_reply_deadline",
    "versions",
]
