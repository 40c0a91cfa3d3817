"""Demo: deadlines for every assignment, a populated supervision board, an extension request.

Runs after the seeders that create items and assignments through the services (import, routing,
workflow), whose older assignments fill the board's sections. The 2027 holiday schedule is deliberately not
loaded: deadlines reaching into 2027 show the fallback warning, and the calendar page offers
to load the year.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Assignment
from app.db.models.deadlines import DeadlineRecord, ExtensionRequest
from app.services import deadlines as deadline_service
from app.services.actor import Actor
from app.services.supervision import run_supervision

ORDER = 80  # after the items exist (import, routing, workflow): states move only through services


def seed(session: Session, ctx) -> None:
    system = Actor.system()
    calendar = deadline_service.current_calendar(session, ctx.profile.name)
    with_deadlines = select(DeadlineRecord.assignment_id)
    missing = session.scalars(
        select(Assignment)
        .where(Assignment.id.not_in(with_deadlines), Assignment.ended_at.is_(None))
        .order_by(Assignment.id)
    ).all()
    for assignment in missing:
        deadline_service.record_assignment_deadlines(
            session, system, assignment, profile=ctx.profile, calendar=calendar
        )

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
