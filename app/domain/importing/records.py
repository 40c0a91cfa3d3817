"""The clean result of one imported row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from app.domain.enums import ItemKind, SubmitterType

#: Fields compared to decide whether a re-imported item is unchanged or changed.
COMPARED_FIELDS = (
    "title",
    "content",
    "category_code",
    "submitter_type",
    "lead_submitter",
    "co_signers",
    "submitter_count",
    "delegation",
    "sector",
    "party",
    "during_session",
    "agree_to_publish",
    "submitted_on",
    "key_supervision",
    "intended_lead",
    "intended_co",
    "intended_split",
)


@dataclass(frozen=True, slots=True)
class ImportRecord:
    kind: ItemKind
    number: str
    title: str
    lead_submitter: str
    sheet: str
    row: int  # 1-based, as Excel shows it
    content: str = ""
    category_code: str | None = None
    submitter_type: SubmitterType = SubmitterType.INDIVIDUAL
    co_signers: tuple[str, ...] = ()
    submitter_count: int = 1
    delegation: str | None = None
    sector: str | None = None
    party: str | None = None
    during_session: bool = True
    agree_to_publish: bool = True
    submitted_on: date | None = None
    key_supervision: bool = False
    intended_lead: tuple[str, ...] = ()  # department codes
    intended_co: tuple[str, ...] = ()
    intended_split: tuple[str, ...] = ()

    def comparable(self) -> dict[str, Any]:
        """The stored content, in a form that compares equal to `comparable_from_stored`."""
        return comparable_values({name: getattr(self, name) for name in COMPARED_FIELDS})


def comparable_values(values: dict[str, Any]) -> dict[str, Any]:
    """Normalise a mapping of COMPARED_FIELDS so that stored and imported values compare."""
    result: dict[str, Any] = {}
    for name in COMPARED_FIELDS:
        value = values.get(name)
        if name in ("intended_lead", "intended_co", "intended_split"):
            value = sorted(value or ())
        elif name == "co_signers":
            value = list(value or ())
        elif name == "submitted_on":
            value = value.isoformat() if isinstance(value, date) else value
        elif name == "submitter_type":
            value = str(value) if value is not None else SubmitterType.INDIVIDUAL.value
        elif name == "content":
            value = value or ""
        result[name] = value
    return result


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [name for name in COMPARED_FIELDS if old.get(name) != new.get(name)]
