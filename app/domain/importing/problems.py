"""Problems found while importing: each names sheet, row, column (letter + header), value and reason.

Reasons are codes with parameters; `REASONS` holds the English text (the msgid) so the layers
above can translate them. The domain never depends on a translation machinery.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.domain.text import N_

#: reason code -> English message template (formatted with the problem's params).
REASONS: dict[str, str] = {
    # structure of the sheet
    "no_header": N_("No header row found in the first {rows} rows (expected columns such as {expected})"),
    "missing_column": N_("Required column '{field}' is missing (accepted headers: {accepted})"),
    "duplicate_column": N_("Column '{field}' appears twice: {first} and {second}"),
    "wrong_kind": N_("This looks like a {found} workbook, but the import was started for {expected}"),
    "formula_without_value": N_(
        "Formula without a computed value; open the file in Excel and save it, or paste values"
    ),
    "cell_too_long": N_("Cell is too long ({length} characters; at most {limit})"),
    # content of a row
    "missing_value": N_("'{field}' is empty"),
    "bad_number": N_("'{value}' is not an item number (digits, optionally written as 第…号)"),
    "number_too_long": N_("Number '{value}' has more digits than the session's width of {width}"),
    "duplicate_number": N_("Number {number} appears twice in the file (first at {first})"),
    "bad_date": N_("'{value}' is not a date (write e.g. 2026-01-15, 2026/1/15, 2026.1.15 or 2026年1月15日)"),
    "impossible_date": N_("'{value}' is not a real date"),
    "date_out_of_range": N_("Date {value} is outside the plausible range {low}–{high}"),
    "bad_yes_no": N_("'{value}' is not a yes/no value (是/否, 可/不可, 公开/不公开, Y/N)"),
    "bad_session_flag": N_("'{value}' is neither 会上 nor 闭会期间"),
    "bad_count": N_("'{value}' is not a whole number of submitters"),
    "count_too_small": N_("{count} submitters given, but {named} are named"),
    "bad_submitter_type": N_("'{value}' is not a submitter type (委员, 党派团体, 专委会, 界别, 代表团)"),
    "unknown_category": N_("Unknown category '{value}'"),
    "category_wrong_kind": N_("Category '{value}' is not used for this kind of item"),
    "unknown_department": N_("Unknown department '{value}'"),
    "name_too_long": N_("Name '{value}' is too long (at most {limit} characters)"),
    "text_too_long": N_("Text is too long ({length} characters; at most {limit})"),
    "bad_text": N_("'{value}' should be text"),
    # against what is already stored (filled in by the service)
    "changed_needs_confirmation": N_(
        "Number {number} is already imported in this session with different content ({fields}); confirm to update it"
    ),
    "locked_item": N_("Number {number} is already {state}; its content can no longer be replaced by an import"),
}

#: reasons that are notes, not errors (an import with only notes goes ahead).
NOTE_REASONS = frozenset({"ignored_column", "ignored_sheet", "other_kind_sheet", "row_counter", "superseded_column"})
REASONS["ignored_column"] = N_("Column not recognised; ignored")
REASONS["ignored_sheet"] = N_("Sheet has no recognisable header row; ignored")
REASONS["row_counter"] = N_("Row counter; ignored (the item number is read from column {winner})")
REASONS["superseded_column"] = N_("Ignored: column {winner} names '{field}' more specifically")
REASONS["other_kind_sheet"] = N_("Sheet holds {found}; ignored in this import of {expected}")


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    if index < 0:
        raise ValueError("column index must be >= 0")
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@dataclass(frozen=True)
class Problem:
    """One problem in the uploaded workbook. Row is 1-based as Excel shows it; column is 0-based."""

    sheet: str
    row: int | None
    column: int | None
    header: str | None
    value: Any
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_note(self) -> bool:
        return self.code in NOTE_REASONS

    @property
    def letter(self) -> str | None:
        return column_letter(self.column) if self.column is not None else None

    @property
    def cell(self) -> str | None:
        """A1-style reference, when the problem is about one cell."""
        if self.column is None or self.row is None:
            return None
        return f"{self.letter}{self.row}"

    def reason(self, translate: Callable[[str], str] = lambda s: s) -> str:
        template = translate(REASONS[self.code])
        try:
            return template.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return template

    def place(self) -> str:
        """'Sheet1!C5 (标题)' or 'Sheet1 row 5' or 'Sheet1'."""
        text = self.sheet
        if self.cell:
            text += f"!{self.cell}"
            if self.header:
                text += f" ({self.header})"
        elif self.row is not None:
            text += f" row {self.row}"
        return text

    def as_dict(self, translate: Callable[[str], str] = lambda s: s) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.letter,
            "header": self.header,
            "value": display_value(self.value),
            "code": self.code,
            "reason": self.reason(translate),
            "note": self.is_note,
        }

    def __str__(self) -> str:
        value = display_value(self.value)
        shown = f" '{value}'" if value not in (None, "") else ""
        return f"{self.place()}{shown}: {self.reason()}"


def display_value(value: Any, limit: int = 80) -> str | None:
    if value is None:
        return None
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
