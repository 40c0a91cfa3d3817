"""A past session whose 违停 titles naming a district were overridden to that district."""

from __future__ import annotations

from sqlalchemy import select

from app.db.models import Item
from app.services import routing, similarity
from app.services.sessions import add_session
from tests.routing.services.factories import make_session

PAST_LABEL = "市十六届人大三次会议"
# number, title, district the office chose (None: proposal accepted). The rules send 违停 to
# 市公安局, and 市公安局 is a municipal department of the gazetteer, so the place tier keeps it
# leading with the district co-handling even for a street or landmark of one district; the office
# kept giving residential-area 违停 to the district (a pattern the rule packs do not know).
PAST = [
    ("0201", "关于治理朝阳区望京地区老旧小区周边违停的建议", "cy"),
    ("0202", "关于整治海淀区五道口周边违停乱象的建议", "hd"),
    ("0203", "关于解决丰台区方庄社区夜间违停问题的建议", "ft"),
    ("0204", "关于规范西城区什刹海胡同违停秩序的建议", "xc"),
    ("0205", "关于推广海淀区违停治理经验至全市的建议", None),  # speaks against the pattern
    ("0206", "关于加快老旧小区加装电梯的建议", None),
]
# registered later, not decided: the diff shows them as undecided
UNDECIDED = [("0301", "关于解决石景山区鲁谷社区违停问题的建议", None)]
REASON = "区属小区周边违停，由区牵头综合治理"
CO_HANDLER = "gaj"


def seed_overrides(session, office, *, undecided: bool = True):
    congress = add_session(session, office, label=PAST_LABEL, body="npc", year=2025, number_width=4)
    items = {}
    for number, title, _district in PAST + (UNDECIDED if undecided else []):
        item = Item(
            kind="npc_suggestion",
            session_id=congress.id,
            number=number,
            title=title,
            content="",
            lead_submitter="张伟",
            delegation="朝阳代表团",
            during_session=True,
        )
        session.add(item)
        items[number] = item
    session.flush()
    routing.route_session(session, office, PAST_LABEL)
    for number, _title, district in PAST:
        if district:
            routing.override(
                session,
                office,
                items[number].id,
                mode="lead",
                lead=district,
                co=[CO_HANDLER],
                reason=REASON,
            )
        else:
            routing.accept(session, office, [items[number].id])
    session.flush()
    return items


CURRENT = [
    ("0001", "关于治理朝阳区望京地区小区周边违停的建议", None),
    ("0002", "关于治理朝阳区望京地区老旧小区周边违停的建议", None),  # same session: never listed for 0001
]


def seed_past_and_current(session, office):
    """The past session assigned, and a current session (not routed) with two parking titles; all indexed."""
    past = seed_overrides(session, office)
    for item_id in [i.id for i in past.values()]:
        record = routing.current_record(session, item_id)
        if record.status in ("accepted", "overridden"):
            routing.assign(session, office, item_id)
    _congress, current = make_session(session, titles=CURRENT)
    similarity.index_items(session, session.scalars(select(Item.id)).all())
    return past, current
