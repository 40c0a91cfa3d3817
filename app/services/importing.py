"""Workbook import: preview (writes nothing) and commit (all or nothing, in the caller's transaction).

Re-importing the same workbook finds every item unchanged and changes nothing. Items whose
content differs are "changed" and are only updated when the caller confirms; items already
assigned (交办) keep their content. Every commit is an ImportBatch, linked to its items and audited.
"""

from __future__ import annotations

import enum
import gc
import hashlib
import itertools
import json
import operator
import queue
import re
import secrets
import shutil
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, Table, func, insert, select, text
from sqlalchemy.orm import Session, selectinload

from app.clock import office_today
from app.db.base import table_of, utcnow
from app.db.models import Category, CongressSession, Department, Item, ItemCoSigner, ItemIntendedDepartment
from app.db.models.imports import ImportBatch, ImportBatchItem
from app.domain.enums import BODY_OF_KIND, AssignmentRole, ItemKind, ItemState
from app.domain.importing import COMPARED_FIELDS, ImportRecord, ParseResult, Problem, comparable_values
from app.domain.importing.columns import CANONICAL_HEADERS
from app.domain.importing.plan import FIELD_OF_COMPARED, FieldDiff, ImportPlan, plan_import
from app.domain.importing.problems import display_value
from app.i18n import _, gettext, locale_scope
from app.importing.error_copy import write_error_copy
from app.importing.reader import parse_file
from app.importing.safety import CSV, ODS, XLS, XLSX, ReaderLimits, UnusableFile
from app.services import audit, batch_similarity, context, duplicates, roster
from app.services.access import require_office
from app.services.actor import Actor
from app.services.duplicates import FlaggedRow
from app.services.errors import Conflict, NotFound, UserError, ValidationFailed
from app.services.errors import Problem as UserProblem
from app.services.sessions import get_session_by_label
from app.settings import get_settings

Progress = Callable[[int], None]
INSERT_CHUNK = 2_000
INTENDED_ROLES = (
    ("intended_lead", AssignmentRole.LEAD.value),
    ("intended_co", AssignmentRole.CO.value),
    ("intended_split", AssignmentRole.SPLIT.value),
)


class UnusableUpload(UserError):
    """The file cannot be read at all (not an xlsx, encrypted, damaged, too big ...)."""

    status_code = 400
    code = "unusable_file"

    def __init__(self, error: UnusableFile) -> None:
        self.error = error
        super().__init__(
            _("%(file)s cannot be imported: %(reason)s", file=error.file, reason=error.reason(gettext)),
            details={"file": error.file, "reason_code": error.code},
        )


class ImportHasErrors(ValidationFailed):
    """The workbook has content errors: nothing was imported."""

    def __init__(self, preview: ImportPreview) -> None:
        self.preview = preview
        problems = [
            UserProblem(p.place(), p.reason(gettext), _display(p.value), {"code": p.code, "cell": p.cell})
            for p in preview.problems
        ]
        super().__init__(
            _("The workbook has %(count)s problem(s); nothing was imported.", count=preview.error_count), problems
        )


class ChangesNeedConfirmation(Conflict):
    def __init__(self, preview: ImportPreview) -> None:
        self.preview = preview
        numbers = [c.record.number for c in preview.plan.changed] if preview.plan is not None else []
        super().__init__(
            _(
                "%(count)s item(s) already imported with different content; confirm to update them.",
                count=len(numbers),
            ),
            details={
                "changed": numbers[:500],
                "problems": [p.as_dict(gettext) for p in preview.change_notices()[:500]],
            },
        )


def _display(value: Any) -> Any:
    return display_value(value)


