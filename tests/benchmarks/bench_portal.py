"""Benchmark: linking a year of items' submitters to the roster (the step every import now takes).

    python -m tests.benchmarks.bench_portal [--items 50000] [--roster 1000]

Seeds a fresh SQLite file with ITEMS items (lead submitter + 0–4 co-signers, names drawn from a
roster of ROSTER people, some names shared by two people) and runs `roster.link_items` twice:
the first run inserts every link, the second re-checks them (nothing changes). Baseline: the bare
library doing the raw work — reading the same item and co-signer rows and inserting the same
number of link rows with plain Core statements. Target: 50,000 items linked in under 60 s.
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 60.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--roster", type=int, default=1_000)
    args = parser.parse_args()

    from sqlalchemy import insert, select

    from app.db import migrate
    from app.db.engine import engine_for, session_scope
    from app.db.models import CongressSession, Item, ItemCoSigner
    from app.db.models.roster import RosterEntry, SubmitterLink
    from app.services import roster
    from app.services.actor import Actor
    from app.settings import load_settings, use_settings

    workdir = Path(tempfile.mkdtemp(prefix="jianti-bench-portal-"))
    url = f"sqlite:///{workdir / 'bench.db'}"
    use_settings(
        load_settings({"JIANTI_DATABASE_URL": url, "JIANTI_SECRET_KEY": "bench", "JIANTI_DATA_DIR": str(workdir)})
    )
    engine = engine_for(url)
    migrate.upgrade(engine)
    rng = random.Random(14)
    surnames, given = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
    people = []
    while len(people) < args.roster:
        name = rng.choice(surnames) + rng.choice(given) + rng.choice(given)
        people.append((name, f"第{len(people) % 16 + 1}代表团"))
    with session_scope(engine) as session:
        congress = CongressSession(body="npc", label="市十六届人大四次会议", year=2026, number_width=4)
        session.add(congress)
        session.flush()
        session.execute(
            insert(RosterEntry),
            [
                {
                    "term": "市十六届人大",
                    "body": "npc",
                    "kind": "individual",
                    "name": n,
                    "delegation": d,
                    "sector": "",
                    "party": "",
                    "phone": "",
                    "email": "",
                }
                for n, d in dict.fromkeys(people)
            ],
        )
        items = [
            {
                "kind": "npc_suggestion",
                "session_id": congress.id,
                "number": f"{i:05d}",
                "title": f"建议{i}",
                "content": "",
                "lead_submitter": rng.choice(people)[0],
                "delegation": rng.choice(people)[1],
                "submitter_type": "individual",
                "state": "registered",
            }
            for i in range(1, args.items + 1)
        ]
        session.execute(insert(Item), items)
        ids = list(session.scalars(select(Item.id)))
        co = [
            {"item_id": i, "position": p, "name": rng.choice(people)[0]}
            for i in ids
            for p in range(1, rng.randint(1, 5))
        ]
        session.execute(insert(ItemCoSigner), co)
    submitters = len(ids) + len(co)

    # baseline: the bare library reads the same rows and writes as many link rows
    with session_scope(engine) as session:
        start = time.perf_counter()
        rows = session.execute(select(Item.id, Item.lead_submitter, Item.delegation)).all()
        cos = session.execute(select(ItemCoSigner.item_id, ItemCoSigner.position, ItemCoSigner.name)).all()
        session.execute(
            insert(SubmitterLink),
            [
                {
                    "item_id": r.id,
                    "position": 0,
                    "name": r.lead_submitter,
                    "status": "unknown",
                    "candidates": "",
                    "by": "auto",
                }
                for r in rows
            ]
            + [
                {
                    "item_id": c.item_id,
                    "position": c.position,
                    "name": c.name,
                    "status": "unknown",
                    "candidates": "",
                    "by": "auto",
                }
                for c in cos
            ],
        )
        baseline = time.perf_counter() - start
        session.rollback()

    with session_scope(engine) as session:
        start = time.perf_counter()
        first = roster.link_items(session, Actor.system())
        first_s = time.perf_counter() - start
    with session_scope(engine) as session:
        start = time.perf_counter()
        roster.link_items(session, Actor.system())
        second_s = time.perf_counter() - start
    print(f"items {len(ids)}, submitters {submitters}, roster {args.roster}")
    print(f"baseline (bare SQLAlchemy Core, same reads and inserts): {baseline:.2f} s")
    print(f"link_items, first run: {first_s:.2f} s  (ratio {first_s / baseline:.1f}×)  {first}")
    print(f"link_items, re-check:  {second_s:.2f} s  (ratio {second_s / baseline:.1f}×)")
    print("target met" if first_s < TARGET_SECONDS else f"TARGET MISSED: {TARGET_SECONDS} s")
    engine.dispose()
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
