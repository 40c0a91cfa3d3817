"""What an import would do: compare parsed records with what the session already holds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.domain.importing.columns import Field
from app.domain.importing.records import ImportRecord, changed_fields

#: compared field -> the import column it comes from (to name it by its header)
FIELD_OF_COMPARED = {
    "title": Field.TITLE,
    "content": Field.CONTENT,
    "category_code": Field.CATEGORY,
    "submitter_type": Field.SUBMITTER_TYPE,
    "lead_submitter": Field.LEAD_SUBMITTER,
    "co_signers": Field.CO_SIGNERS,
    "submitter_count": Field.SUBMITTER_COUNT,
    "delegation": Field.DELEGATION,
    "sector": Field.SECTOR,
    "party": Field.PARTY,
    "during_session": Field.DURING_SESSION,
    "agree_to_publish": Field.AGREE_TO_PUBLISH,
    "submitted_on": Field.SUBMITTED_ON,
    "key_supervision": Field.KEY_SUPERVISION,
    "intended_lead": Field.INTENDED_LEAD,
    "intended_co": Field.INTENDED_CO,
    "intended_split": Field.INTENDED_SPLIT,
}
DIFF_TEXT_LIMIT = 120


@dataclass(frozen=True)
class FieldDiff:
    field: str  # a COMPARED_FIELDS name
    old: str
    new: str


def shown(value: Any) -> str:
    """A stored or imported value as the office reads it in a diff."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= DIFF_TEXT_LIMIT else text[: DIFF_TEXT_LIMIT - 1] + "…"


@dataclass(frozen=True)
class Change:
    record: ImportRecord
    item_id: int
    fields: tuple[str, ...]
    before: Mapping[str, Any]

    def diff(self) -> list[FieldDiff]:
        """Field by field: what is stored → what the workbook says."""
        after = self.record.comparable()
        return [FieldDiff(name, shown(self.before.get(name)), shown(after.get(name))) for name in self.fields]


@dataclass
class ImportPlan:
    new: list[ImportRecord] = field(default_factory=list)
    unchanged: list[tuple[ImportRecord, int]] = field(default_factory=list)  # (record, item id)
    changed: list[Change] = field(default_factory=list)
    #: changed items that may no longer be replaced by an import (already 交办), with their state
    locked: list[tuple[Change, str]] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "unchanged": len(self.unchanged),
            "changed": len(self.changed),
            "locked": len(self.locked),
        }

    def set_aside_locked(self, state_of: Mapping[int, str], open_state: str) -> None:
        """Move the changed items whose state is not `open_state` to `locked`."""
        keep: list[Change] = []
        for change in self.changed:
            state = state_of.get(change.item_id, "")
            if state == open_state:
                keep.append(change)
            else:
                self.locked.append((change, state))
        self.changed = keep

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