@dataclass
class ImportPreview:
    file_name: str
    sha256: str
    size_bytes: int
    kind: ItemKind
    session_id: int
    session_label: str
    result: ParseResult
    plan: ImportPlan | None
    problems: list[Problem] = field(default_factory=list)  # errors, parse and database ones
    locked: int = 0
    file_format: str = XLSX  # as read (the content decides, not the file name)
    duplicates: list[FlaggedRow] = field(default_factory=list)  # near-duplicates of stored items or other rows
    duplicates_deferred: bool = False  # a large batch: near-duplicates are looked for after the commit

    @property
    def error_count(self) -> int:
        return self.result.problem_count + self.locked

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def notes(self) -> list[Problem]:
        return self.result.notes

    skip_locked: bool = False  # the office chose: import the others, leave locked rows as they are

    @property
    def counts(self) -> dict[str, int]:
        plan = self.plan.counts if self.plan else {"new": 0, "unchanged": 0, "changed": 0, "locked": 0}
        return {"rows": self.result.data_rows, **plan, "errors": self.error_count}

    @property
    def only_locked_rows_block(self) -> bool:
        """The workbook is fine but for rows already assigned: the office may import the others."""
        return self.plan is not None and bool(self.plan.locked) and self.result.ok and not self.skip_locked

    def locked_rows(self) -> list[dict[str, Any]]:
        if not self.plan:
            return []
        return [
            {
                "number": c.record.number,
                "title": c.record.title,
                "sheet": c.record.sheet,
                "row": c.record.row,
                "state": state,
                "state_label": _state_label(state),
                "diff": [_diff_dict(d, self.kind) for d in c.diff()],
            }
            for c, state in self.plan.locked
        ]

    def changed_rows(self) -> list[dict[str, Any]]:
        if not self.plan:
            return []
        return [
            {
                "number": c.record.number,
                "title": c.record.title,
                "sheet": c.record.sheet,
                "row": c.record.row,
                "fields": list(c.fields),
                "diff": [_diff_dict(d, self.kind) for d in c.diff()],
            }
            for c in self.plan.changed
        ]

    def change_notices(self) -> list[Problem]:
        """One entry per changed item, naming its row and the fields that differ."""
        if not self.plan:
            return []
        return [
            Problem(
                c.record.sheet,
                c.record.row,
                None,
                None,
                c.record.number,
                "changed_needs_confirmation",
                {"number": c.record.number, "fields": ", ".join(c.fields)},
            )
            for c in self.plan.changed
        ]

    @property
    def header_rows(self) -> dict[str, int]:
        return {s.name: s.layout.header_rows[-1] + 1 for s in self.result.sheets if s.layout is not None}

    def as_dict(self, problem_limit: int = 500) -> dict[str, Any]:
        changed = self.changed_rows()[:problem_limit]
        return {
            "locked": self.locked_rows()[:problem_limit],
            "skip_locked": self.skip_locked,
            "file_format": self.file_format,
            "file_name": self.file_name,
            "sha256": self.sha256,
            "kind": self.kind.value,
            "session": self.session_label,
            "counts": self.counts,
            "ok": self.ok,
            "problems": [p.as_dict(gettext) for p in self.problems[:problem_limit]],
            "notes": [p.as_dict(gettext) for p in self.notes[:problem_limit]],
            "changed": changed,
            "duplicates": [d.as_dict() for d in self.duplicates[:problem_limit]],
            "duplicates_deferred": self.duplicates_deferred,
        }


def _state_label(state: str | None) -> str:
    return gettext(state) if state else "?"


def _diff_dict(diff: FieldDiff, kind: ItemKind) -> dict[str, str]:
    column = FIELD_OF_COMPARED.get(diff.field)
    label = CANONICAL_HEADERS[kind].get(column, diff.field) if column is not None else diff.field
    return {"field": diff.field, "label": label, "old": diff.old, "new": diff.new}


def reader_limits() -> ReaderLimits:
    settings = get_settings()
    return ReaderLimits(max_file_bytes=settings.max_upload_mb * 1024 * 1024, max_rows=settings.import_row_limit)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _session_for(session: Session, kind: ItemKind, session_label: str) -> CongressSession:
    congress = get_session_by_label(session, session_label)
    if congress.body != BODY_OF_KIND[kind].value:
        raise ValidationFailed(
            _("Session %(label)s is not a session for this kind of item.", label=congress.label),
            [UserProblem("session", _("kind and session do not match"), congress.label)],
        )
    return congress


# --------------------------------------------------------------------------- what is stored


def _stored_values(session: Session, session_id: int) -> tuple[dict[str, tuple[int, dict[str, Any]]], dict[int, str]]:
    """number -> (item id, comparable values) and item id -> state, for one session."""
    rows = session.execute(
        select(
            Item.id,
            Item.number,
            Item.state,
            Item.title,
            Item.content,
            Category.code,
            Item.submitter_type,
            Item.lead_submitter,
            Item.submitter_count,
            Item.delegation,
            Item.sector,
            Item.party,
            Item.during_session,
            Item.agree_to_publish,
            Item.submitted_on,
            Item.key_supervision,
        )
        .outerjoin(Category, Category.id == Item.category_id)
        .where(Item.session_id == session_id)
    ).all()
    if not rows:
        return {}, {}
    co_signers: dict[int, list[str]] = defaultdict(list)
    for item_id, name in session.execute(
        select(ItemCoSigner.item_id, ItemCoSigner.name)
        .join(Item, Item.id == ItemCoSigner.item_id)
        .where(Item.session_id == session_id)
        .order_by(ItemCoSigner.item_id, ItemCoSigner.position)
    ):
        co_signers[item_id].append(name)
    intended: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for item_id, role, code in session.execute(
        select(ItemIntendedDepartment.item_id, ItemIntendedDepartment.role, Department.code)
        .join(Item, Item.id == ItemIntendedDepartment.item_id)
        .join(Department, Department.id == ItemIntendedDepartment.department_id)
        .where(Item.session_id == session_id)
    ):
        intended[item_id][role].append(code)
    stored, states = {}, {}
    for row in rows:
        (
            item_id,
            number,
            state,
            title,
            content,
            category,
            submitter_type,
            lead,
            count,
            delegation,
            sector,
            party,
            during,
            publish,
            submitted,
            key,
        ) = row
        roles = intended.get(item_id, {})
        values = {
            "title": title,
            "content": content,
            "category_code": category,
            "submitter_type": submitter_type,
            "lead_submitter": lead,
            "co_signers": co_signers.get(item_id, []),
            "submitter_count": count,
            "delegation": delegation,
            "sector": sector,
            "party": party,
            "during_session": during,
            "agree_to_publish": publish,
            "submitted_on": submitted,
            "key_supervision": key,
            "intended_lead": roles.get("lead", []),
            "intended_co": roles.get("co", []),
            "intended_split": roles.get("split", []),
        }
        stored[number] = (item_id, comparable_values(values))
        states[item_id] = state
    return stored, states


