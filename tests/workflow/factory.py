"""Test data for the handling workflow: a session, items, and users of the departments involved."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app.demo.workflow_items import register_item
from app.domain.enums import Role
from app.services.actor import Actor
from app.services.sessions import add_session
from app.services.workflow import actions

TODAY = date(2026, 3, 2)
OFFICE = Actor(None, "system", Role.OFFICE_ADMIN)


def npc_session(session):
    from sqlalchemy import select

    from app.db.models import CongressSession

    existing = session.scalar(select(CongressSession).where(CongressSession.label == "市十六届人大四次会议"))
    return existing or add_session(
        session, Actor.system(), label="市十六届人大四次会议", body="npc", year=2026, number_width=4
    )


_numbers = iter(range(1, 100_000))


def new_item(session, title="关于修整安立路和慧忠路交叉路口过街天桥的建议", **kw):
    return register_item(
        session,
        Actor.system(),
        npc_session(session),
        number=kw.pop("number", f"{next(_numbers):04d}"),
        title=title,
        lead_submitter=kw.pop("lead_submitter", "张建华"),
        content=kw.pop("content", "安立路与慧忠路交叉路口过街天桥年久失修，建议尽快修整并加装电梯。"),
        **kw,
    )


def assigned_item(session, office: Actor, plan, today=TODAY):
    item = new_item(session)
    actions.assign(session, office, item.id, plan, today=today)
    session.flush()
    return item


def good_draft(result_class="B"):
    return actions.ReplyDraft(
        body="一、关于过街天桥维修\n我委已会同朝阳区对天桥进行检测，计划年内完成维修。\n感谢您对交通工作的关心和支持。",
        result_class=result_class,
        contact_person="王明",
        contact_phone="010-57079999",
    )


def yesterday() -> datetime:
    return datetime.now(UTC) - timedelta(days=1)
