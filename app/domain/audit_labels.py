"""What every audit action is called on pages (timelines, histories), as English msgids.

The audit log keeps codes (routing_propose, deadline_set, archive_import, ...); pages never show
them. Transitions bring their own button labels; the other actions are named here.
"""

from __future__ import annotations

from app.domain.lifecycle import ARCHIVE_IMPORT, TRANSITIONS
from app.domain.text import N_

OTHER_ACTIONS: dict[str, str] = {
    "create": N_("Created"),
    ARCHIVE_IMPORT: N_("Taken over from the previous system"),
    "import_update": N_("Updated by an import"),
    "routing_propose": N_("Routing proposed"),
    "routing_accept": N_("Routing proposal accepted"),
    "routing_override": N_("Routing overridden"),
    "routing_deadline": N_("Reply deadline set by the office"),
    "routing_key": N_("Key supervision changed"),
    "route": N_("Items routed"),
    "deadline_set": N_("Deadline set"),
    "deadlines_recomputed": N_("Deadlines recomputed"),
    "record_publication": N_("Reply publication recorded"),
    "supervision_run": N_("Supervision run"),
    "commit": N_("Import committed"),
    "add": N_("Added"),
    "update": N_("Changed"),
    "activate": N_("Activated"),
    "deactivate": N_("Deactivated"),
    "set_password": N_("Password set"),
    "issue_token": N_("API token issued"),
    "revoke_tokens": N_("API tokens revoked"),
    "calendar_year_loaded": N_("Calendar year loaded"),
    "calendar_year_removed": N_("Calendar year removed"),
}

AUDIT_LABELS: dict[str, str] = {**{t.action: t.label for t in TRANSITIONS}, **OTHER_ACTIONS}

# Entries the system writes as a consequence of something else; several in a row are shown as one.
SYSTEM_ACTIONS: frozenset[str] = frozenset(
    {"create", "deadline_set", "deadlines_recomputed", ARCHIVE_IMPORT, "routing_propose", "import_update"}
    | {t.action for t in TRANSITIONS if t.system}
)


def audit_label(action: str) -> str:
    """The msgid naming an audit action; an unknown code is never shown raw."""
    return AUDIT_LABELS.get(action, N_("Other change"))
