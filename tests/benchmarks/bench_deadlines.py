"""Benchmark: recompute the deadlines of 50,000 open assignments after a calendar change (SQLite).

    python -m tests.benchmarks.bench_deadlines [--assignments 50000] [--database-url URL]

Setup (not timed): a fresh migrated database, 50,000 lead/co assignments assigned on every
working day of 2026 with their deadlines (about 140,000 rows). Timed:
1. loading the 2027 schedule (office entries) and recomputing every open deadline it affects,
   with the bulk update, the moved assignments' due dates and one audit row per moved deadline;
2. a rule change (reply 3 → 2 months) recomputing every reply deadline;
3. baseline: the bare chinesecalendar library counting the same deadlines in a plain loop
   (no explanation, no database; 2027 falls back to Monday–Friday by hand because the library
   refuses years it does not know).
Target: (1) under 5 seconds.
"""

from __future__ import annotations

import argparse
import calendar as stdlib_calendar
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, select

TARGET_SECONDS = 5.0
SCHEDULE_2027 = """
year = 2027
[[holiday]]
name = "元旦"
from = 2027-01-01
to = 2027-01-03
[[holiday]]
name = "春节"
from = 2027-02-06
to = 2027-02-13
[[makeup_workday]]
date = 2027-02-20
for = "春节"
[[holiday]]
name = "清明节"
from = 2027-04-03
to = 2027-04-05
[[holiday]]
name = "劳动节"
from = 2027-05-01
to = 2027-05-05
[[makeup_workday]]
date = 2027-04-25
for = "劳动节"
"""


def _setup(url: str, count: int):
    from app.db import migrate
    from app.db.engine import engine_for, session_scope
    from app.db.models import Assignment, CongressSession, Department, Item
    from app.db.models.deadlines import DeadlineRecord
    from app.domain.deadlines import assignment_deadlines
    from app.rules.calendars import build_calendar
    from app.rules.profiles import load_profile
    from app.services import departments
    from app.services.actor import Actor
    from app.settings import load_settings, use_settings

    use_settings(load_settings({"JIANTI_DATABASE_URL": url, "JIANTI_SECRET_KEY": "bench", "JIANTI_PROFILE": "beijing"}))
    engine = engine_for(url)
    migrate.upgrade(engine)
    profile = load_profile("beijing")
    calendar = build_calendar("beijing")
    with session_scope(engine) as session:
        departments.sync_departments(session, Actor.system(), profile)
        congress = CongressSession(body="npc", label="市十六届人大四次会议", year=2026, number_width=4)
        session.add(congress)
        session.flush()
        department_ids = list(session.scalars(select(Department.id).order_by(Department.id)))
        days = [d for d in (date(2026, 1, 5) + timedelta(n) for n in range(360)) if calendar.is_working_day(d)]
        items = count // 2
        session.execute(
            insert(Item),
            [
                {
                    "kind": "npc_suggestion",
                    "session_id": congress.id,
                    "number": f"{n:05d}",
                    "title": f"关于第{n}号问题的建议",
                    "lead_submitter": "王红",
                    "state": "in_progress",
                    "version": 1,
                }
                for n in range(1, items + 1)
            ],
        )
        item_ids = list(session.scalars(select(Item.id).order_by(Item.id)))
        rows = []
        for index, item_id in enumerate(item_ids):
            assigned_on = days[index % len(days)]
            for role, offset in (("lead", 0), ("co", 1)):
                rows.append(
                    {
                        "item_id": item_id,
                        "department_id": department_ids[(index + offset) % len(department_ids)],
                        "role": role,
                        "round": 1,
                        "state": "drafting",
                        "assigned_on": assigned_on,
                        "version": 1,
                    }
                )
        session.execute(insert(Assignment), rows)
        computed = {}
        deadline_rows = []
        for assignment_id, item_id, role, assigned_on in session.execute(
            select(Assignment.id, Assignment.item_id, Assignment.role, Assignment.assigned_on)
        ):
            key = (assigned_on, role)
            if key not in computed:
                computed[key] = [
                    (d, d.to_dict(), d.calendar_fingerprint, ",".join(str(y.year) for y in d.years))
                    for d in assignment_deadlines(profile.deadlines, calendar, assigned_on, role).values()
                ]
            for deadline, explanation, fingerprint, years in computed[key]:
                deadline_rows.append(
                    {
                        "assignment_id": assignment_id,
                        "item_id": item_id,
                        "rule": deadline.rule,
                        "start_on": deadline.start,
                        "period_amount": deadline.period.amount,
                        "period_unit": deadline.period.unit,
                        "computed_due": deadline.due,
                        "due_on": deadline.due,
                        "explanation": explanation,
                        "calendar_fingerprint": fingerprint,
                        "calendar_years": years,
                        "has_warning": deadline.has_warning,
                        "status": "open",
                    }
                )
        for start in range(0, len(deadline_rows), 20_000):
            session.execute(insert(DeadlineRecord), deadline_rows[start : start + 20_000])
    return engine, profile, len(rows), len(deadline_rows)


