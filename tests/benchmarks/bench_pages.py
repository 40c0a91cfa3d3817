"""Benchmark: the item list on the list mechanism at 1,000 and 50,000 items (SQLite, or --url for PostgreSQL).

    python -m tests.benchmarks.bench_pages [--sizes 1000,50000] [--repeat 30] [--url postgresql+psycopg://...]

Seeds a fresh database per size (items with one lead assignment each, deadlines spread over two
years) and times `item_list.list_items` — count + ORDER BY + LIMIT/OFFSET, the service call behind
/items and /api/items — for an office user and a department user, filtered, sorted and paged.
Prints median and p95 per query and size, the 1k → 50k growth, and the ratio against the bare
SQLAlchemy Core statements of the same page (count + page query, no row facts, no scoping).

Also the overview (the same list, key items first) and a busy department's inbox (its queues on
the list mechanism). Not measured here: the HTTP layer (Litestar + template; tests/load/run_load.py
measures the server with a bare Litestar handler beside it) and the routing review (run_page too).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REVIEW_SIZE = 1_500


def _seed(url: str, size: int):
    from sqlalchemy import insert, select

    from app.db import list_columns, migrate
    from app.db.engine import engine_for, session_scope
    from app.db.models import Assignment, CongressSession, Department, Item
    from app.db.models.routing import RoutingRecord, RuleSetVersion
    from app.rules.profiles import load_profile
    from app.services import departments
    from app.services.actor import Actor

    engine = engine_for(url)
    migrate.upgrade(engine)
    rng = random.Random(13)
    words = "停车 电梯 学位 养老 公交 河道 医保 社区 垃圾 绿化 地铁 菜市场 托育 消防 供暖".split()
    with session_scope(engine) as session:
        departments.sync_departments(session, Actor.system(), load_profile("beijing"))
        dept_ids = list(session.scalars(select(Department.id).order_by(Department.id)))[:40]
        congress = CongressSession(body="npc", label="市十六届人大四次会议", year=2026, number_width=5)
        session.add(congress)
        session.flush()
        rows = []
        for n in range(1, size + 1):
            word = rng.choice(words)
            rows.append(
                {
                    "kind": "npc_suggestion",
                    "session_id": congress.id,
                    "number": f"{n:05d}",
                    "title": f"关于改进{word}工作的建议（{n}）",
                    "content": f"建议进一步做好{word}相关工作。" * 5,
                    "lead_submitter": f"代表{n % 700}",
                    "state": "assigned",
                    "key_supervision": n % 37 == 0,
                    "round": 1,
                    "version": 1,
                }
            )
        for start in range(0, size, 5000):
            session.execute(insert(Item), rows[start : start + 5000])
        ids = list(session.scalars(select(Item.id).order_by(Item.id)))
        base = date(2026, 1, 1)
        parts = [
            {
                "item_id": item_id,
                "department_id": dept_ids[i % len(dept_ids)],
                "role": "lead",
                "round": 1,
                "state": "drafting",
                "assigned_on": base,
                "due_on": base + timedelta(days=rng.randrange(0, 730)),
                "version": 1,
            }
            for i, item_id in enumerate(ids)
        ]
        for start in range(0, size, 5000):
            session.execute(insert(Assignment), parts[start : start + 5000])
        list_columns.refresh(session)  # the Core inserts bypass the ORM listener, as the archive import's do
        # a session of 1,500 items with their routing proposals, for the routing review
        review = CongressSession(body="cppcc", label="市政协十四届四次会议", year=2026, number_width=4)
        rule_set = RuleSetVersion(profile="beijing", content_hash="0" * 64, source="bench", content="", rule_count=0,
                                  loaded_by_name="bench", active=True)  # fmt: skip
        session.add_all([review, rule_set])
        session.flush()
        reviewed = [
            {
                **rows[n],
                "kind": "cppcc_proposal",
                "session_id": review.id,
                "number": f"{n + 1:04d}",
                "state": "registered",
            }
            for n in range(min(REVIEW_SIZE, size))
        ]
        session.execute(insert(Item), reviewed)
        review_ids = list(session.scalars(select(Item.id).where(Item.session_id == review.id)))
        codes = list(session.scalars(select(Department.code).order_by(Department.id)))[:40]
        session.execute(
            insert(RoutingRecord),
            [
                {
                    "item_id": item_id,
                    "rule_set_id": rule_set.id,
                    "round": 1,
                    "current": True,
                    "status": ("proposed", "manual", "accepted")[i % 3],
                    "proposal": {},
                    "mode": "lead",
                    "lead_code": codes[i % len(codes)],
                    "co_codes": [codes[(i + 1) % len(codes)]],
                    "split_codes": [],
                    "reference_codes": [],
                    "key_supervision": False,
                    "has_conflicts": i % 7 == 0,
                    "created_by_name": "bench",
                }  # fmt: skip
                for i, item_id in enumerate(review_ids)
            ],
        )
    # statistics and the visibility map, as autovacuum (PostgreSQL) or `ANALYZE` would have them in use
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
    return engine, dept_ids[0], review.id


def _fresh_postgres(base_url: str, size: int) -> str:
    """A new, empty database on the server of base_url for one size (dropped first if left over)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url = make_url(base_url)
    name = f"jianti_bench_pages_{size}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _time(fn, repeat: int) -> tuple[float, float]:
    fn()  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,50000")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--url", default="")
    args = parser.parse_args()

    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from app.db.models import Item
    from app.domain.enums import Role
    from app.services.actor import Actor
    from app.services.item_list import ITEM_SPEC, OVERVIEW_SPEC, list_items
    from app.services.listing import parse
    from app.services.routing.review_list import REVIEW_SPEC, review_page, tab_counts
    from app.services.workflow.queues import INBOX_SPEC, list_inbox
    from app.settings import load_settings, use_settings

    queries = {
        "default page": {},
        "search q=停车, sort due": {"q": ["停车"], "sort": ["due"]},
        "overdue, sort lead desc, page 3": {"overdue": ["1"], "sort": ["-lead"], "page": ["3"]},
        "key=1 sort title": {"key": ["1"], "sort": ["title"]},
    }
    OVERVIEW = "overview: overdue, key first, page 2"
    REVIEW_QUERIES = {
        "routing review (1,500): to review, page 2": {"tab": ["pending"], "page": ["2"]},
        "routing review (1,500): conflicts, search 停车": {"tab": ["conflict"], "q": ["停车"]},
    }
    INBOX_QUERIES = {
        "inbox: open work, by deadline": {},
        "inbox: overdue queue, sort title, page 2": {"queue": ["overdue"], "sort": ["title"], "page": ["2"]},
        "inbox: search 停车": {"q": ["停车"]},
    }
    results: dict[tuple[str, str, int], tuple[float, float]] = {}
    bare: dict[int, tuple[float, float]] = {}
    sizes = [int(s) for s in args.sizes.split(",")]
    for size in sizes:
        workdir = Path(tempfile.mkdtemp(prefix="jianti-bench-pages-"))
        url = _fresh_postgres(args.url, size) if args.url else f"sqlite:///{workdir / 'bench.db'}"
        use_settings(
            load_settings({"JIANTI_DATABASE_URL": url, "JIANTI_SECRET_KEY": "bench", "JIANTI_DATA_DIR": str(workdir)})
        )
        started = time.perf_counter()
        engine, dept_id, review_session = _seed(url, size)
        print(f"seeded {size} items in {time.perf_counter() - started:.1f} s ({engine.dialect.name})")
        actors = {
            "office": Actor(None, "bench", Role.OFFICE_STAFF),
            "department": Actor(None, "bench", Role.DEPT_HANDLER, department_id=dept_id),
        }
        with Session(engine) as session:
            for who, actor in actors.items():
                for name, raw in queries.items():
                    query = parse(raw, ITEM_SPEC)
                    results[(who, name, size)] = _time(lambda a=actor, q=query: list_items(session, a, q), args.repeat)
                overview = parse({"overdue": ["1"], "page": ["2"]}, OVERVIEW_SPEC)  # key items first
                results[(who, OVERVIEW, size)] = _time(
                    lambda a=actor, q=overview: list_items(session, a, q), args.repeat
                )
            for name, raw in REVIEW_QUERIES.items():
                query = parse(raw, REVIEW_SPEC)
                results[("office", name, size)] = _time(
                    lambda q=query, s=review_session: (review_page(session, s, q), tab_counts(session, s, q)),
                    args.repeat,
                )
            today = date(2026, 12, 1)
            for name, raw in INBOX_QUERIES.items():
                query = parse(raw, INBOX_SPEC)
                results[("department", name, size)] = _time(
                    lambda q=query, a=actors["department"], t=today: list_inbox(session, a, q, t), args.repeat
                )

            def bare_page() -> None:
                stmt = select(Item)
                session.scalar(select(func.count()).select_from(stmt.subquery()))
                list(session.scalars(stmt.order_by(Item.number, Item.id).limit(50)))

            bare[size] = _time(bare_page, args.repeat)
        engine.dispose()
        if not args.url:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)
    print(f"\n{'query':<58}" + "".join(f"{f'{s} median/p95 ms':>26}" for s in sizes) + "   growth p95")
    for who in ("office", "department"):
        names = [*queries, OVERVIEW, *(INBOX_QUERIES if who == "department" else REVIEW_QUERIES)]
        for name in names:
            cells = [results[(who, name, s)] for s in sizes]
            growth = cells[-1][1] / cells[0][1] if cells[0][1] else float("nan")
            print(
                f"{who + ': ' + name:<58}" + "".join(f"{m:>16.1f} / {p:>7.1f}" for m, p in cells) + f"   {growth:.2f}x"
            )
    cells = [bare[s] for s in sizes]
    print(f"{'bare Core: count + first page':<58}" + "".join(f"{m:>16.1f} / {p:>7.1f}" for m, p in cells))
    default = [results[("office", "default page", s)][1] / bare[s][1] for s in sizes]
    print(
        "ratio default page / bare Core (p95): "
        + ", ".join(f"{s}: {r:.2f}x" for s, r in zip(sizes, default, strict=True))
    )


if __name__ == "__main__":
    main()