# --------------------------------------------------------------------------- preview and commit


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Tens of thousands of long-lived records make the cyclic collector rescan them over and over
    (time grows faster than the row count); the import creates no reference cycles worth collecting."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def preview_import(
    session: Session,
    actor: Actor,
    path: Path,
    *,
    kind: ItemKind | str,
    session_label: str,
    file_name: str | None = None,
    progress: Progress | None = None,
    skip_locked: bool = False,
) -> ImportPreview:
    """Read, validate and compare with what is stored. Writes nothing.

    Changed rows of items already past registration (交办) are locked: by default they are errors
    (refuse and explain); with `skip_locked` the office has chosen to import the others and leave
    those items as they are."""
    require_office(actor)
    kind = ItemKind(kind)
    congress = _session_for(session, kind, session_label)
    preview = _read(session, congress, Path(path), kind, file_name, progress, skip_locked)
    if preview.plan is not None:
        plan = preview.plan
        records = [*plan.new, *(c.record for c in plan.changed)]
        stored_ids = {c.record.number: c.item_id for c in plan.changed}
        if batch_similarity.deferred(len(records)):
            preview.duplicates_deferred = True  # checked by a job after the commit (app.services.batch_similarity)
        else:
            preview.duplicates = duplicates.flag_records(session, records, stored_ids, congress.label)
    return preview


def _read(
    session: Session,
    congress: CongressSession,
    path: Path,
    kind: ItemKind,
    file_name: str | None,
    progress: Progress | None,
    skip_locked: bool,
    stored: tuple[dict[str, tuple[int, dict[str, Any]]], dict[int, str]] | None = None,
    on_record: Callable[[ImportRecord, bool], None] | None = None,
    sha256: str | None = None,
) -> ImportPreview:
    """preview_import's work, given what is stored when the caller loaded it already."""
    profile = context.current().profile
    limits = reader_limits()
    try:
        with _gc_paused():
            result = parse_file(path, kind, profile, congress.number_width, limits, progress, on_record)
    except UnusableFile as exc:
        if file_name:
            exc.file = file_name
        raise UnusableUpload(exc) from None
    preview = ImportPreview(
        file_name=file_name or path.name,
        sha256=sha256 or file_sha256(path),
        size_bytes=path.stat().st_size,
        kind=kind,
        session_id=congress.id,
        session_label=congress.label,
        result=result,
        plan=None,
        problems=list(result.errors),
        file_format=result.source_format or XLSX,
        skip_locked=skip_locked,
    )
    if not result.ok:
        return preview
    with _gc_paused():
        stored_values, states = stored if stored is not None else _stored_values(session, congress.id)
        preview.plan = plan_import(result.records, stored_values)
    preview.plan.set_aside_locked(states, ItemState.REGISTERED.value)
    if skip_locked:
        return preview
    for change, state in preview.plan.locked:
        preview.locked += 1
        preview.problems.append(
            Problem(
                change.record.sheet,
                change.record.row,
                None,
                None,
                change.record.number,
                "locked_item",
                {"number": change.record.number, "state": _state_label(state)},
            )
        )
    return preview


def commit_import(
    session: Session,
    actor: Actor,
    path: Path,
    *,
    kind: ItemKind | str,
    session_label: str,
    file_name: str | None = None,
    confirm_changes: bool = False,
    progress: Progress | None = None,
    skip_locked: bool = False,
) -> tuple[ImportBatch, ImportPreview]:
    """Import the workbook or nothing. Raises ImportHasErrors, ChangesNeedConfirmation, UnusableUpload.

    With `skip_locked`, rows of items already assigned are left as they are (listed in the batch as
    "skipped" and in its audit entry); everything else is imported in the same transaction."""
    require_office(actor)
    kind = ItemKind(kind)
    path = Path(path)
    congress = _session_for(session, kind, session_label)
    if _is_postgresql(session) and STREAM_WRITES:
        done, preview = _commit_streaming(
            session, actor, congress, path, kind, file_name, confirm_changes, progress, skip_locked
        )
        if done is not None:
            return done, preview
    else:
        preview = _read(session, congress, path, kind, file_name, progress, skip_locked)
    return _commit_planned(session, actor, path, preview, confirm_changes)


