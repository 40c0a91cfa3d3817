"""Benchmark: the item list on the list mechanism at 1,000 and 50,000 items (SQLite, or --url for PostgreSQL).

    python -m tests.benchmarks.bench_pages [--sizes 1000,50000] [--repeat 30] [--url postgresql+psycopg://...]

Seeds a fresh database per size (sessions of 1,000 items, as a year holds; the earlier sessions'
items closed and their replies sent, the current session's in handling; one lead assignment per
item, deadlines spread over two years) and times `item_list.list_items` — count + ORDER BY + LIMIT/OFFSET, the service call behind
/items and /api/items — for an office user and a department user, filtered, sorted and paged.
Prints median and p95 per query and size, the 1k → 50k growth, and the ratio against the bare
SQLAlchemy Core statements of the same page (count + page query, no row facts, no scoping).

Also the overview (the same list, key items first), a busy department's inbox (its queues on
the list mechanism), the routing review of a 1,500-item session, the office's lists within the
current session (its working set), and the whole server: /api/items and the /items page through
Litestar's in-process test client against a bare Litestar handler running the same count and
page statements on the same database.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from tests.benchmarks.databases import fresh_postgres

REVIEW_SIZE = 1_500
SESSION_SIZE = 1_000  # items per session: 50,000 items are fifty sessions' history
PAGE = 50


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
        # a year's volume per session, as an office holds them: the newest session is the current one
        sessions = [
            CongressSession(body="npc", label=f"第{k + 1}次会议（基准）", year=2026 - k, number_width=5)
            for k in range((size + SESSION_SIZE - 1) // SESSION_SIZE)
        ]
        session.add_all(sessions)
        session.flush()
        current = sessions[0]
        rows = []
        for n in range(1, size + 1):
            word = rng.choice(words)
            rows.append(
                {
                    "kind": "npc_suggestion",
                    "session_id": sessions[(size - n) // SESSION_SIZE].id,
                    "number": f"{n:05d}",
                    "title": f"关于改进{word}工作的建议（{n}）",
                    "content": f"建议进一步做好{word}相关工作。" * 5,
                    "lead_submitter": f"代表{n % 700}",
                    "state": "assigned" if n > size - SESSION_SIZE else "closed",  # earlier years are done
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
                "state": "drafting" if i >= size - SESSION_SIZE else "sent",
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
    return engine, dept_ids[0], review.id, current.id


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
    # the office's working set: the current session (a year's items), whatever the history holds
    session_queries = {
        "session: default page": {},
        "session: search q=停车, sort due": {"q": ["停车"], "sort": ["due"]},
        "session: overdue, sort lead desc, page 3": {"overdue": ["1"], "sort": ["-lead"], "page": ["3"]},
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
    http: dict[int, dict[str, tuple[float, float]]] = {}
    sizes = [int(s) for s in args.sizes.split(",")]
    for size in sizes:
        workdir = Path(tempfile.mkdtemp(prefix="jianti-bench-pages-"))
        url = (
            fresh_postgres(args.url, f"jianti_bench_pages_{size}") if args.url else f"sqlite:///{workdir / 'bench.db'}"
        )
        use_settings(
            load_settings({"JIANTI_DATABASE_URL": url, "JIANTI_SECRET_KEY": "bench", "JIANTI_DATA_DIR": str(workdir)})
        )
        started = time.perf_counter()
        engine, dept_id, review_session, current = _seed(url, size)
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
                for name, raw in session_queries.items():
                    query = parse({**raw, "session": [str(current)]}, ITEM_SPEC)
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
        http[size] = _time_http(engine, current, args.repeat)
        engine.dispose()
        if not args.url:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)
    print(f"\n{'query':<58}" + "".join(f"{f'{s} median/p95 ms':>26}" for s in sizes) + "   growth p95")
    for who in ("office", "department"):
        names = [*queries, *session_queries, OVERVIEW, *(INBOX_QUERIES if who == "department" else REVIEW_QUERIES)]
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

    print("\nHTTP, in-process client (Litestar test client), the current session by deadline, page 2:")
    for name in HTTP_ROUTES:
        cells = [http[s][name] for s in sizes]
        growth = cells[-1][1] / cells[0][1] if cells[0][1] else float("nan")
        print(f"{name:<58}" + "".join(f"{m:>16.1f} / {p:>7.1f}" for m, p in cells) + f"   {growth:.2f}x")
    ratios = [http[s]["GET /api/items (Jianti)"][1] / http[s]["GET /bare (bare Litestar, same SQL)"][1] for s in sizes]
    print(
        "ratio /api/items / bare Litestar (p95): "
        + ", ".join(f"{s}: {r:.2f}x" for s, r in zip(sizes, ratios, strict=True))
    )


HTTP_ROUTES = ("GET /api/items (Jianti)", "GET /items (Jianti page)", "GET /bare (bare Litestar, same SQL)")


def _time_http(engine, current: int, repeat: int) -> dict[str, tuple[float, float]]:
    """The items list through the whole server (identity, scoping, DTOs, template) against a bare
    Litestar handler that runs the same count and page statements on the same database."""
    import logging

    from litestar import Litestar, get
    from litestar.testing import TestClient
    from sqlalchemy import func, select
    from sqlalchemy.orm import sessionmaker

    from app.db.engine import session_scope
    from app.db.models import Item
    from app.services import accounts
    from app.services.actor import Actor
    from app.web.app import create_app

    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request would be timed too
    with session_scope(engine) as session:
        accounts.create_user(
            session, Actor.system(), username="bench_office", password="bench-password-1", role="office_staff"
        )
        token = accounts.issue_token(session, Actor.system(), "bench_office")
    factory = sessionmaker(bind=engine)

    @get("/bare", sync_to_thread=True)
    def bare_items() -> dict:
        stmt = select(Item).where(Item.session_id == current)
        with factory() as session:
            total = session.scalar(select(func.count()).select_from(stmt.subquery()))
            page = session.scalars(stmt.order_by(Item.due_on, Item.id).limit(PAGE).offset(PAGE))
            rows = [
                {"id": i.id, "number": i.number, "title": i.title, "state": i.state, "due_on": str(i.due_on)}
                for i in page
            ]
        return {"total": total, "items": rows}

    params = {"session": str(current), "sort": "due", "page": "2"}
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "zh-CN"}
    timings = {}
    with TestClient(create_app(run_schedule=False, request_log=False)) as client:
        for name, path in zip(HTTP_ROUTES[:2], ("/api/items", "/items"), strict=True):

            def call(path: str = path) -> None:
                response = client.get(path, params=params, headers=headers)
                assert response.status_code == 200, (path, response.status_code, response.text[:300])

            timings[name] = _time(call, repeat)
    with TestClient(Litestar([bare_items])) as client:
        timings[HTTP_ROUTES[2]] = _time(lambda: client.get("/bare").raise_for_status(), repeat)
    return timings


if __name__ == "__main__":
    main()
