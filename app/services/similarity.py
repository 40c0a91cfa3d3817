"""Similar items: the bigram index (app.domain.similarity) kept in three tables, and the search.

One path on both databases, in two steps:
1. candidates in SQL: the posting lists of the item's most distinctive terms (terms in more than
   COMMON_SHARE of all items are left out of this step; if all are, the RAREST_FALLBACK rarest are
   read, so the read stays bounded), summed as integers
   (stored weight × query weight), restricted to `candidate_ids` and the exclusions in the same
   statement, top CANDIDATE_POOL by that sum, ties by id;
2. the exact IDF-weighted cosine (domain) for those candidates, from their stored vectors.
Integers in SQL and the same Python for the score give identical results on SQLite and PostgreSQL.
pg_trgm is not used: its trigram similarity is another measure (unweighted, and over trigrams),
so it could neither rank nor pre-filter without changing which items are found.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Select, case, cast, delete, func, insert, literal, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.db.base import chunks, table_of, utcnow
from app.db.models import Item
from app.db.models.similarity import SimilarityDocument, SimilarityTerm, SimilarityTermFrequency
from app.domain import similarity as domain

DEFAULT_MIN_SCORE = 0.1
MAX_LIMIT = 100
CANDIDATE_POOL = 40
MAX_QUERY_TERMS = 32
COMMON_SHARE = 0.01  # a term in more than 1% of the items says little about which ones
RAREST_FALLBACK = 4  # when every term is that common: the few rarest, so the read stays bounded
COMMON_FLOOR = 50


@dataclass(frozen=True)
class SimilarItem:
    item_id: int
    score: float  # 0..1, same scale on both databases
    shared_terms: tuple[str, ...]  # the distinctive shared bigrams, for the explanation


def text_hash(title: str, content: str) -> str:
    return hashlib.sha256(f"{domain.ALGORITHM_VERSION}\x1f{title}\x1f{content}".encode()).hexdigest()


# --- the index -------------------------------------------------------------------------------


def index_items(session: Session, item_ids: Iterable[int]) -> None:
    """Bring the index up to date for these items (new, edited or deleted); unchanged ones cost a hash.
    Called on import commit and on edit, in the caller's transaction."""
    ids = sorted(set(item_ids))
    stale: dict[int, dict[str, int]] = {}
    hashes: dict[int, str] = {}
    gone: list[int] = []
    for chunk in chunks(ids):
        known = dict(
            session.execute(
                select(SimilarityDocument.item_id, SimilarityDocument.text_hash).where(
                    SimilarityDocument.item_id.in_(chunk)
                )
            ).all()
        )
        found = set()
        for item_id, title, content in session.execute(
            select(Item.id, Item.title, Item.content).where(Item.id.in_(chunk))
        ):
            found.add(item_id)
            digest = text_hash(title, content or "")
            if known.get(item_id) != digest:
                stale[item_id] = domain.document_vector(title, content or "")
                hashes[item_id] = digest
        gone.extend(item_id for item_id in known if item_id not in found)
    if stale or gone:
        _replace_vectors(session, stale, hashes, gone)


def _replace_vectors(
    session: Session, vectors: dict[int, dict[str, int]], hashes: dict[int, str], gone: list[int]
) -> None:
    changed = sorted([*vectors, *gone])
    delta: dict[str, int] = defaultdict(int)
    for chunk in chunks(changed):
        for (term,) in session.execute(select(SimilarityTerm.term).where(SimilarityTerm.item_id.in_(chunk))):
            delta[term] -= 1
        session.execute(delete(SimilarityTerm).where(SimilarityTerm.item_id.in_(chunk)))
        session.execute(delete(SimilarityDocument).where(SimilarityDocument.item_id.in_(chunk)))
    now = utcnow()
    term_rows: list[dict[str, Any]] = []
    document_rows: list[dict[str, Any]] = []
    for item_id, vector in vectors.items():
        for term, weight in vector.items():
            term_rows.append({"item_id": item_id, "term": term, "weight": weight})
            delta[term] += 1
        document_rows.append(
            {"item_id": item_id, "text_hash": hashes[item_id], "term_count": len(vector), "indexed_at": now}
        )
    _bulk_insert(session, SimilarityTerm, term_rows)
    _bulk_insert(session, SimilarityDocument, document_rows)
    _apply_frequencies(session, {term: change for term, change in delta.items() if change})


def _bulk_insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    table = table_of(model)
    if session.get_bind().dialect.name == "postgresql":
        columns = list(rows[0])
        driver = session.connection().connection.driver_connection
        assert driver is not None  # a checked-out connection always has its driver connection
        quoted = ", ".join(f'"{c}"' for c in columns)
        with driver.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(tuple(_copy_value(row[c]) for c in columns))
        return
    for part in chunks(rows, 20_000):
        session.execute(insert(table), part)