#: PostgreSQL: write new items while the workbook is still being read (see _StreamingWriter)
STREAM_WRITES = True


def _commit_streaming(
    session: Session,
    actor: Actor,
    congress: CongressSession,
    path: Path,
    kind: ItemKind,
    file_name: str | None,
    confirm_changes: bool,
    progress: Progress | None,
    skip_locked: bool,
) -> tuple[ImportBatch | None, ImportPreview]:
    """Read and write at once, inside a savepoint: (batch, preview) when imported; (None, preview)
    when the savepoint was rolled back (a refusal, or anything the writer could not do), for the
    caller to refuse or import as usual."""
    sha256 = file_sha256(path)
    nested = session.begin_nested()
    try:
        with _gc_paused():
            stored = _stored_values(session, congress.id)
        batch = ImportBatch(  # counts and the stored file are set once the workbook is read
            file_name=(file_name or path.name)[:255],
            sha256=sha256,
            size_bytes=path.stat().st_size,
            kind=kind.value,
            session_id=congress.id,
            created_by_id=actor.user_id,
            created_by_name=actor.username,
        )
        session.add(batch)
        session.flush()
        lookups = _Lookups(session)
        writer = _StreamingWriter(session, kind, congress.id, batch.id, set(stored[0]), lookups)
        try:
            preview = _read(
                session, congress, path, kind, file_name, progress, skip_locked, stored, writer.offer, sha256
            )
        finally:
            written = writer.finish()
        plan = preview.plan
        if written and preview.ok and plan is not None and writer.wrote(plan.new):
            done = _commit_planned(
                session, actor, path, preview, confirm_changes, batch=batch, new_ids=writer.ids, lookups=lookups
            )
            nested.commit()
            return done
    except BaseException:
        if nested.is_active:
            nested.rollback()
        raise
    nested.rollback()
    return None, preview


def _commit_planned(
    session: Session,
    actor: Actor,
    path: Path,
    preview: ImportPreview,
    confirm_changes: bool,
    *,
    batch: ImportBatch | None = None,
    new_ids: list[int] | None = None,
    lookups: _Lookups | None = None,
) -> tuple[ImportBatch, ImportPreview]:
    """Refuse or write what the preview planned; `batch` and `new_ids` when the new items are written already."""
    if not preview.ok:
        raise ImportHasErrors(preview)
    plan = preview.plan
    assert plan is not None  # set whenever the parse had no errors
    if plan.changed and not confirm_changes:
        raise ChangesNeedConfirmation(preview)

    values = {
        "file_name": preview.file_name[:255],
        "sha256": preview.sha256,
        "size_bytes": preview.size_bytes,
        "kind": preview.kind.value,
        "session_id": preview.session_id,
        "rows": preview.result.data_rows,
        "new_count": len(plan.new),
        "changed_count": len(plan.changed),
        "unchanged_count": len(plan.unchanged),
        "notes_count": len(preview.notes),
        "stored_file": _store_original(Path(path), preview.sha256, preview.file_format),
    }
    if batch is None:
        batch = ImportBatch(**values, created_by_id=actor.user_id, created_by_name=actor.username)
        session.add(batch)
        session.flush()
    else:
        for key, value in values.items():
            setattr(batch, key, value)

    lookups = lookups or _Lookups(session)
    with _gc_paused():
        if new_ids is None:
            new_ids = _insert_new(session, preview, plan.new, lookups)
            _insert_links(session, batch.id, "new", zip(plan.new, new_ids, strict=True))
        for change in plan.changed:
            _update_changed(session, actor, change.item_id, change.record, change.fields, lookups, batch.id)
        outcomes = (
            ("changed", ((c.record, c.item_id) for c in plan.changed)),
            ("unchanged", iter(plan.unchanged)),
            ("skipped", ((c.record, c.item_id) for c, _state in plan.locked)),
        )
        for outcome, pairs in outcomes:
            _insert_links(session, batch.id, outcome, pairs)
    audit.record(
        session,
        actor,
        entity="import_batch",
        entity_id=batch.id,
        action="commit",
        after={
            "file_name": batch.file_name,
            "sha256": batch.sha256,
            "kind": batch.kind,
            "session": preview.session_label,
            **plan.counts,
            "skipped": [
                {"number": c.record.number, "state": state, "sheet": c.record.sheet, "row": c.record.row}
                for c, state in plan.locked
            ],
        },
        reason="import the others, leave locked rows as they are" if plan.locked else None,
    )
    # link the submitters of new and changed items to the roster (issue 14); unresolved names are listed there
    roster.link_items(session, actor, [*new_ids, *(c.item_id for c in plan.changed)])
    # after the rows are written (on PostgreSQL, COPYed while reading): the similarity index and 并案 suggestions
    batch_similarity.after_import(session, actor, batch.id, [*new_ids, *(c.item_id for c in plan.changed)])
    return batch, preview


