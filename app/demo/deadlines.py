"""Demo: deadlines for every assignment, a populated supervision board, an extension request.

Runs after the seeders that create items and assignments (import, routing, workflow). When the
database has no items yet (this feature's demo on its own), it adds a handful of realistic ones
so that every board section shows something. The 2027 holiday schedule is deliberately not
loaded: deadlines reaching into 2027 show the fallback warning, and the calendar page offers
to load the year.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Assignment, Item
from app.db.models.deadlines import DeadlineRecord, ExtensionRequest
from app.services import deadlines as deadline_service
from app.services.actor import Actor
from app.services.supervision import run_supervision

ORDER = 60

# (number, title, lead department, co-handler, days before today it was assigned, key supervision, lead state)
DEMO_ITEMS = [
    ("0259", "关于解决石景山区八宝山街道远洋山水小区停车难问题的建议", "jtw", "sjs", 85, True, "drafting"),
    ("0312", "关于修整安立路和慧忠路交叉路口过街天桥的建议", "jtw", "cy", 120, False, "drafting"),
    ("0347", "关于老旧小区增设电梯无障碍入户模式的建议", "zjw", "jtw", 40, False, "signed"),
    ("0401", "关于发展职业教育，构建先进制造业人才高地的建议", "jw", "rsj", 95, True, "drafting"),
    ("0415", "关于提高社会治理能力，促进京津冀交通一体化的建议", "jtw", "fgw", 60, False, "signed"),
]


def _demo_items(session: Session, ctx) -> None:
    npc = ctx.sessions.get("npc")
    if npc is None or session.scalar(select(func.count()).select_from(Item)):
        return
    for number, title, lead, co, days_ago, key, state in DEMO_ITEMS:
        if lead not in ctx.departments or co not in ctx.departments:
            continue
        assigned_on = ctx.today - timedelta(days=days_ago)
        item = Item(
            kind="npc_suggestion",
            session_id=npc.id,
            number=number,
            title=title,
            lead_submitter="王红",
            key_supervision=key,
            state="in_progress",
        )
        session.add(item)
        session.flush()
        session.add_all(
            [
                Assignment(item_id=item.id, department_id=ctx.departments[lead].id, role="lead", state=state, assigned_on=assigned_on),
                Assignment(item_id=item.id, department_id=ctx.departments[co].id, role="co", state="drafting", assigned_on=assigned_on),
            ]
        )
    session.flush()


def seed(session: Session, ctx) -> None:
    _demo_items(session, ctx)
    system = Actor.system()
    calendar = deadline_service.current_calendar(session, ctx.profile.name)
    with_deadlines = select(DeadlineRecord.assignment_id)
    missing = session.scalars(
        select(Assignment).where(Assignment.id.not_in(with_deadlines), Assignment.ended_at.is_(None)).order_by(Assignment.id)
    ).all()
    for assignment in missing:
        deadline_service.record_assignment_deadlines(session, system, assignment, profile=ctx.profile, calendar=calendar)

    # one extension request from 市交通委, waiting on the board
    if "jtw" in ctx.users and not session.scalar(select(func.count()).select_from(ExtensionRequest)):
        reply = session.scalar(
            select(DeadlineRecord)
            .join(Assignment, Assignment.id == DeadlineRecord.assignment_id)
            .where(
                DeadlineRecord.rule == "reply",
                DeadlineRecord.status == "open",
                DeadlineRecord.due_on >= ctx.today,
                Assignment.department_id == ctx.departments["jtw"].id,
            )
            .order_by(DeadlineRecord.due_on)
        )
        if reply is not None:
            requested = calendar.add_working_days(reply.due_on, 10)
            limit = deadline_service.longest_limit(session, ctx.profile, reply, calendar)
            if limit is None or requested <= limit:
                deadline_service.request_extension(
                    session, ctx.actor("jtw"), reply.id, requested, "需与区政府、产权单位多方协调，现场勘查尚未完成"
                )
    run_supervision(session, system, profile_name=ctx.profile.name, today=ctx.today)