def _bare_library_baseline(engine) -> tuple[float, int]:
    """The same deadlines counted with chinesecalendar alone: no explanation, no database writes."""
    from chinese_calendar import is_workday

    from app.db.models.deadlines import DeadlineRecord

    with engine.connect() as connection:
        rows = connection.execute(
            select(DeadlineRecord.start_on, DeadlineRecord.period_amount, DeadlineRecord.period_unit).where(
                DeadlineRecord.status == "open"
            )
        ).all()

    def working(day: date) -> bool:
        try:
            return is_workday(day)
        except NotImplementedError:  # years the library does not know
            return day.weekday() < 5

    started = time.perf_counter()
    for start, amount, unit in rows:
        if unit == "working_days":
            day, left = start, amount
            while left:
                day += timedelta(days=1)
                left -= working(day)
        else:
            if unit == "months":
                month_index = start.month - 1 + amount
                year, month = start.year + month_index // 12, month_index % 12 + 1
                day = date(year, month, min(start.day, stdlib_calendar.monthrange(year, month)[1]))
            else:
                day = start + timedelta(days=amount)
            while not working(day):
                day += timedelta(days=1)
    return time.perf_counter() - started, len(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", type=int, default=50_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-deadlines-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"

    started = time.perf_counter()
    engine, profile, assignments, deadlines = _setup(url, args.assignments)
    print(
        f"setup: {assignments} open assignments, {deadlines} open deadlines in {time.perf_counter() - started:.1f} s ({engine.dialect.name})"
    )

    from app.db.engine import session_scope
    from app.rules.calendars import parse_year_text
    from app.services import deadlines as service
    from app.services.actor import Actor

    data = parse_year_text(SCHEDULE_2027, "bench 2027")
    started = time.perf_counter()
    with session_scope(engine) as session:
        report = service.load_calendar_year(session, Actor.system(), profile.name, data)
    calendar_seconds = time.perf_counter() - started
    print(
        f"calendar change (2027 loaded): {calendar_seconds:.2f} s — examined {report.examined}, "
        f"recomputed {report.recomputed}, moved {len(report.moved)}, warnings cleared {report.warnings_cleared} "
        f"[target < {TARGET_SECONDS:.0f} s: {'met' if calendar_seconds < TARGET_SECONDS else 'MISSED'}]"
    )

    from app.domain.profile import Period

    shorter = replace(profile, deadlines=replace(profile.deadlines, reply=Period(2, "months")))
    started = time.perf_counter()
    with session_scope(engine) as session:
        rule_report = service.recompute_open_deadlines(
            session, Actor.system(), profile=shorter, reason="bench rule change"
        )
    rule_seconds = time.perf_counter() - started
    print(
        f"rule change (reply 3 -> 2 months): {rule_seconds:.2f} s — recomputed {rule_report.recomputed}, "
        f"moved {len(rule_report.moved)}"
    )

    baseline_seconds, counted = _bare_library_baseline(engine)
    print(
        f"baseline, bare chinesecalendar loop over {counted} deadlines (no explanation, no writes): {baseline_seconds:.2f} s"
    )
    print(
        f"ratios: calendar change / baseline = {calendar_seconds / baseline_seconds:.2f}x; "
        f"rule change / baseline = {rule_seconds / baseline_seconds:.2f}x"
    )


if __name__ == "__main__":
    main()
