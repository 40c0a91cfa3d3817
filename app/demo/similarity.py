"""Demo: the similarity index over every item (last year's archive is written in bulk, past the
import), and a supplementary 闭会期间 batch with near-duplicates, so the routing review shows 并案
suggestions of each kind: two resubmissions of last year's items by the same deputies, a rewrite of
this year's item by another deputy, and two rows of the batch on one matter."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import CongressSession, Item
from app.db.models.similarity import SimilarityDocument
from app.demo.stats import NPC_SESSION as LAST_NPC_SESSION
from app.importing.samples import NPC_COLUMNS
from app.services import importing, similarity

ORDER = 92  # after last year's archive (stats, 90) is written
FILE_NAME = "闭会期间建议（补充）.xlsx"
FIRST_NUMBER = 901


def _row(number: int, title: str, submitter: str, delegation: str, content: str) -> tuple:
    values = {
        "建议号": number,
        "标题": title,
        "领衔代表": submitter,
        "提出人数": 1,
        "代表团": delegation,
        "会上/闭会": "闭会",
        "可否公开": "是",
        "提出时间": "2026-06-15",
        "内容": content,
    }
    return tuple(values.get(column) for column in NPC_COLUMNS)


def supplementary_rows(last_year: list[Item], this_year: Item | None) -> list[tuple]:
    rows = []
    number = FIRST_NUMBER
    for old in last_year:
        title = old.title.replace("关于", "关于进一步", 1) if old.title.startswith("关于") else "再次" + old.title
        content = f"去年提出的“{old.title}”办理后问题仍未根本解决，群众反映依然强烈，现再次提出。"
        rows.append(_row(number, title, old.lead_submitter, "朝阳区代表团", content))
        number += 1
    if this_year is not None:
        content = (this_year.content or "") + "此事关系群众切身利益，请有关部门抓紧研究。"
        rows.append(_row(number, this_year.title, "齐佳音", "海淀区代表团", content))
        number += 1
    matter = "关于解决丰台区卢沟桥地区老旧小区供暖不达标问题的建议"
    detail = "卢沟桥街道部分老旧小区供热管网老化，冬季室温长期不足十八度，居民投诉多年未解决。建议改造老化管网，落实室温监测。"
    rows.append(_row(number, matter, "魏东", "丰台区代表团", detail))
    rows.append(_row(number + 1, "关于改造卢沟桥老旧小区老化供热管网的建议", "薛芳", "丰台区代表团", detail))
    return rows


def _workbook(rows: list[tuple]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "闭会期间建议"
    sheet.append(NPC_COLUMNS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def seed(session: Session, ctx) -> None:
    unindexed = session.scalars(
        select(Item.id).where(~select(SimilarityDocument.item_id).where(SimilarityDocument.item_id == Item.id).exists())
    ).all()
    similarity.index_items(session, unindexed)
    congress = ctx.sessions.get("npc")
    if congress is None or "staff" not in ctx.users:
        return
    first = f"{FIRST_NUMBER:0{congress.number_width}d}" if congress.number_width else str(FIRST_NUMBER)
    if session.scalar(select(Item.id).where(Item.session_id == congress.id, Item.number == first)) is not None:
        return  # seeded before
    last_year = list(
        session.scalars(
            select(Item)
            .join(CongressSession, CongressSession.id == Item.session_id)
            .where(CongressSession.label == LAST_NPC_SESSION, Item.title.like("关于%"))
            .order_by(Item.id)
            .limit(2)
        )
    )
    this_year = session.scalar(
        select(Item).where(Item.session_id == congress.id, Item.content != "").order_by(Item.number).limit(1)
    )
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / FILE_NAME
        path.write_bytes(_workbook(supplementary_rows(last_year, this_year)))
        importing.commit_import(
            session, ctx.actor("staff"), path, kind="npc_suggestion", session_label=congress.label, file_name=FILE_NAME
        )
