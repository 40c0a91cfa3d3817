"""Portal rules (pure): the profile's [portal] section and the progress of an item in plain words."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.enums import ItemState
from app.domain.profile import Profile, ProfileError
from app.domain.text import N_

DIMENSIONS = ("handling", "result")  # besides the overall level: 办理态度 / 办理结果


@dataclass(frozen=True)
class PortalSettings:
    co_signers_may_rate: bool = False  # co-signers only read, unless the profile lets them rate
    dimensions: tuple[str, ...] = DIMENSIONS  # extra rating dimensions asked online ([] = overall only)
    activation_days: int = 60  # how long a printed activation code stays valid


def portal_settings(profile: Profile) -> PortalSettings:
    raw = profile.extra.get("portal") or {}
    if not isinstance(raw, dict):
        raise ProfileError("profile.toml", "[portal]", "must be a table")
    unknown = set(raw) - {"co_signers_may_rate", "dimensions", "activation_days"}
    if unknown:
        raise ProfileError("profile.toml", "[portal]", f"unknown key(s) {', '.join(sorted(unknown))}")
    dims = tuple(raw.get("dimensions", DIMENSIONS))
    bad = [d for d in dims if d not in DIMENSIONS]
    if bad:
        raise ProfileError("profile.toml", "[portal] dimensions", f"unknown dimension(s) {', '.join(bad)}")
    co = raw.get("co_signers_may_rate", False)
    days = raw.get("activation_days", 60)
    if not isinstance(co, bool):
        raise ProfileError("profile.toml", "[portal] co_signers_may_rate", "must be true or false")
    if not isinstance(days, int) or days < 1:
        raise ProfileError("profile.toml", "[portal] activation_days", "must be a positive whole number")
    return PortalSettings(co_signers_may_rate=co, dimensions=dims, activation_days=days)


# item state -> what the deputy reads (English msgid; translated by the page)
PROGRESS = {
    ItemState.REGISTERED.value: N_("Received; the office is assigning it"),
    ItemState.ASSIGNED.value: N_("Assigned to the handling units"),
    ItemState.IN_PROGRESS.value: N_("Being handled"),
    ItemState.REPLIED.value: N_("Replied; your feedback is welcome"),
    ItemState.AWAITING_FEEDBACK.value: N_("Replied; your feedback is welcome"),
    ItemState.REHANDLING.value: N_("Being handled again after your feedback"),
    ItemState.CLOSED.value: N_("Handling finished"),
    ItemState.MERGED.value: N_("Handled together with another item"),
    ItemState.WITHDRAWN.value: N_("Withdrawn"),
}


def progress_text(state: str) -> str:
    return PROGRESS.get(state, N_("Being handled"))


# Stored values shown on portal, roster and disclosure pages (translated with the value as msgid).
VALUE_MSGIDS = [
    N_("linked"),
    N_("ambiguous"),
    N_("unknown"),
    N_("contact_line"),
    N_("phone"),
    N_("email"),
    N_("id_number"),
    N_("contact_person"),
    N_("deputy"),
]
