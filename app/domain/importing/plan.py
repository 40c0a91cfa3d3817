"""What an import would do: compare parsed records with what the session already holds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.domain.importing.records import ImportRecord, changed_fields


@dataclass(frozen=True)
class Change:
    record: ImportRecord
    item_id: int
    fields: tuple[str, ...]
    before: Mapping[str, Any]


@dataclass
class ImportPlan:
    new: list[ImportRecord] = field(default_factory=list)
    unchanged: list[tuple[ImportRecord, int]] = field(default_factory=list)  # (record, item id)
    changed: list[Change] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {"new": len(self.new), "unchanged": len(self.unchanged), "changed": len(self.changed)}

    @property
    def nothing_to_do(self) -> bool:
        return not self.new and not self.changed


def plan_import(records: list[ImportRecord], existing: Mapping[str, tuple[int, Mapping[str, Any]]]) -> ImportPlan:
    """existing: number -> (item id, comparable values) for the items already in the session."""
    plan = ImportPlan()
    for record in records:
        found = existing.get(record.number)
        if found is None:
            plan.new.append(record)
            continue
        item_id, stored = found
        differences = changed_fields(dict(stored), record.comparable())
        if differences:
            plan.changed.append(Change(record, item_id, tuple(differences), stored))
        else:
            plan.unchanged.append((record, item_id))
    return plan
