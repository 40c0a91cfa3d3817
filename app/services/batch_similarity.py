"""The similarity index and 并案 suggestions of an imported batch: in the import's transaction for a
session's batch, from a job after the commit for a large one.

A session's batch (800–2,000 rows) is indexed and checked for near-duplicates before the import
commits, so the routing review shows its suggestions at once. A larger workbook (an archive, a
merged export) would spend several times its reading time there — comparing every row with every
stored item — so it commits first and a `similarity_batch` job (listed with the user's jobs) does
the rest; both steps are idempotent, a retried job changes nothing twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.base import chunks
from app.db.engine import session_scope
from app.db.models.imports import ImportBatchItem
from app.services import duplicates, jobs, similarity
from app.services.actor import Actor

#: rows above which the batch's similarity work moves to a job after the commit
INLINE_ROWS = 3_000
JOB_KIND = "similarity_batch"
CHUNK = 500  # items per transaction in the job


def deferred(rows: int) -> bool:
    return rows > INLINE_ROWS


def after_import(session: Session, actor: Actor, batch_id: int, item_ids: Sequence[int]) -> None:
    """Called by the import once its rows are written, in its transaction."""
    if deferred(len(item_ids)):
        jobs.submit(session, actor, JOB_KIND, {"batch_id": batch_id}, dedupe_key=f"{JOB_KIND}:{batch_id}")
        return
    similarity.index_items(session, item_ids)
    duplicates.propose_for_items(session, actor, item_ids, batch_id)


def run_for_batch(actor: Actor, batch_id: int, *, chunk: int | None = None) -> dict[str, int]:
    """The job: index the batch's new and changed items, then store their 并案 suggestions, `chunk`
    items per transaction — on SQLite one long write would lock out every other writer meanwhile."""
    with session_scope() as session:
        item_ids = list(
            session.scalars(
                select(ImportBatchItem.item_id)
                .where(ImportBatchItem.batch_id == batch_id, ImportBatchItem.outcome.in_(("new", "changed")))
                .order_by(ImportBatchItem.item_id)
            )
        )
    parts = list(chunks(item_ids, chunk or CHUNK))
    for part in parts:
        with session_scope() as session:
            similarity.index_items(session, part)
    proposed = 0
    for part in parts:  # the whole batch is indexed by now: pairs across parts are found from either side
        with session_scope() as session:
            proposed += duplicates.propose_for_items(session, actor, part, batch_id, batch_item_ids=item_ids)
    return {"items": len(item_ids), "proposed": proposed}
