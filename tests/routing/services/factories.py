"""Items for routing tests, written straight to the database."""

from __future__ import annotations

from sqlalchemy import select

from app.db.models import Category, Department, Item, ItemIntendedDepartment
from app.services.actor import Actor
from app.services.sessions import add_session

SESSION_LABEL = "市十六届人大四次会议"

TITLES = [
    ("0001", "关于解决老旧小区停车难问题的建议", None),
    ("0002", "关于加快老旧小区加装电梯的建议", None),
    ("0003", "关于扩大普惠性学前教育资源供给的建议", "shfz.jy"),
    ("0004", "关于优化医保报销流程的建议", None),
    ("0005", "关于某某事项的意见", None),  # no rule matches
]


def make_session(db_session, label: str = SESSION_LABEL, titles=TITLES):
    congress = add_session(db_session, Actor.system(), label=label, body="npc", year=2026, number_width=4)
    items = []
    for number, title, category_code in titles:
        category = db_session.scalar(select(Category).where(Category.code == category_code)) if category_code else None
        item = Item(
            kind="npc_suggestion",
            session_id=congress.id,
            number=number,
            title=title,
            content="",
            lead_submitter="王代表",
            category=category,
            delegation="海淀代表团",
            during_session=True,
        )
        db_session.add(item)
        items.append(item)
    db_session.flush()
    return congress, items


def add_intended(db_session, item: Item, code: str) -> None:
    department = db_session.scalar(select(Department).where(Department.code == code))
    db_session.add(ItemIntendedDepartment(item_id=item.id, department_id=department.id, role="lead"))
    db_session.flush()