class _StreamingWriter:
    """PostgreSQL: new items (with co-signers, intended departments and their batch links) go to the
    server chunk by chunk while the workbook is still being read, so that the server's share (COPY
    with its index and foreign-key checks, as long as the read itself) runs on the other core.

    The reading thread formats each chunk as COPY text; a thread of its own only sends it (it holds
    the GIL for moments, so the read is not slowed). Item ids come from the sequence on a second
    connection (sequences are not transactional), as the first one is busy with COPY. Only while
    the workbook has had no problem; nothing else touches the session's connection until finish().
    All of it happens in the caller's savepoint, rolled back unless the import goes ahead."""

    def __init__(
        self, session: Session, kind: ItemKind, session_id: int, batch_id: int, stored: set[str], lookups: _Lookups
    ) -> None:
        driver = session.connection().connection.driver_connection
        assert driver is not None  # a checked-out connection always has its driver connection
        self.driver = driver
        bind = session.get_bind()
        self.engine = bind if isinstance(bind, Engine) else bind.engine
        self.kind, self.session_id, self.batch_id = kind, session_id, batch_id
        self.stored, self.lookups = stored, lookups
        self.now = utcnow()
        self.records: list[ImportRecord] = []  # sent, in order
        self.ids: list[int] = []
        self.error: BaseException | None = None
        self.stopped = False
        self._chunk: list[ImportRecord] = []
        self._queue: queue.SimpleQueue[list[tuple[str, bytes]] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="jianti-import-writer", daemon=True)
        self._thread.start()

    def offer(self, record: ImportRecord, clean: bool) -> None:
        if not clean:
            self.stopped = True  # the import will be refused: send no more
        if self.stopped or self.error is not None or record.number in self.stored:
            return
        self._chunk.append(record)
        if len(self._chunk) >= INSERT_CHUNK:
            self._send()

    def finish(self) -> bool:
        """Send the rest and wait; True when everything offered was written."""
        if self._chunk and not self.stopped and self.error is None:
            self._send()
        self._queue.put(None)
        self._thread.join()
        return self.error is None and not self.stopped

    def wrote(self, records: list[ImportRecord]) -> bool:
        return len(records) == len(self.records) and all(a is b for a, b in zip(records, self.records, strict=True))

    def _send(self) -> None:
        chunk, self._chunk = self._chunk, []
        try:
            ids = self._reserve_ids(len(chunk))
            rows = _new_item_rows(self.kind, self.session_id, self.now, chunk, self.lookups)
            tables = (
                (table_of(Item), [{"id": i, **row} for i, row in zip(ids, rows, strict=True)]),
                (table_of(ItemCoSigner), _co_signer_rows(chunk, ids)),
                (table_of(ItemIntendedDepartment), _intended_rows(chunk, ids, self.lookups)),
                (table_of(ImportBatchItem), _link_rows(self.batch_id, "new", zip(chunk, ids, strict=True))),
            )
            self._queue.put([_copy_text(table, table_rows) for table, table_rows in tables if table_rows])
        except Exception as exc:  # noqa: BLE001  reported by finish(): the import is written after the read instead
            self.error = exc
            return
        self.records += chunk
        self.ids += ids

    def _reserve_ids(self, count: int) -> list[int]:
        with self.engine.connect() as connection:
            if connection.connection.driver_connection is self.driver:  # a pool that shares one connection
                raise RuntimeError("no second connection to take ids on")
            return list(
                connection.scalars(
                    text("SELECT nextval(pg_get_serial_sequence('items', 'id')) FROM generate_series(1, :count)"),
                    {"count": count},
                )
            )

    def _run(self) -> None:
        while (payloads := self._queue.get()) is not None:
            if self.error is not None:
                continue
            try:
                for statement, data in payloads:
                    with self.driver.cursor() as cursor, cursor.copy(statement) as copy:
                        copy.write(data)
            except BaseException as exc:  # noqa: BLE001  reported by finish(); the savepoint is rolled back
                self.error = exc


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value: Any) -> Any:
    """One value in COPY's text format (as psycopg's write_row sends it)."""
    if value is None:
        return "\\N"
    kind = value.__class__
    if kind is str:
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_COPY_ESCAPES)
        return value
    if kind is bool:
        return "t" if value else "f"
    if kind is int:
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return _copy_value(value.value)
    return str(value).translate(_COPY_ESCAPES)


def _copy_text(table: Table, rows: list[dict[str, Any]]) -> tuple[str, bytes]:
    """(COPY statement, its data) for rows that all have the same keys."""
    columns = list(rows[0])
    quoted = ", ".join(f'"{c}"' for c in columns)
    values = operator.itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
    convert = _copy_value
    lines = ["\t".join([convert(v) for v in values(row)]) for row in rows]
    lines.append("")
    return f'COPY "{table.name}" ({quoted}) FROM STDIN', "\n".join(lines).encode()


