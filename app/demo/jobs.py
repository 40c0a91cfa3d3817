"""Demo: a few finished background jobs, so the jobs page and the "your background work" lists are not
empty. They go through the real machinery (app.services.jobs.submit, then app.ops.runner.execute,
which claims, runs and records each one), not through rows written by hand:
- the supervision run of the last working day (the office administrator),
- the NPC sample workbook imported again in the background (the staff member; nothing new in it, and
  the rows of items already assigned are left as they are),
- the statistics workbook of the year (the staff member; its file can be downloaded),
- a supplementary workbook with mistakes, whose import failed with the problems it names.
Idempotent: each job has a dedupe key, so a second `jianti demo` adds nothing.
"""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import PROJECT_ROOT
from app.db.models.jobs import JobRecord
from app.domain.enums import ItemKind
from app.importing.samples import NPC_COLUMNS
from app.services import importing, jobs

ORDER = 99  # last: after the items, their handling and the statistics data exist
SAMPLES = PROJECT_ROOT / "imports" / "samples"
HEADER = NPC_COLUMNS  # the NPC sample workbook's columns


def broken_workbook() -> bytes:
    """Two rows an office might really get wrong: a missing title, a category the profile does not have."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(
        (9001, None, "石玉文", "", 1, "东城区代表团", "文化体育", "闭会", "是", "2026-06-01", None, "内容见附件。")
    )
    sheet.append(
        (
            9002,
            "关于增设社区养老驿站的建议",
            "唐春",
            "",
            1,
            "西城区代表团",
            "不存在的类别",
            "闭会",
            "是",
            "2026-06-02",
            None,
            "略。",
        )
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _last_working_day(session: Session, ctx):
    from app.services.deadlines import current_calendar

    calendar = current_calendar(session, ctx.profile.name)
    day = ctx.today
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def seed(session: Session, ctx) -> None:
    from app.ops import runner

    if session.scalar(select(JobRecord.id).where(JobRecord.dedupe_key.like("demo:%")).limit(1)) is not None:
        return  # seeded before
    if not {"admin", "staff"} <= ctx.users.keys() or "npc" not in ctx.sessions:
        return
    admin, staff, npc = ctx.actor("admin"), ctx.actor("staff"), ctx.sessions["npc"]
    day = _last_working_day(session, ctx)
    sample = f"{ctx.profile.name}_npc_2026.xlsx"
    with (SAMPLES / sample).open("rb") as source:
        again = importing.save_pending(
            staff, source, file_name=sample, kind=ItemKind.NPC_SUGGESTION, session_label=npc.label
        )
    broken = importing.save_pending(
        staff,
        io.BytesIO(broken_workbook()),
        file_name="代表建议补录（第二批）.xlsx",
        kind=ItemKind.NPC_SUGGESTION,
        session_label=npc.label,
    )
    planned = [
        (admin, "supervision", {"day": day.isoformat(), "mail": False}, "demo:supervision"),
        (staff, "import_batch", {"token": again.token, "skip_locked": True}, "demo:import"),
        (staff, "stats_workbook", {"year": npc.year, "kind": "all"}, "demo:stats"),
        (staff, "import_batch", {"token": broken.token}, "demo:import-with-mistakes"),
    ]
    ids = [
        jobs.submit(session, actor, kind, params, dedupe_key=key, dispatch=False).id
        for actor, kind, params, key in planned
    ]
    session.commit()  # the rows must be visible to the runner's own transactions
    for job_id in ids:
        runner.execute(job_id)  # what a worker does with a job it is handed
