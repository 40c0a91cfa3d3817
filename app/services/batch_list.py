"""The import batches (/imports) on the one list mechanism: filter by kind and file name (the page's
`session` parameter preselects the upload form's session, so it is not a filter here); sort by every
column; paged, newest first. The office only."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.db.models.imports import ImportBatch
from app.domain.enums import ItemKind
from app.services.access import require_office
from app.services.actor import Actor
from app.services.listing import FilterSpec, ListPage, ListQuery, ListSpec, run_page, search_clause

BATCH_SPEC = ListSpec(
    filters={
        "kind": FilterSpec("choice", tuple(k.value for k in ItemKind)),
        "q": FilterSpec("text"),  # text in the file name or the importer's name
    },
    sorts={
        "id": ImportBatch.id,
        "file": ImportBatch.file_name,
        "session": ImportBatch.session_id,
        "new": ImportBatch.new_count,
        "changed": ImportBatch.changed_count,
        "unchanged": ImportBatch.unchanged_count,
        "by": ImportBatch.created_by_name,
        "when": ImportBatch.created_at,
    },
    tiebreak=ImportBatch.id,
    default_sort="id",
    default_direction="desc",
    default_per_page=20,
)


def list_batches(session: Session, actor: Actor, query: ListQuery) -> ListPage:
    require_office(actor)
    stmt = select(ImportBatch).options(selectinload(ImportBatch.session))
    if query.get("kind"):
        stmt = stmt.where(ImportBatch.kind == query.get("kind"))
    if query.get("q"):
        stmt = stmt.where(search_clause([ImportBatch.file_name, ImportBatch.created_by_name], query.get("q")))
    return run_page(session, stmt, query)