def _link_rows(batch_id: int, outcome: str, pairs: Iterable[tuple[ImportRecord, int]]) -> list[dict[str, Any]]:
    return [
        {"batch_id": batch_id, "item_id": item_id, "outcome": outcome, "sheet": record.sheet[:100], "row": record.row}
        for record, item_id in pairs
    ]


def _insert_links(session: Session, batch_id: int, outcome: str, pairs: Iterable[tuple[ImportRecord, int]]) -> None:
    """Link rows in chunks, so that 50,000 of them never sit in memory at once."""
    iterator = iter(pairs)
    while chunk := _link_rows(batch_id, outcome, itertools.islice(iterator, INSERT_CHUNK)):
        _bulk_insert(session, table_of(ImportBatchItem), chunk)


class _Lookups:
    def __init__(self, session: Session) -> None:
        profile_name = context.current().profile_name
        self.departments = dict(session.execute(select(Department.code, Department.id)).all())
        self.categories = dict(
            session.execute(select(Category.code, Category.id).where(Category.profile == profile_name)).all()
        )

    def category_id(self, code: str | None) -> int | None:
        return self.categories.get(code) if code else None


def _item_values(record: ImportRecord, lookups: _Lookups) -> dict[str, Any]:
    return {
        "title": record.title,
        "content": record.content,
        "category_id": lookups.category_id(record.category_code),
        "submitter_type": record.submitter_type.value,
        "lead_submitter": record.lead_submitter,
        "submitter_count": record.submitter_count,
        "delegation": record.delegation,
        "sector": record.sector,
        "party": record.party,
        "during_session": record.during_session,
        "agree_to_publish": record.agree_to_publish,
        "submitted_on": record.submitted_on,
        "key_supervision": record.key_supervision,
    }


def _new_item_rows(
    kind: ItemKind, session_id: int, now: Any, records: list[ImportRecord], lookups: _Lookups
) -> list[dict[str, Any]]:
    return [
        {
            "kind": kind.value,
            "session_id": session_id,
            "number": r.number,
            "state": ItemState.REGISTERED.value,
            "round": 1,
            "version": 1,
            "created_at": now,
            "updated_at": now,
            **_item_values(r, lookups),
        }
        for r in records
    ]


def _co_signer_rows(records: list[ImportRecord], ids: list[int]) -> list[dict[str, Any]]:
    return [
        {"item_id": item_id, "position": position, "name": name}
        for r, item_id in zip(records, ids, strict=True)
        for position, name in enumerate(r.co_signers, start=1)
    ]


def _insert_new(session: Session, preview: ImportPreview, records: list[ImportRecord], lookups: _Lookups) -> list[int]:
    ids: list[int] = []
    now = utcnow()
    for start in range(0, len(records), INSERT_CHUNK):
        chunk = records[start : start + INSERT_CHUNK]
        rows = _new_item_rows(preview.kind, preview.session_id, now, chunk, lookups)
        chunk_ids = _insert_returning_ids(session, table_of(Item), rows)
        ids += chunk_ids
        _bulk_insert(session, table_of(ItemCoSigner), _co_signer_rows(chunk, chunk_ids))
        _bulk_insert(session, table_of(ItemIntendedDepartment), _intended_rows(chunk, chunk_ids, lookups))
    return ids


# Bulk writing. On PostgreSQL, COPY is several times faster than multi-row INSERTs for tens of
# thousands of rows (ids are taken from the table's sequence first); elsewhere Core executemany
# (on SQLite with ids assigned up front).
# Core, not the ORM: the ORM's bulk path splits rows by their pattern of NULLs into many statements.


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _copy_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    driver = session.connection().connection.driver_connection  # psycopg, inside the session's transaction
    assert driver is not None  # a checked-out connection always has its driver connection
    _copy_on(driver, table, rows)


