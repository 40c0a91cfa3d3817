"""Benchmark: the handling workflow (SQLite, or --database-url).

    python -m tests.benchmarks.bench_workflow [--items 3000] [--lives 50] [--database-url URL]

Setup (not timed): a fresh migrated database, --items registered and assigned items spread over
the Beijing departments, 市交通委 (jtw) carrying 200 of them as lead or co-handler (a busy
department's year).
Timed:
1. the pure table: `decide` (state, role, assignment role, guards) against a bare dict lookup
   of (entity, action, state) → target;
2. a whole life through the services (sign for, communication, draft, sign off, submit,
   accept, feedback → closed: 8 actions, 11 transitions with derived moves and audit rows),
   against the bare minimum of the same writes (UPDATE state + INSERT audit row per transition);
3. the department inbox (scoped, ordered, overdue first) and the item page (rounds, timeline,
   allowed actions), against a bare SELECT of the department's assignments.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

TODAY = date(2026, 3, 2)


def _timed(function, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - start) / repeat


def bench_table(rounds: int = 200_000) -> None:
    from app.domain.enums import Role
    from app.domain.lifecycle import TRANSITIONS, GuardContext, Refused, decide

    cases = [(t.entity, t.action, s) for t in TRANSITIONS for s in t.sources]
    lookup = {(t.entity, t.action, s): t.target for t in TRANSITIONS for s in t.sources}
    context = GuardContext(
        {
            "assignment_role": "lead",
            "has_reply_draft": True,
            "communication_count": 1,
            "co_opinions_pending": 0,
            "within_reassignment_window": True,
            "any_assignment_signed": True,
            "all_replies_sent": True,
            "feedback_recorded": True,
            "feedback_opens_new_round": False,
            "reference_only": False,
            "merge_target_ok": True,
            "co_opinions_overdue": 1,
            "has_opinion": True,
        }
    )
    picks = [random.choice(cases) for _ in range(rounds)]
    roles = [random.choice(list(Role)) for _ in range(rounds)]

    start = time.perf_counter()
    for (entity, action, state), role in zip(picks, roles, strict=False):
        try:
            decide(entity, action, state, role, context, "lead")
        except Refused:
            pass
    table = time.perf_counter() - start
    start = time.perf_counter()
    for key in picks:
        lookup.get(key)
    bare = time.perf_counter() - start
    print(
        f"1. decide: {rounds / table:,.0f} decisions/s ({table / rounds * 1e6:.2f} µs each); "
        f"bare dict lookup {rounds / bare:,.0f}/s; ratio {table / bare:.0f}×"
    )


def _setup(url: str, items: int):
    from app.db import migrate
    from app.db.engine import engine_for, session_scope
    from app.db.models import Assignment, CongressSession, Department, Item
    from app.rules.profiles import load_profile
    from app.services import accounts, departments
    from app.services.actor import Actor
    from app.settings import load_settings, use_settings

    data_dir = Path(tempfile.mkdtemp(prefix="jianti-bench-files-"))
    use_settings(
        load_settings({"JIANTI_DATABASE_URL": url, "JIANTI_SECRET_KEY": "bench", "JIANTI_DATA_DIR": str(data_dir)})
    )
    engine = engine_for(url)
    migrate.upgrade(engine)
    with session_scope(engine) as session:
        departments.sync_departments(session, Actor.system(), load_profile("beijing"))
        people = {}
        for name, role, dept in (
            ("office", "office_staff", None),
            ("jtw", "dept_handler", "jtw"),
            ("jtw_head", "dept_leader", "jtw"),
        ):
            people[name] = Actor.of(
                accounts.create_user(
                    session, Actor.system(), username=name, password="bench-password-1", role=role, department_code=dept
                )
            )
        congress = CongressSession(body="npc", label="市十六届人大四次会议", year=2026, number_width=4)
        session.add(congress)
        session.flush()
        dept_ids = [d.id for d in session.scalars(select(Department).order_by(Department.id))]
        jtw = session.scalar(select(Department.id).where(Department.code == "jtw"))
        others = [d for d in dept_ids if d != jtw]
        session.execute(
            insert(Item),
            [
                {
                    "kind": "npc_suggestion",
                    "session_id": congress.id,
                    "number": f"{n:04d}",
                    "title": f"关于第{n}项工作的建议",
                    "content": "内容",
                    "lead_submitter": "代表",
                    "state": "assigned",
                    "round": 1,
                    "version": 1,
                    "created_at": datetime.now(UTC),
                    "updated_at": datetime.now(UTC),
                }
                for n in range(1, items + 1)
            ],
        )
        item_ids = list(session.scalars(select(Item.id).order_by(Item.id)))
        rows = []
        for index, item_id in enumerate(item_ids):
            lead = jtw if index < 150 else others[index % len(others)]
            rows.append(
                {
                    "item_id": item_id,
                    "department_id": lead,
                    "role": "lead",
                    "round": 1,
                    "state": random.choice(["pending_signature", "signed", "drafting", "sent"]),
                    "assigned_on": TODAY - timedelta(days=index % 120),
                    "due_on": TODAY + timedelta(days=90 - index % 120),
                    "version": 1,
                    "created_at": datetime.now(UTC),
                    "updated_at": datetime.now(UTC),
                }
            )
            if 150 <= index < 200:
                rows.append({**rows[-1], "department_id": jtw, "role": "co", "state": "signed"})
        session.execute(insert(Assignment), rows)
    return engine, people


def bench_database(url: str, items: int, lives: int) -> None:
    from sqlalchemy.orm import Session

    from app.db.models import Assignment, CongressSession
    from app.demo.workflow_items import register_item
    from app.services.workflow import actions, views

    engine, p = _setup(url, items)

    # 2. whole lives through the services
    def one_life(session: Session) -> None:
        congress = session.scalar(select(CongressSession))
        item = register_item(
            session,
            p["office"],
            congress,
            number=f"L{random.randrange(10**9)}",
            title="关于某项工作的建议",
            lead_submitter="张建华",
        )
        (lead,) = actions.assign(session, p["office"], item.id, [("jtw", "lead")], today=TODAY)
        actions.sign_for(session, p["jtw"], lead.id, today=TODAY)
        actions.record_communication(
            session,
            p["jtw"],
            lead.id,
            method="phone",
            happened_at=datetime.now(UTC) - timedelta(days=1),
            participants="张建华",
        )
        actions.save_reply(
            session, p["jtw"], lead.id, actions.ReplyDraft("一、关于……", "A", "王明", "010-57079999"), today=TODAY
        )
        actions.sign_off(session, p["jtw_head"], lead.id, today=TODAY)
        actions.submit_for_review(session, p["jtw"], lead.id, today=TODAY)
        actions.accept_reply(session, p["office"], lead.id, today=TODAY)
        actions.record_feedback(session, p["office"], item.id, level="satisfied", given_by="submitter", today=TODAY)
        session.commit()

    with Session(bind=engine, expire_on_commit=False) as session:
        one_life(session)  # warm up
        life = _timed(lambda: one_life(session), lives)

    def bare_life(session: Session) -> None:
        for _step in range(11):
            session.execute(text("UPDATE assignments SET state = 'signed', version = version + 1 WHERE id = 1"))
            session.execute(
                text(
                    "INSERT INTO audit_log (at, actor_name, entity, entity_id, action) "
                    "VALUES (:at, 'bench', 'assignment', 1, 'x')"
                ),
                {"at": datetime.now(UTC)},
            )
        session.commit()

    with Session(bind=engine) as session:
        bare = _timed(lambda: bare_life(session), lives)
    print(
        f"2. whole life through the services: {life * 1000:.1f} ms per item ({1 / life:,.0f} items/s); "
        f"bare writes {bare * 1000:.1f} ms; ratio {life / bare:.1f}×"
    )

    # 3. inbox and item page
    with Session(bind=engine) as session:
        inbox = _timed(lambda: views.inbox(session, p["jtw"], today=TODAY, include_finished=True), 20)
        count = len(views.inbox(session, p["jtw"], today=TODAY, include_finished=True))
        bare_inbox = _timed(
            lambda: session.scalars(select(Assignment).where(Assignment.department_id == p["jtw"].department_id)).all(),
            20,
        )
        item_id = session.scalar(select(Assignment.item_id).where(Assignment.department_id == p["jtw"].department_id))
        page = _timed(lambda: views.item_page(session, p["jtw"], item_id, today=TODAY), 50)
    print(
        f"3. inbox of 市交通委 ({count} assignments among {items} items): {inbox * 1000:.1f} ms; "
        f"bare select {bare_inbox * 1000:.1f} ms; ratio {inbox / bare_inbox:.1f}×"
    )
    print(f"   item page data: {page * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--lives", type=int, default=50)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    random.seed(7)
    bench_table()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp(prefix='jianti-bench-')) / 'bench.db'}"
    bench_database(url, args.items, args.lives)


if __name__ == "__main__":
    main()
