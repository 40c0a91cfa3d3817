"""A small, fully known set of items for the list tests: categories, departments (lead, co, split),
deadlines (past, soon, far), key supervision, delegations and co-signers all differ."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from app.db.engine import session_scope
from app.db.models import Assignment, Category
from app.services.workflow import actions
from tests.workflow.factory import OFFICE, TODAY, new_item, npc_session

FAR = date(2099, 6, 30)
PAST = date(2020, 1, 15)


@dataclass
class Row:
    key: str
    number: str
    title: str
    content: str
    lead_submitter: str
    co_signers: tuple[str, ...]
    category: str | None
    plan: list[tuple[str, str]]
    due: date | None
    key_supervision: bool = False
    delegation: str | None = None


ROWS = [
    Row(
        "bridge",
        "0001",
        "关于修整过街天桥的建议",
        "天桥年久失修",
        "张建华",
        ("李明",),
        "cxjs.jt",
        [("jtw", "lead"), ("cgw", "co")],
        date(2099, 3, 1),
        True,
        "朝阳代表团",
    ),
    Row(
        "parking",
        "0002",
        "关于增加小区停车位的建议",
        "老旧小区停车难",
        "钱玉兰",
        (),
        "cxjs.zf",
        [("cgw", "lead")],
        PAST,
        False,
        "海淀代表团",
    ),
    Row(
        "school",
        "0003",
        "关于扩大学位供给的建议",
        "学区学位紧张，建议新建学校",
        "冯立新",
        ("王芳", "赵强"),
        "shfz.jy",
        [("jw", "lead"), ("jtw", "co")],
        date(2099, 1, 10),
        False,
        "东城代表团",
    ),
    Row(
        "bus",
        "0004",
        "关于优化公交线路的建议",
        "建议增开夜班公交，方便停车换乘",
        "孙丽",
        (),
        "cxjs.jt",
        [("jtw", "lead")],
        FAR,
        True,
        "朝阳代表团",
    ),
    Row(
        "split",
        "0005",
        "关于河道治理的建议",
        "河道分段治理",
        "周海",
        (),
        "cxjs.sw",
        [("jtw", "split"), ("cgw", "split")],
        date(2099, 5, 5),
        False,
        None,
    ),
    Row(
        "fresh",
        "0006",
        "关于社区养老服务的建议",
        "养老驿站",
        "吴敏",
        ("张建华",),
        "shfz.yl2",
        [],
        None,
        False,
        "西城代表团",
    ),
    Row("percent", "0007", "关于提高100%覆盖率的建议", "覆盖率_达标", "郑伟", (), None, [], None, False, None),
]


@dataclass
class Dataset:
    ids: dict[str, int]
    session_id: int

    def id(self, key: str) -> int:
        return self.ids[key]


@pytest.fixture
def dataset(clean_db) -> Dataset:
    ids: dict[str, int] = {}
    with session_scope(clean_db) as session:
        congress = npc_session(session)
        categories = {c.code: c.id for c in session.scalars(select(Category))}
        for row in ROWS:
            item = new_item(
                session,
                title=row.title,
                number=row.number,
                content=row.content,
                lead_submitter=row.lead_submitter,
                co_signers=row.co_signers,
                key_supervision=row.key_supervision,
                delegation=row.delegation,
            )
            item.category_id = categories[row.category] if row.category else None
            session.flush()
            if row.plan:
                actions.assign(session, OFFICE, item.id, row.plan, today=TODAY)
                session.flush()
                for assignment in session.scalars(select(Assignment).where(Assignment.item_id == item.id)):
                    if assignment.role in ("lead", "split"):
                        assignment.due_on = row.due
            ids[row.key] = item.id
        session_id = congress.id
    return Dataset(ids, session_id)


def numbers(body: dict) -> list[str]:
    return [i["number"] for i in body["items"]]