def _copy_on(driver: Any, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    quoted = ", ".join(f'"{c}"' for c in columns)
    values = operator.itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
    with driver.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        write = copy.write_row
        for row in rows:
            write(values(row))


def _sqlite_executemany(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Core's INSERT, compiled once and sent with the driver's executemany: SQLAlchemy's own
    executemany spends more time building its parameter dicts than SQLite spends inserting.
    Values go through each column type's bind processor, so they are stored exactly as Core stores them."""
    columns = list(rows[0])
    dialect = session.get_bind().dialect
    statement = insert(table).compile(dialect=dialect, column_keys=columns)
    order = statement.positiontup or columns
    processors = [table.c[name].type._cached_bind_processor(dialect) for name in order]
    if all(processor is None for processor in processors):
        getter = operator.itemgetter(*order) if len(order) > 1 else (lambda row: (row[order[0]],))
        params = [getter(row) for row in rows]
    else:  # column by column: a processor runs once per distinct value (timestamps repeat on every row)
        columns_of_values = []
        for name, processor in zip(order, processors, strict=True):
            values = [row[name] for row in rows]
            if processor is not None:
                processed: dict[Any, Any] = {}
                values = [
                    None if v is None else processed[v] if v in processed else processed.setdefault(v, processor(v))
                    for v in values
                ]
            columns_of_values.append(values)
        params = list(zip(*columns_of_values, strict=True))
    driver = session.connection().connection.driver_connection
    assert driver is not None  # a checked-out connection always has its driver connection
    driver.executemany(str(statement), params)


def _bulk_insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if _is_postgresql(session):
        _copy_rows(session, table, rows)
    elif session.get_bind().dialect.name == "sqlite":
        _sqlite_executemany(session, table, rows)
    else:
        session.execute(insert(table), rows)


def _insert_returning_ids(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    if _is_postgresql(session):
        ids = list(
            session.scalars(
                text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"),
                {"table": table.name, "count": len(rows)},
            )
        )
        _copy_rows(session, table, [{"id": item_id, **row} for item_id, row in zip(ids, rows, strict=True)])
        return ids
    if session.get_bind().dialect.name == "sqlite":
        # RETURNING in parameter order makes SQLAlchemy send one INSERT per row on SQLite. The
        # batch row flushed before holds SQLite's write lock, so nobody else can take these ids.
        first = (session.scalar(select(func.max(table.c.id))) or 0) + 1
        ids = list(range(first, first + len(rows)))
        _sqlite_executemany(session, table, [{"id": item_id, **row} for item_id, row in zip(ids, rows, strict=True)])
        return ids
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(session.scalars(statement, rows))


def _intended_rows(records: list[ImportRecord], ids: list[int], lookups: _Lookups) -> list[dict[str, Any]]:
    rows = []
    for record, item_id in zip(records, ids, strict=True):
        for attribute, role in INTENDED_ROLES:
            for code in getattr(record, attribute):
                rows.append({"item_id": item_id, "department_id": lookups.departments[code], "role": role})
    return rows


def _update_changed(
    session: Session,
    actor: Actor,
    item_id: int,
    record: ImportRecord,
    fields: tuple[str, ...],
    lookups: _Lookups,
    batch_id: int,
) -> None:
    item = session.scalars(
        select(Item)
        .where(Item.id == item_id)
        .options(selectinload(Item.co_signers), selectinload(Item.intended_departments))
    ).one()
    before = _item_snapshot(item, lookups)
    for key, value in _item_values(record, lookups).items():
        setattr(item, key, value)
    # the old links go first: a link kept with the same department and role would clash with itself
    item.co_signers = []
    item.intended_departments = []
    session.flush()
    item.co_signers = [ItemCoSigner(position=i, name=n) for i, n in enumerate(record.co_signers, start=1)]
    item.intended_departments = [
        ItemIntendedDepartment(department_id=lookups.departments[code], role=role)
        for attribute, role in INTENDED_ROLES
        for code in getattr(record, attribute)
    ]
    session.flush()
    after = _item_snapshot(item, lookups)
    audit.record(
        session,
        actor,
        entity="item",
        entity_id=item.id,
        action="import_update",
        before={k: before[k] for k in fields},
        after={k: after[k] for k in fields},
        reason=f"import batch {batch_id}",
    )


def _item_snapshot(item: Item, lookups: _Lookups) -> dict[str, Any]:
    categories = {v: k for k, v in lookups.categories.items()}
    departments = {v: k for k, v in lookups.departments.items()}
    intended: dict[str, list[str]] = defaultdict(list)
    for link in item.intended_departments:
        intended[link.role].append(departments.get(link.department_id, str(link.department_id)))
    values = {name: getattr(item, name, None) for name in COMPARED_FIELDS}
    values.update(
        category_code=categories.get(item.category_id) if item.category_id is not None else None,
        co_signers=[c.name for c in item.co_signers],
        intended_lead=intended["lead"],
        intended_co=intended["co"],
        intended_split=intended["split"],
    )
    return comparable_values(values)


# --------------------------------------------------------------------------- files


def _data_dir() -> Path:
    return get_settings().data_dir


FORMAT_SUFFIXES = {XLSX: ".xlsx", XLS: ".xls", ODS: ".ods", CSV: ".csv"}


def _store_original(path: Path, sha256: str, file_format: str = XLSX) -> str:
    """Keep the imported workbook (content-addressed, outside the web root); returns its relative path."""
    relative = Path("imports") / "files" / f"{sha256}{FORMAT_SUFFIXES.get(file_format, '.xlsx')}"
    target = _data_dir() / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return relative.as_posix()


def stored_file_path(batch: ImportBatch) -> Path | None:
    if not batch.stored_file:
        return None
    path = _data_dir() / batch.stored_file
    return path if path.is_file() else None


def write_error_report(preview: ImportPreview, source: Path, destination: Path) -> Path:
    """The uploaded workbook with every bad cell marked, in Chinese (the office's working language)."""
    with locale_scope("zh_CN"):
        return write_error_copy(source, destination, preview.problems, preview.header_rows, gettext)


# --------------------------------------------------------------------------- pending uploads (web)

PENDING_MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass(frozen=True)
class PendingUpload:
    token: str
    directory: Path
    file_name: str
    kind: ItemKind
    session_label: str
    user_id: int | None

    @property
    def path(self) -> Path:
        return self.directory / "upload.xlsx"

    @property
    def error_copy(self) -> Path:
        return self.directory / "errors.xlsx"


def _pending_root() -> Path:
    return _data_dir() / "imports" / "pending"


def save_pending(
    actor: Actor, source: IO[bytes], *, file_name: str, kind: ItemKind | str, session_label: str
) -> PendingUpload:
    """Store an upload until it is confirmed; `source` is a binary file object. Enforces the size limit."""
    require_office(actor)
    _remove_stale_pending()
    limit = get_settings().max_upload_mb * 1024 * 1024
    token = secrets.token_urlsafe(18)
    directory = _pending_root() / token
    directory.mkdir(parents=True)
    written = 0
    with (directory / "upload.xlsx").open("wb") as out:
        for block in iter(lambda: source.read(1 << 20), b""):
            written += len(block)
            if written > limit:
                out.close()
                shutil.rmtree(directory, ignore_errors=True)
                raise UnusableUpload(UnusableFile("too_large", file_name, size=written, limit=limit))
            out.write(block)
    pending = PendingUpload(
        token, directory, Path(file_name).name or "upload.xlsx", ItemKind(kind), session_label, actor.user_id
    )
    meta = {
        "file_name": pending.file_name,
        "kind": pending.kind.value,
        "session": session_label,
        "user_id": actor.user_id,
        "saved": office_today().isoformat(),
    }
    (directory / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return pending


def load_pending(actor: Actor, token: str) -> PendingUpload:
    require_office(actor)
    directory = _pending_root() / token
    if not _TOKEN.match(token) or not (directory / "meta.json").is_file():
        raise NotFound(_("This upload is no longer available; upload the workbook again."))
    meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    if meta["user_id"] != actor.user_id:
        raise NotFound(_("This upload is no longer available; upload the workbook again."))
    return PendingUpload(token, directory, meta["file_name"], ItemKind(meta["kind"]), meta["session"], meta["user_id"])


def discard_pending(pending: PendingUpload) -> None:
    shutil.rmtree(pending.directory, ignore_errors=True)


def _remove_stale_pending() -> None:
    root = _pending_root()
    if not root.is_dir():
        return
    cutoff = time.time() - PENDING_MAX_AGE_SECONDS
    for directory in root.iterdir():
        try:
            if directory.stat().st_mtime < cutoff:
                shutil.rmtree(directory, ignore_errors=True)
        except FileNotFoundError:
            continue


# --------------------------------------------------------------------------- batches


def list_batches(session: Session, actor: Actor, limit: int = 200) -> list[ImportBatch]:
    require_office(actor)
    return list(
        session.scalars(
            select(ImportBatch).options(selectinload(ImportBatch.session)).order_by(ImportBatch.id.desc()).limit(limit)
        )
    )


def get_batch(session: Session, actor: Actor, batch_id: int) -> ImportBatch:
    require_office(actor)
    batch = session.scalar(
        select(ImportBatch).options(selectinload(ImportBatch.session)).where(ImportBatch.id == batch_id)
    )
    if batch is None:
        raise NotFound(_("No such import batch."))
    return batch


def batch_items(
    session: Session, actor: Actor, batch_id: int, *, outcome: str | None = None, offset: int = 0, limit: int = 100
) -> tuple[list[tuple[ImportBatchItem, Item]], int]:
    require_office(actor)
    stmt = (
        select(ImportBatchItem, Item)
        .join(Item, Item.id == ImportBatchItem.item_id)
        .where(ImportBatchItem.batch_id == batch_id)
    )
    if outcome:
        stmt = stmt.where(ImportBatchItem.outcome == outcome)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(stmt.order_by(ImportBatchItem.id).offset(offset).limit(limit)).all()
    return [(link, item) for link, item in rows], total


def batch_as_dict(batch: ImportBatch) -> dict[str, Any]:
    return {
        "id": batch.id,
        "file_name": batch.file_name,
        "sha256": batch.sha256,
        "size_bytes": batch.size_bytes,
        "kind": batch.kind,
        "session": batch.session.label if batch.session else None,
        "rows": batch.rows,
        "counts": {"new": batch.new_count, "changed": batch.changed_count, "unchanged": batch.unchanged_count},
        "notes": batch.notes_count,
        "created_by": batch.created_by_name,
        "created_at": batch.created_at.isoformat() if batch.created_at else None,
    }
