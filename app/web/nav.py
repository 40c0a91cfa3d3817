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
