"""Navigation links contributed by controller modules (module-level NAV lists)."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.enums import Role


@dataclass(frozen=True)
class NavEntry:
    label: str  # English msgid, translated when rendered
    path: str
    roles: frozenset[Role] = frozenset(Role)
    order: int = 100


_entries: list[NavEntry] = []


def register(entries: list[NavEntry]) -> None:
    for entry in entries:
        if entry not in _entries:
            _entries.append(entry)
    _entries.sort(key=lambda e: (e.order, e.path))


def entries_for(role: Role | None) -> list[NavEntry]:
    if role is None or role is Role.DEPUTY:
        return []  # deputies and members have the portal's own header (templates/portal/base.html)
    return [e for e in _entries if role in e.roles]


# Pages opened now and then (set-up, reference, administration): shown in one "More" menu at the end
# of the navigation, so that the office's daily pages fit one line at 1280 px.
SECONDARY_PATHS = frozenset(
    {"/imports", "/calendar", "/admin/departments", "/admin/users", "/roster", "/jobs", "/disclosure"}
)


def split_for(role: Role | None) -> tuple[list[NavEntry], list[NavEntry]]:
    """(daily entries, entries of the "More" menu) for this role; a short menu stays inline."""
    entries = entries_for(role)
    secondary = [e for e in entries if e.path in SECONDARY_PATHS]
    if len(secondary) < 2:
        return entries, []
    return [e for e in entries if e.path not in SECONDARY_PATHS], secondary