def _copy_value(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _apply_frequencies(session: Session, delta: dict[str, int]) -> None:
    """Add the changes to the document frequencies (sorted, so concurrent imports lock rows in one order)."""
    if not delta:
        return
    table = table_of(SimilarityTermFrequency)
    upsert_insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    rows = [{"term": term, "documents": delta[term]} for term in sorted(delta)]
    for part in chunks(rows, 5_000):
        statement = upsert_insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.term], set_={"documents": table.c.documents + statement.excluded.documents}
        )
        session.execute(statement, part)
    session.execute(delete(table).where(table.c.documents <= 0))


def reindex_all(session: Session) -> int:
    """Rebuild the whole index from the items (the CLI's reindex); returns the number of items."""
    session.execute(delete(SimilarityTerm))
    session.execute(delete(SimilarityDocument))
    session.execute(delete(SimilarityTermFrequency))
    ids = list(session.scalars(select(Item.id).order_by(Item.id)))
    for part in chunks(ids, 5_000):
        index_items(session, part)
    return len(ids)


def unindexed_count(session: Session) -> int:
    """Items missing from the index."""
    missing = select(func.count(Item.id)).where(
        ~select(SimilarityDocument.item_id).where(SimilarityDocument.item_id == Item.id).exists()
    )
    return int(session.scalar(missing) or 0)


@dataclass(frozen=True)
class Drift:
    """How the index differs from the items (db check; `jianti similarity check`)."""

    missing: list[int]  # items not indexed
    stale: list[int]  # items whose title or content changed since they were indexed (or the algorithm did)
    orphans: int  # indexed documents of items that no longer exist
    frequency_errors: int  # terms whose kept document frequency differs from a recount

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.orphans or self.frequency_errors)


def drift(session: Session) -> Drift:
    indexed = dict(session.execute(select(SimilarityDocument.item_id, SimilarityDocument.text_hash)).all())
    missing: list[int] = []
    stale: list[int] = []
    seen = 0
    for item_id, title, content in session.execute(select(Item.id, Item.title, Item.content).order_by(Item.id)):
        known = indexed.get(item_id)
        if known is None:
            missing.append(item_id)
            continue
        seen += 1
        if known != text_hash(title, content or ""):
            stale.append(item_id)
    recount = dict(session.execute(select(SimilarityTerm.term, func.count()).group_by(SimilarityTerm.term)).all())
    kept = dict(session.execute(select(SimilarityTermFrequency.term, SimilarityTermFrequency.documents)).all())
    errors = sum(1 for term in recount.keys() | kept.keys() if recount.get(term, 0) != kept.get(term, 0))
    return Drift(missing, stale, len(indexed) - seen, errors)


def repair(session: Session, found: Drift) -> int:
    """Fix what drift() found: the missing and stale items reindexed, or everything when the counts are off."""
    if found.orphans or found.frequency_errors:
        return reindex_all(session)
    index_items(session, [*found.missing, *found.stale])
    return len(found.missing) + len(found.stale)


# --- the search ------------------------------------------------------------------------------


