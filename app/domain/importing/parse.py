"""From rows of cell values to ImportRecords and Problems (no spreadsheet library needed).

The caller streams rows (tuples of cell values, first row = Excel row 1) sheet by sheet;
`WorkbookParser` finds each sheet's header, normalises and validates every row, and checks
numbers across sheets. Nothing here stops at the first problem: the office gets the full list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from app.domain.enums import ItemKind
from app.domain.importing import normalize as norm
from app.domain.importing.columns import (
    CANONICAL_HEADERS,
    HEADER_SCAN_ROWS,
    KIND_LABELS,
    REQUIRED_FIELDS,
    Field,
    HeaderLayout,
    accepted_headers,
    detect_header,
)
from app.domain.importing.problems import Problem, column_letter, display_value
from app.domain.importing.records import ImportRecord
from app.domain.profile import Profile

TITLE_LIMIT = 500
CONTENT_LIMIT = 50_000
NAME_LIMIT = 100
LEAD_LIMIT = 200
GROUP_LIMIT = 100
#: Excel's own limit; longer text can only come from a crafted file.
CELL_LIMIT = 32_767
#: Problems kept per import; past this only the count grows (a garbage file can have millions).
PROBLEM_LIMIT = 2_000


class UncomputedFormula:
    """Placed by the reader where a formula cell has no cached value."""

    def __init__(self, formula: str = "") -> None:
        self.formula = formula

    def __str__(self) -> str:
        return self.formula or "=…"

    def __repr__(self) -> str:
        return f"UncomputedFormula({self.formula!r})"


@dataclass
class SheetSummary:
    name: str
    layout: HeaderLayout | None
    data_rows: int = 0  # non-empty rows below the header


@dataclass
class ParseResult:
    kind: ItemKind
    records: list[ImportRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sheets: list[SheetSummary] = field(default_factory=list)
    problem_count: int = 0  # errors, including those past PROBLEM_LIMIT
    error_rows: int = 0
    source_format: str = ""  # set by the reader: xlsx, xls, ods or csv

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_note]

    @property
    def notes(self) -> list[Problem]:
        return [p for p in self.problems if p.is_note]

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def data_rows(self) -> int:
        return sum(s.data_rows for s in self.sheets)


class WorkbookParser:
    def __init__(self, kind: ItemKind, profile: Profile, number_width: int | None = None) -> None:
        self.kind, self.profile = kind, profile
        self.width = profile.item_number_width.get(kind, 0) if number_width is None else number_width
        self.resolver = norm.Resolver(profile, kind)
        self.result = ParseResult(kind)
        self._numbers: dict[str, tuple[str, int, int]] = {}  # number -> (sheet, row, column)
        self._other_kind_sheets: list[Problem] = []
        self._specs: dict[int, list[tuple[Field, int, Callable[[Any], Any], bool]]] = {}
        #: called with each record as it is read, and whether the workbook had no problem so far
        self.on_record: Callable[[ImportRecord, bool], None] | None = None

    # ------------------------------------------------------------------ reporting

    def _report(self, problem: Problem) -> None:
        if not problem.is_note:
            self.result.problem_count += 1
        if (
            len(self.result.problems) < PROBLEM_LIMIT
            or problem.is_note
            and len(self.result.problems) < PROBLEM_LIMIT * 2
        ):
            self.result.problems.append(problem)

    def finish(self) -> ParseResult:
        """Close the parse: a workbook where no sheet had a header is one problem."""
        result = self.result
        ours = any(s.layout is not None for s in result.sheets)
        for problem in self._other_kind_sheets:
            if ours:  # e.g. an export holding both kinds, imported one kind at a time
                self._report(Problem(problem.sheet, problem.row, None, None, None, "other_kind_sheet", problem.params))
            else:
                self._report(problem)
        if not ours and not self._other_kind_sheets:
            expected = "、".join(CANONICAL_HEADERS[self.kind][f] for f in REQUIRED_FIELDS)
            sheet = result.sheets[0].name if result.sheets else ""
            result.problems.insert(
                0,
                Problem(sheet, None, None, None, None, "no_header", {"rows": HEADER_SCAN_ROWS, "expected": expected}),
            )
            result.problem_count += 1
        return result

    # ------------------------------------------------------------------ sheets

    def add_sheet(self, name: str, rows: Iterable[Sequence[Any]]) -> SheetSummary:
        iterator = iter(rows)
        head: list[Sequence[Any]] = []
        for row in iterator:
            head.append(row)
            if len(head) >= HEADER_SCAN_ROWS:
                break
        layout = detect_header(head, self.kind)
        summary = SheetSummary(name, layout)
        self.result.sheets.append(summary)
        other_kind = self._other_kind(head, layout)
        if other_kind is not None:  # decided in finish(): only a note if another sheet is ours
            other, header_row = other_kind
            params = {"found": KIND_LABELS[other], "expected": KIND_LABELS[self.kind]}
            self._other_kind_sheets.append(Problem(name, header_row, None, None, None, "wrong_kind", params))
            summary.layout = None
            return summary
        if layout is None:
            if any(not norm.is_blank(c) for row in head for c in row):
                self._report(Problem(name, None, None, None, None, "ignored_sheet"))
            return summary
        if not self._structure_ok(name, layout):
            return summary
        start = layout.data_start
        remaining: Iterator[Sequence[Any]] = _chain(head[start:], iterator)
        for offset, row in enumerate(remaining):
            if all(norm.is_blank(c) for c in row):
                continue
            summary.data_rows += 1
            self._add_row(name, start + offset + 1, row, layout)
        return summary

    def _other_kind(self, head: list[Sequence[Any]], layout: HeaderLayout | None) -> tuple[ItemKind, int] | None:
        """(other kind, header row) when the sheet is plainly a list of the other kind."""
        if layout is not None:
            own = layout.other_kind_hits.get(self.kind, 0)
            for other, hits in layout.other_kind_hits.items():
                if other is not self.kind and hits >= 2 and own == 0:
                    return other, layout.header_rows[-1] + 1
            return None
        for other in ItemKind:
            other_layout = None if other is self.kind else detect_header(head, other)
            if other_layout is not None:
                return other, other_layout.header_rows[-1] + 1
        return None

    def _structure_ok(self, sheet: str, layout: HeaderLayout) -> bool:
        header_row = layout.header_rows[-1] + 1
        for column in layout.ignored:
            self._report(Problem(sheet, header_row, column, layout.headers[column], None, "ignored_column"))
        for column, fld, winner in layout.superseded:
            code = "row_counter" if fld is Field.NUMBER else "superseded_column"
            params = {"winner": _col(winner, layout), "field": self._label(fld)}
            self._report(Problem(sheet, header_row, column, layout.headers.get(column), None, code, params))
        ok = True
        for fld, first, second in layout.duplicates:
            self._report(
                Problem(
                    sheet,
                    header_row,
                    second,
                    layout.headers.get(second),
                    None,
                    "duplicate_column",
                    {"field": self._label(fld), "first": _col(first, layout), "second": _col(second, layout)},
                )
            )
            ok = False
        for fld in REQUIRED_FIELDS:
            if fld not in layout.columns:
                accepted = "、".join(accepted_headers(self.kind, fld)[:6])
                self._report(
                    Problem(
                        sheet,
                        header_row,
                        None,
                        None,
                        None,
                        "missing_column",
                        {"field": self._label(fld), "accepted": accepted},
                    )
                )
                ok = False
        return ok

    def _label(self, fld: Field) -> str:
        return CANONICAL_HEADERS[self.kind].get(fld, fld.value)

    # ------------------------------------------------------------------ rows

    def _converters(self, layout: HeaderLayout) -> list[tuple[Field, int, Callable[[Any], Any], bool]]:
        """(field, column, converter, required) for the columns this sheet has, built once per sheet."""
        key = id(layout)
        if key not in self._specs:
            text_group = partial(norm.text, limit=GROUP_LIMIT)
            table: dict[Field, tuple[Callable[[Any], Any], bool]] = {
                Field.NUMBER: (partial(norm.item_number, width=self.width), True),
                Field.TITLE: (partial(norm.text, limit=TITLE_LIMIT), True),
                Field.LEAD_SUBMITTER: (_lead_names, True),
                Field.CO_SIGNERS: (partial(norm.names, limit=NAME_LIMIT), False),
                Field.CONTENT: (_long_text, False),
                Field.CONTENT_BACKGROUND: (_long_text, False),
                Field.CONTENT_ANALYSIS: (_long_text, False),
                Field.CONTENT_PROPOSALS: (_long_text, False),
                Field.CATEGORY: (self.resolver.category, False),
                Field.SUBMITTER_TYPE: (norm.submitter_type, False),
                Field.SUBMITTER_COUNT: (norm.count, False),
                Field.DELEGATION: (text_group, False),
                Field.SECTOR: (text_group, False),
                Field.PARTY: (text_group, False),
                Field.DURING_SESSION: (norm.during_session, False),
                Field.AGREE_TO_PUBLISH: (norm.yes_no, False),
                Field.SUBMITTED_ON: (norm.a_date, False),
                Field.KEY_SUPERVISION: (norm.yes_no, False),
                Field.INTENDED_LEAD: (self.resolver.departments, False),
                Field.INTENDED_CO: (self.resolver.departments, False),
                Field.INTENDED_SPLIT: (self.resolver.departments, False),
            }
            self._specs[key] = [
                (fld, column, *table[fld]) for fld, column in sorted(layout.columns.items(), key=lambda fc: fc[1])
            ]
        return self._specs[key]

    def _cell_problem(
        self,
        sheet: str,
        row_number: int,
        layout: HeaderLayout,
        fld: Field,
        column: int,
        raw: Any,
        issue: norm.CellIssue,
    ) -> None:
        params = {"field": self._label(fld), "value": _shown(raw), **issue.params}
        self._report(Problem(sheet, row_number, column, layout.headers.get(column), raw, issue.code, params))

    def _add_row(self, sheet: str, row_number: int, row: Sequence[Any], layout: HeaderLayout) -> None:
        problems_before = self.result.problem_count
        width = len(row)
        got: dict[Field, Any] = {}
        for fld, column, convert, required in self._converters(layout):
            raw = row[column] if column < width else None
            try:
                if raw is None:
                    if required:
                        raise norm.CellIssue("missing_value")
                    continue
                kind = raw.__class__
                if kind is str:
                    if len(raw) > CELL_LIMIT:
                        raise norm.CellIssue("cell_too_long", length=len(raw), limit=CELL_LIMIT)
                    if required and not raw.strip():
                        raise norm.CellIssue("missing_value")
                elif kind is UncomputedFormula:
                    raise norm.CellIssue("formula_without_value")
                got[fld] = convert(raw)
            except norm.CellIssue as issue:
                self._cell_problem(sheet, row_number, layout, fld, column, raw, issue)

        number = got.get(Field.NUMBER)
        lead_names = got.get(Field.LEAD_SUBMITTER)
        co_signers = got.get(Field.CO_SIGNERS) or ()
        lead = None
        if lead_names:
            lead, *more = lead_names
            if more:
                co_signers = tuple(dict.fromkeys([*more, *co_signers]))
        count = got.get(Field.SUBMITTER_COUNT)
        named = 1 + len(co_signers)
        if count is not None and count < named:
            column = layout.columns[Field.SUBMITTER_COUNT]
            self._report(
                Problem(
                    sheet,
                    row_number,
                    column,
                    layout.headers.get(column),
                    row[column],
                    "count_too_small",
                    {"count": count, "named": named},
                )
            )
        if number is not None:
            self._check_unique(sheet, row_number, row, layout, number)
        if self.result.problem_count != problems_before:
            self.result.error_rows += 1
            return
        # both are required columns: a missing or empty one is a problem reported above
        assert number is not None and lead is not None
        during = got.get(Field.DURING_SESSION)
        publish = got.get(Field.AGREE_TO_PUBLISH)
        record = ImportRecord(
            kind=self.kind,
            number=number,
            title=got[Field.TITLE],
            lead_submitter=lead,
            sheet=sheet,
            row=row_number,
            content=_content(got),
            category_code=got.get(Field.CATEGORY),
            submitter_type=got.get(Field.SUBMITTER_TYPE) or norm.guess_submitter_type(lead),
            co_signers=co_signers,
            submitter_count=count or named,
            delegation=got.get(Field.DELEGATION),
            sector=got.get(Field.SECTOR),
            party=got.get(Field.PARTY),
            during_session=True if during is None else during,
            agree_to_publish=True if publish is None else publish,
            submitted_on=got.get(Field.SUBMITTED_ON),
            key_supervision=bool(got.get(Field.KEY_SUPERVISION)),
            intended_lead=got.get(Field.INTENDED_LEAD) or (),
            intended_co=got.get(Field.INTENDED_CO) or (),
            intended_split=got.get(Field.INTENDED_SPLIT) or (),
        )
        self.result.records.append(record)
        if self.on_record is not None:
            self.on_record(record, self.result.problem_count == 0)

    def _check_unique(self, sheet: str, row_number: int, row: Sequence[Any], layout: HeaderLayout, number: str) -> None:
        column = layout.columns[Field.NUMBER]
        earlier = self._numbers.get(number)
        if earlier is None:
            self._numbers[number] = (sheet, row_number, column)
            return
        first_sheet, first_row, first_column = earlier
        first = f"{first_sheet}!{_letter(first_column)}{first_row}"
        self._report(
            Problem(
                sheet,
                row_number,
                column,
                layout.headers.get(column),
                row[column],
                "duplicate_number",
                {"number": number, "first": first},
            )
        )


CONTENT_PARTS = (
    (Field.CONTENT_BACKGROUND, "背景情况"),
    (Field.CONTENT_ANALYSIS, "问题及分析"),
    (Field.CONTENT_PROPOSALS, "具体建议"),
)


def _content(got: dict[Field, Any]) -> str:
    """The body, with Shanghai-style parts (背景情况 / 问题及分析 / 具体建议) appended under their headings."""
    pieces = [got.get(Field.CONTENT) or ""]
    pieces += [f"{heading}：{got[fld]}" for fld, heading in CONTENT_PARTS if got.get(fld)]
    return "\n".join(p for p in pieces if p)[:CONTENT_LIMIT]


def _long_text(value: Any) -> str | None:
    """Body text keeps its paragraphs; only trailing spaces and blank lines go."""
    if norm.is_blank(value):
        return None
    if not isinstance(value, str):
        return norm.text(value)
    lines = [line.rstrip() for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    cleaned = "\n".join(line for line in lines if line.strip()).strip()
    if len(cleaned) > CONTENT_LIMIT:
        raise norm.CellIssue("text_too_long", length=len(cleaned), limit=CONTENT_LIMIT)
    return cleaned


def _lead_names(value: Any) -> tuple[str, ...]:
    found = norm.names(value, limit=LEAD_LIMIT)
    if not found:
        raise norm.CellIssue("missing_value")
    return found


def _shown(value: Any) -> str:
    return display_value(value) or ""


def _letter(column: int) -> str:
    return column_letter(column)


def _col(column: int, layout: HeaderLayout) -> str:
    return f"{_letter(column)} ({layout.headers.get(column, '')})"


def _chain(first: Sequence[Sequence[Any]], rest: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    yield from first
    yield from rest


def parse_workbook(
    sheets: Iterable[tuple[str, Iterable[Sequence[Any]]]],
    kind: ItemKind,
    profile: Profile,
    number_width: int | None = None,
) -> ParseResult:
    """Parse every sheet; sheets without a recognisable header are noted and skipped."""
    parser = WorkbookParser(kind, profile, number_width)
    for name, rows in sheets:
        parser.add_sheet(name, rows)
    return parser.finish()


__all__ = ["ParseResult", "SheetSummary", "UncomputedFormula", "WorkbookParser", "parse_workbook"]
