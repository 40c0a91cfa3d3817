"""Pure import logic: header detection, normalisation and validation of workbook rows.

Spreadsheet access lives in app.importing; this package only sees rows of cell values.
"""

from app.domain.importing.columns import CANONICAL_HEADERS, Field, HeaderLayout, detect_header
from app.domain.importing.parse import ParseResult, UncomputedFormula, WorkbookParser, parse_workbook
from app.domain.importing.problems import REASONS, Problem, column_letter
from app.domain.importing.records import COMPARED_FIELDS, ImportRecord, changed_fields, comparable_values

__all__ = [
    "CANONICAL_HEADERS",
    "COMPARED_FIELDS",
    "REASONS",
    "Field",
    "HeaderLayout",
    "ImportRecord",
    "ParseResult",
    "Problem",
    "UncomputedFormula",
    "WorkbookParser",
    "changed_fields",
    "column_letter",
    "comparable_values",
    "detect_header",
    "parse_workbook",
]
