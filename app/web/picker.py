"""The department picker: a plain <select> grouped by kind (市级部门 / 区政府 / 企业), every option
carrying the full name and the aliases so that app/static/picker.js can search them."""

from __future__ import annotations

from collections.abc import Iterable

from app.domain.enums import DepartmentKind
from app.services import context

KIND_ORDER = [k.value for k in DepartmentKind]


def search_names(code: str) -> str:
    """Full name and aliases of a department of the active profile (what the search also matches)."""
    try:
        department = context.current().profile.department(code)
    except KeyError:
        return ""
    return " ".join(dict.fromkeys((department.name, *department.aliases)))


def by_kind(departments: Iterable) -> list[tuple[str, list]]:
    """(kind, departments) in the profile's kind order, each group in the given order."""
    groups: dict[str, list] = {}
    for department in departments:
        groups.setdefault(department.kind, []).append(department)
    return sorted(groups.items(), key=lambda kv: KIND_ORDER.index(kv[0]) if kv[0] in KIND_ORDER else len(KIND_ORDER))