def _stored_vectors(session: Session, item_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    vectors: dict[int, dict[str, int]] = defaultdict(dict)
    for item_id, term, weight in session.execute(
        select(SimilarityTerm.item_id, SimilarityTerm.term, SimilarityTerm.weight).where(
            SimilarityTerm.item_id.in_(item_ids)
        )
    ):
        vectors[item_id][term] = weight
    return vectors


def _frequencies(session: Session, terms: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    wanted = sorted(set(terms))
    for part in chunks(wanted):
        found.update(
            session.execute(
                select(SimilarityTermFrequency.term, SimilarityTermFrequency.documents).where(
                    SimilarityTermFrequency.term.in_(part)
                )
            ).all()
        )
    return found


def frequencies_of(session: Session, terms: Iterable[str]) -> tuple[int, dict[str, int]]:
    """(indexed items, document frequency of each term) — for scoring texts not stored yet."""
    documents = int(session.scalar(select(func.count()).select_from(SimilarityDocument)) or 0)
    return documents, _frequencies(session, terms)


def _vector_of(session: Session, item_id: int) -> dict[str, int]:
    stored = _stored_vectors(session, [item_id]).get(item_id)
    if stored is not None:
        return stored
    row = session.execute(select(Item.title, Item.content).where(Item.id == item_id)).first()
    return domain.document_vector(row[0], row[1] or "") if row else {}


def similar_items(
    session: Session,
    item_id: int,
    *,
    limit: int = 5,
    candidate_ids: Select[Any] | None = None,
    exclude_session_id: int | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
) -> list[SimilarItem]:
    """The items most similar to a stored item (itself excluded), best first, ties by id.
    candidate_ids: a SELECT of the item ids the caller may see; the search is restricted to it in SQL."""
    return search(
        session,
        _vector_of(session, item_id),
        limit=limit,
        candidate_ids=candidate_ids,
        exclude_item_ids=(item_id,),
        exclude_session_id=exclude_session_id,
        min_score=min_score,
    )


def similar_to_text(
    session: Session,
    title: str,
    content: str,
    *,
    limit: int = 5,
    candidate_ids: Select[Any] | None = None,
    exclude_item_ids: Sequence[int] = (),
    exclude_session_id: int | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
) -> list[SimilarItem]:
    """The stored items most similar to a text not (yet) stored, e.g. a row of an import preview."""
    return search(
        session,
        domain.document_vector(title, content),
        limit=limit,
        candidate_ids=candidate_ids,
        exclude_item_ids=exclude_item_ids,
        exclude_session_id=exclude_session_id,
        min_score=min_score,
    )


def search(
    session: Session,
    vector: dict[str, int],
    *,
    limit: int,
    candidate_ids: Select[Any] | None = None,
    exclude_item_ids: Sequence[int] = (),
    exclude_session_id: int | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
) -> list[SimilarItem]:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    if not 0.0 <= min_score <= 1.0:
        raise ValueError(f"min_score must be between 0 and 1, not {min_score}")
    if not vector:
        return []
    documents = int(session.scalar(select(func.count()).select_from(SimilarityDocument)) or 0)
    frequencies = _frequencies(session, vector)
    idfs = {term: domain.idf(frequencies.get(term, 0), documents) for term in vector}
    weights = domain.query_weights(vector, idfs)
    pool = _candidates(
        session,
        _search_terms(weights, frequencies, documents),
        limit=max(CANDIDATE_POOL, limit * 4),
        candidate_ids=candidate_ids,
        exclude_item_ids=exclude_item_ids,
        exclude_session_id=exclude_session_id,
    )
    if not pool:
        return []
    vectors = _stored_vectors(session, pool)
    document_terms = {term for stored in vectors.values() for term in stored}
    frequencies.update(_frequencies(session, document_terms - set(frequencies)))
    all_idfs = {term: domain.idf(frequencies.get(term, 0), documents) for term in document_terms | set(vector)}
    found = []
    for candidate in pool:
        scored = domain.cosine(vector, vectors.get(candidate, {}), all_idfs)
        if scored.score >= min_score and scored.score > 0:
            found.append(SimilarItem(candidate, scored.score, scored.shared_terms))
    found.sort(key=lambda similar: (-similar.score, similar.item_id))
    return found[:limit]


def bulk_search(
    session: Session,
    vectors: dict[int, dict[str, int]],
    *,
    limit: int,
    candidate_ids: Select[Any] | None = None,
    exclude: dict[int, set[int]] | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
    max_terms: int = 12,
    pool: int = 10,
    common_share: float = 0.002,
    prefer: dict[int, set[str]] | None = None,
    known_vectors: dict[int, dict[str, int]] | None = None,
) -> dict[int, list[SimilarItem]]:
    """Many searches at once (an import's rows or items), keyed like `vectors`: the posting lists
    of all their distinctive terms are read in one pass, restricted to candidate_ids in SQL, then
    each search runs in memory — the same two steps as `search`, with a smaller pool, fewer and
    rarer terms (the duplicate check looks for high scores only: a pair that close shares rare terms).
    prefer: per key, terms to read first (up to half of max_terms; the duplicate check passes the
    title's, so a long content's own rare words cannot crowd the title out).
    known_vectors: stored vectors the caller has read already, by item id (not read again)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    exclude = exclude or {}
    documents, frequencies = frequencies_of(session, {t for v in vectors.values() for t in v})
    idfs = {t: domain.idf(frequencies.get(t, 0), documents) for t in frequencies}
    unseen = domain.idf(0, documents)
    plans = {}
    for key, vector in vectors.items():
        weights = domain.query_weights(vector, {t: idfs.get(t, unseen) for t in vector})
        chosen = _search_terms(weights, frequencies, documents, common_share)
        ordered = sorted(chosen, key=lambda term: (-chosen[term], term))
        preferred = [t for t in ordered if t in (prefer or {}).get(key, ())][: max_terms // 2]
        rest = [t for t in ordered if t not in preferred][: max_terms - len(preferred)]
        plans[key] = {t: chosen[t] for t in (*preferred, *rest)}
    postings = _postings(session, sorted({t for plan in plans.values() for t in plan}), candidate_ids)
    pools: dict[int, list[int]] = {}
    for key, plan in plans.items():
        sums: dict[int, int] = defaultdict(int)
        for term, query_weight in plan.items():
            for item_id, weight in postings.get(term, ()):
                sums[item_id] += weight * query_weight
        for item_id in exclude.get(key, ()):
            sums.pop(item_id, None)
        pools[key] = sorted(sums, key=lambda item_id: (-sums[item_id], item_id))[:pool]
    pooled = sorted({i for found in pools.values() for i in found})
    known = known_vectors or {}
    stored = {item_id: known[item_id] for item_id in pooled if item_id in known}
    for chunk in chunks([item_id for item_id in pooled if item_id not in known]):
        stored.update(_stored_vectors(session, chunk))
    extra = {t for v in stored.values() for t in v} - set(frequencies)
    frequencies.update(_frequencies(session, extra))
    all_idfs = {t: domain.idf(frequencies.get(t, 0), documents) for t in frequencies}
    norms = {item_id: domain.norm(vector, all_idfs) for item_id, vector in stored.items()}
    idf_squared = {t: value * value for t, value in all_idfs.items()}
    results: dict[int, list[SimilarItem]] = {}
    for key, found in pools.items():
        candidates = ((item_id, stored.get(item_id, {}), norms.get(item_id, 0.0)) for item_id in found)
        own_norm = domain.norm(vectors[key], all_idfs)
        best = domain.best_matches(
            vectors[key], own_norm, candidates, all_idfs, idf_squared, min_score=min_score, limit=limit
        )
        results[key] = [SimilarItem(item_id, scored.score, scored.shared_terms) for item_id, scored in best]
    return results


def _postings(
    session: Session, terms: Sequence[str], candidate_ids: Select[Any] | None
) -> dict[str, list[tuple[int, int]]]:
    """Posting rows of the terms, only of candidate items. The candidates are read once (one SELECT)
    and rows outside them dropped before any ranking: with `item_id IN (subquery)` beside
    `term IN (...)`, SQLite probes every candidate for every term instead of reading the postings."""
    allowed = set(session.scalars(candidate_ids)) if candidate_ids is not None else None
    found: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for part in chunks(terms):
        statement = select(SimilarityTerm.term, SimilarityTerm.item_id, SimilarityTerm.weight).where(
            SimilarityTerm.term.in_(part)
        )
        for term, item_id, weight in session.execute(statement):
            if allowed is None or item_id in allowed:
                found[term].append((item_id, weight))
    return found


def stored_vectors(session: Session, item_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """The indexed vectors of these items (missing: not indexed)."""
    found: dict[int, dict[str, int]] = {}
    for chunk in chunks(sorted(set(item_ids))):
        found.update(_stored_vectors(session, chunk))
    return found


def _search_terms(
    weights: dict[str, int], frequencies: dict[str, int], documents: int, common_share: float = COMMON_SHARE
) -> dict[str, int]:
    """The query terms whose posting lists are read: indexed, not too common, the heaviest first."""
    indexed = {term: weight for term, weight in weights.items() if frequencies.get(term, 0) > 0}
    common = max(COMMON_FLOOR, int(documents * common_share))
    distinctive = {term: weight for term, weight in indexed.items() if frequencies[term] <= common}
    if not distinctive:
        rarest = sorted(indexed, key=lambda term: (frequencies[term], term))[:RAREST_FALLBACK]
        distinctive = {term: indexed[term] for term in rarest}
    heaviest = sorted(distinctive, key=lambda term: (-distinctive[term], term))[:MAX_QUERY_TERMS]
    return {term: distinctive[term] for term in heaviest}


def _candidates(
    session: Session,
    weights: dict[str, int],
    *,
    limit: int,
    candidate_ids: Select[Any] | None,
    exclude_item_ids: Sequence[int],
    exclude_session_id: int | None,
) -> list[int]:
    if not weights:
        return []
    term = SimilarityTerm.term
    query_weight = case(*((term == t, literal(w, BigInteger)) for t, w in weights.items()), else_=0)
    total = func.sum(cast(SimilarityTerm.weight, BigInteger) * query_weight).label("total")
    statement = (
        select(SimilarityTerm.item_id, total)
        .where(term.in_(list(weights)))
        .group_by(SimilarityTerm.item_id)
        .order_by(total.desc(), SimilarityTerm.item_id)
        .limit(limit)
    )
    if exclude_item_ids:
        statement = statement.where(SimilarityTerm.item_id.not_in(list(exclude_item_ids)))
    if candidate_ids is not None:
        statement = statement.where(SimilarityTerm.item_id.in_(candidate_ids))
    if exclude_session_id is not None:
        statement = statement.where(
            SimilarityTerm.item_id.not_in(select(Item.id).where(Item.session_id == exclude_session_id))
        )
    return [item_id for item_id, _ in session.execute(statement)]
