"""Benchmark: similar items over 50,000 stored items, and indexing a 1,500-item batch (SQLite, or --url for PostgreSQL).

    python -m tests.benchmarks.bench_similarity [--size 50000] [--batch 1500] [--queries 200] [--url postgresql+psycopg://...]

Seeds a fresh database with `size` items whose texts are built like the office's: a title from the
profile's topic lists (imports/topics/beijing.toml: "关于{action}的建议", "尽快解决{place}{problem}问题")
with a district and a street/town name, and a content of three sentences (two more actions of the
topic, one detail naming the place), so posting lists have the skew of real ones: topic words in
thousands of items, place names in dozens. Every item gets a lead department (for the scoped search).

Measured, in one run:
- index build: all `size` items from scratch (reindex_all), then a batch of `batch` new items
  (index_items, the call on import commit), then the duplicate check of that batch
  (duplicates.propose_for_items, also on import commit);
- similar_items for `queries` random items: the office (everything) and a department (candidate_ids =
  its own items through access.scope_items, restricted in SQL), p50/p95;
- baseline, same items: the bare SQL read of the posting rows of the same query terms (no scoring,
  no second step) — the least any index-table search must do;
- memory: Python peak (tracemalloc) of the 1,500-item indexing and of the query loop, and the
  index's size in the database.

Figures, one run each on the shared 2-core machine (load 1.5-2.5), 50,000 + 1,500 items, 49 terms per item:
                                   SQLite          PostgreSQL
  similar_items, office p50/p95    8.9 / 11.6 ms   20.7 / 24.3 ms   (2.1x / 3.0x the bare posting read at p95)
  similar_items, department        13.2 / 17.0 ms  31.2 / 44.9 ms   (3.1x / 5.5x)
  bare posting read p50/p95        2.9 / 5.6 ms    4.8 / 8.2 ms
  index_items, 1,500-item batch    0.57 s          1.46 s           (Python peak 28 / 25 MiB)
  duplicate check of that batch    2.9 s           6.5 s            (propose_for_items; the synthetic
                                                                     texts repeat topic phrases: 469 pairs)
  full index of 50,000 items       17.8 s          30.9 s
  index size                       192 MiB file    300 MiB (three tables with indexes)
  Python peak, 50 queries          0.7 MiB         1.0 MiB
The department search is slower than the office's: `item_id IN (its items)` is joined into the
posting read. The PostgreSQL figures are higher mostly per statement (round trips, planning of
the CASE over 32 terms); pg_trgm is not used (see app/services/similarity.py).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import tomllib
import tracemalloc
from pathlib import Path

from app import PROJECT_ROOT
from tests.benchmarks.databases import fresh_postgres

STREETS = "望京 花家地 学院路 清河 展览路 方庄 梨园 玉桥 回龙观 天通苑 八角 古城 黄村 亦庄 斋堂 清水 卢沟桥 良乡 长阳 西红门 康庄 儒林 桥梓 月坛 和平里 酒仙桥 双井 劲松 马连道 宋家庄".split()
DETAILS = [
    "{place}一带居民反映强烈，问题已持续多年",
    "{place}周边小区人口密集，现有设施明显不足",
    "{place}相关部门多次协调仍未解决",
    "建议在{place}先行试点，总结经验后推广",
]


def _topics() -> list[tuple[list[str], list[str]]]:
    data = tomllib.loads((PROJECT_ROOT / "imports" / "topics" / "beijing.toml").read_text(encoding="utf-8"))
    return [(t.get("actions", []), t.get("problems", [])) for t in data["topic"] if t.get("actions")]


def _text(rng: random.Random, topics, districts: list[str]) -> tuple[str, str]:
    actions, problems = rng.choice(topics)
    place = rng.choice(districts) + "区" + rng.choice(STREETS)
    if problems and rng.random() < 0.4:
        title = f"尽快解决{place}{rng.choice(problems)}问题"
    else:
        title = f"关于{rng.choice(actions)}的建议"
    others = rng.sample(actions, k=min(2, len(actions)))
    content = (
        f"为此建议：一是{others[0]}；二是{others[-1]}。"
        + rng.choice(DETAILS).format(place=place)
        + "。加强部门协同，建立长效机制。"
    )
    return title, content


def _insert_items(session, congress_id: int, texts, start: int, dept_ids: list[int]) -> list[int]:
    from datetime import date

    from sqlalchemy import insert, select

    from app.db.models import Assignment, Item

    rows = [
        {
            "kind": "npc_suggestion",
            "session_id": congress_id,
            "number": f"{start + n:06d}",
            "title": title,
            "content": content,
            "lead_submitter": f"代表{(start + n) % 700}",
            "state": "assigned",
            "round": 1,
            "version": 1,
        }
        for n, (title, content) in enumerate(texts)
    ]
    for chunk in range(0, len(rows), 5000):
        session.execute(insert(Item), rows[chunk : chunk + 5000])
    ids = list(
        session.scalars(
            select(Item.id).where(Item.number >= f"{start:06d}", Item.session_id == congress_id).order_by(Item.id)
        )
    )
    parts = [
        {
            "item_id": item_id,
            "department_id": dept_ids[i % len(dept_ids)],
            "role": "lead",
            "round": 1,
            "state": "drafting",
            "assigned_on": date(2026, 3, 1),
            "version": 1,
        }
        for i, item_id in enumerate(ids)
    ]
    for chunk in range(0, len(parts), 5000):
        session.execute(insert(Assignment), parts[chunk : chunk + 5000])
    return ids


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def _index_size(session, engine_name: str, sqlite_path: Path | None) -> str:
    from sqlalchemy import text

    if engine_name == "postgresql":
        total = session.scalar(
            text(
                "SELECT sum(pg_total_relation_size(c)) FROM unnest(ARRAY['similarity_terms', "
                "'similarity_documents', 'similarity_term_frequencies']::regclass[]) AS c"
            )
        )
        return f"{int(total) / 2**20:.0f} MiB (pg_total_relation_size of the three tables)"
    assert sqlite_path is not None
    return f"{sqlite_path.stat().st_size / 2**20:.0f} MiB (whole SQLite file, items included)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=1_500)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--url", default="")
    args = parser.parse_args()

    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from app.db import migrate
    from app.db.engine import engine_for
    from app.db.models import CongressSession, Department, Item
    from app.db.models.similarity import SimilarityTerm
    from app.domain import similarity as domain
    from app.domain.enums import Role
    from app.rules.profiles import load_profile
    from app.services import access, departments, duplicates, similarity
    from app.services.actor import Actor
    from app.settings import load_settings, use_settings

    workdir = Path(tempfile.mkdtemp(prefix="jianti-bench-similarity-"))
    sqlite_path = workdir / "bench.db"
    url = fresh_postgres(args.url, "jianti_bench_similarity") if args.url else f"sqlite:///{sqlite_path}"
    use_settings(
        load_settings({"JIANTI_DATABASE_URL": url, "JIANTI_SECRET_KEY": "bench", "JIANTI_DATA_DIR": str(workdir)})
    )
    engine = engine_for(url)
    migrate.upgrade(engine)
    rng = random.Random(15)
    profile = load_profile("beijing")
    topics = _topics()
    districts = [n[:-1] for n in (d.short_name for d in profile.departments if d.kind.value == "district")]
    with Session(engine) as session:
        departments.sync_departments(session, Actor.system(), profile)
        dept_ids = list(session.scalars(select(Department.id).order_by(Department.id)))[:40]
        congress = CongressSession(body="npc", label="市十六届人大四次会议", year=2026, number_width=6)
        session.add(congress)
        session.flush()
        started = time.perf_counter()
        _insert_items(session, congress.id, [_text(rng, topics, districts) for _ in range(args.size)], 1, dept_ids)
        session.commit()
        print(f"seeded {args.size} items in {time.perf_counter() - started:.1f} s ({engine.dialect.name})")

        started = time.perf_counter()
        similarity.reindex_all(session)
        session.commit()
        full = time.perf_counter() - started
        terms = session.scalar(select(func.count()).select_from(SimilarityTerm))
        print(
            f"index of {args.size} items from scratch: {full:.1f} s ({terms} term rows, {terms / args.size:.0f} per item)"
        )

        batch_texts = [_text(rng, topics, districts) for _ in range(args.batch)]
        batch_ids = _insert_items(session, congress.id, batch_texts, args.size + 1, dept_ids)
        session.commit()
        started = time.perf_counter()
        similarity.index_items(session, batch_ids)
        indexing = time.perf_counter() - started
        session.rollback()
        tracemalloc.start()  # again, traced (tracing slows Python down: not timed)
        similarity.index_items(session, batch_ids)
        _, index_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        started = time.perf_counter()
        proposed = duplicates.propose_for_items(session, Actor.system(), batch_ids)
        checking = time.perf_counter() - started
        session.rollback()  # keep the figures about the search, not about the suggestions
        similarity.index_items(session, batch_ids)
        session.commit()
        print(
            f"index of a {args.batch}-item batch (index_items): {indexing:.2f} s, Python peak {index_peak / 2**20:.1f} MiB"
            f"   [goal < 2 s]"
        )
        print(f"duplicate check of the batch (propose_for_items): {checking:.2f} s ({proposed} suggestions)")
        print(f"index size: {_index_size(session, engine.dialect.name, None if args.url else sqlite_path)}")

        all_ids = list(session.scalars(select(Item.id)))
        sample = rng.sample(all_ids, args.queries)
        department = Actor(None, "bench", Role.DEPT_HANDLER, department_id=dept_ids[3])
        scoped = access.scope_items(select(Item.id), department)
        timings: dict[str, list[float]] = {"office": [], "department": [], "bare posting read": []}
        vectors = similarity.stored_vectors(session, sample)
        documents, frequencies = similarity.frequencies_of(session, {t for v in vectors.values() for t in v})
        for item_id in sample[:5]:  # warm up caches and statement compilation
            similarity.similar_items(session, item_id)
        for item_id in sample:
            started = time.perf_counter()
            similarity.similar_items(session, item_id, limit=5)
            timings["office"].append((time.perf_counter() - started) * 1000)
        tracemalloc.start()  # a pass of its own: tracing slows Python down several times
        for item_id in sample[:50]:
            similarity.similar_items(session, item_id, limit=5)
        _, query_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        for item_id in sample:
            started = time.perf_counter()
            similarity.similar_items(session, item_id, limit=5, candidate_ids=scoped)
            timings["department"].append((time.perf_counter() - started) * 1000)
        for item_id in sample:
            vector = vectors[item_id]
            idfs = {t: domain.idf(frequencies.get(t, 0), documents) for t in vector}
            chosen = list(similarity._search_terms(domain.query_weights(vector, idfs), frequencies, documents))
            started = time.perf_counter()
            session.execute(
                select(SimilarityTerm.item_id, SimilarityTerm.weight).where(SimilarityTerm.term.in_(chosen))
            ).all()
            timings["bare posting read"].append((time.perf_counter() - started) * 1000)
        bare50, bare95 = _percentiles(timings["bare posting read"])
        print(f"\nsimilar_items over {len(all_ids)} stored items, {args.queries} random items (ms):")
        for name, samples in timings.items():
            p50, p95 = _percentiles(samples)
            ratio = f"   {p95 / bare95:.1f}x the bare read at p95" if name != "bare posting read" else ""
            goal = "   [goal p95 < 50 ms]" if name != "bare posting read" else ""
            print(f"  {name:<20} p50 {p50:6.1f}   p95 {p95:6.1f}{ratio}{goal}")
        print(f"  Python peak during 50 office queries: {query_peak / 2**20:.1f} MiB")
        print(
            f"  (bare read p50 {bare50:.1f} ms: SELECT item_id, weight of the same terms' posting rows, nothing else)"
        )
    engine.dispose()


if __name__ == "__main__":
    main()
