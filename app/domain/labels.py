"""Enumeration values shown to users are translated with their value as msgid (e.g. "registered").

Listing them here with N_ puts them into the catalogs' extraction.
"""

from app.domain.text import N_

ENUM_MSGIDS = [
    # roles
    N_("office_admin"),
    N_("office_staff"),
    N_("dept_handler"),
    N_("dept_leader"),
    N_("leader_readonly"),
    # department kinds
    N_("municipal"),
    N_("district"),
    N_("enterprise"),
    N_("other"),
    # item kinds and bodies
    N_("npc_suggestion"),
    N_("cppcc_proposal"),
    N_("npc"),
    N_("cppcc"),
    # submitter types
    N_("individual"),
    N_("delegation"),
    N_("party_group"),
    N_("special_committee"),
    N_("sector"),
    # assignment roles
    N_("lead"),
    N_("co"),
    N_("split"),
    N_("reference"),
    # item states
    N_("registered"),
    N_("assigned"),
    N_("in_progress"),
    N_("replied"),
    N_("awaiting_feedback"),
    N_("rehandling"),
    N_("closed"),
    N_("merged"),
    N_("withdrawn"),
    # assignment states
    N_("pending_signature"),
    N_("signed"),
    N_("reassignment_requested"),
    N_("drafting"),
    N_("opinion_sent"),
    N_("signed_off"),
    N_("under_review"),
    N_("returned"),
    N_("sent"),
    N_("reassigned"),
    N_("cancelled"),
    # KPI buckets and disclosure
    N_("resolved"),
    N_("full"),
    N_("summary"),
    N_("none"),
]
