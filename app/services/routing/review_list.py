"""The routing review of one session's proposals on the list mechanism: tabs (all, to review,
conflicts, unmatched, decided, possible duplicates), a unit filter, search, paging; counts per tab; and the ids of
"all N matching" for the bulk actions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, String, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from app.db.models import Item
from app.db.models.routing import RoutingRecord
from app.db.models.similarity import MergeSuggestion
from app.domain.text import N_
from app.services.listing import FilterSpec, ListPage, ListQuery, ListSpec, count, like_pattern, run_page, search_clause

UNDECIDED = ("proposed", "manual")
DECIDED = ("accepted", "overridden", "assigned")

#: tab code -> label; the order shown
TABS = {
    "all": N_("All"),
    "pending": N_("To review"),
    "conflict": N_("Conflicts"),
    "unmatched": N_("Unmatched"),
    "decided": N_("Decided"),
    "duplicates": N_("Possible duplicates"),  # a 并案 suggestion found at import waits for a decision
}

REVIEW_SPEC = ListSpec(
    filters={
        "tab": FilterSpec("choice", tuple(TABS)),
        "unit": FilterSpec("text"),  # department code proposed as lead, co or split unit
        "q": FilterSpec("text"),  # number, title or content
    },
    sorts={"number": Item.number, "title": Item.title, "status": RoutingRecord.status, "state": Item.state},
    tiebreak=Item.id,
    default_sort="number",
)


def _tab_clause(tab: str) -> Any:
    if tab == "pending":
        return RoutingRecord.status.in_(UNDECIDED)
    if tab == "conflict":
        return and_(RoutingRecord.has_conflicts.is_(True), RoutingRecord.status.in_(UNDECIDED))
    if tab == "unmatched":
        return or_(RoutingRecord.id.is_(None), RoutingRecord.status == "manual")
    if tab == "decided":
        return RoutingRecord.status.in_(DECIDED)
    if tab == "duplicates":
        return _has_open_suggestion()
    return None


def _has_open_suggestion() -> Any:
    return (
        select(MergeSuggestion.id)
        .where(
            MergeSuggestion.status == "proposed",
            or_(MergeSuggestion.item_id == Item.id, MergeSuggestion.other_item_id == Item.id),
        )
        .exists()
    )


def _base(session_id: int) -> Any:
    return (
        select(Item, RoutingRecord)
        .outerjoin(RoutingRecord, and_(RoutingRecord.item_id == Item.id, RoutingRecord.current.is_(True)))
        .where(Item.session_id == session_id)
    )


def _filtered(stmt: Select[Any], filters: Mapping[str, Any], *, with_tab: bool = True) -> Select[Any]:
    tab = filters.get("tab", "all")
    if with_tab and _tab_clause(tab) is not None:
        stmt = stmt.where(_tab_clause(tab))
    unit = filters.get("unit")
    if unit:
        quoted = like_pattern(f'"{unit}"')
        stmt = stmt.where(
            or_(
                RoutingRecord.lead_code == unit,
                cast(RoutingRecord.co_codes, String).like(quoted, escape="\\"),
                cast(RoutingRecord.split_codes, String).like(quoted, escape="\\"),
            )
        )
    if filters.get("q"):
        stmt = stmt.where(search_clause([Item.number, Item.title, Item.content], filters["q"]))
    return stmt


def review_page(session: Session, session_id: int, query: ListQuery) -> ListPage:
    """One page of (Item, RoutingRecord | None) rows of the session (the office only)."""
    return run_page(session, _filtered(_base(session_id), query.filters), query, scalars=False)


def tab_counts(session: Session, session_id: int, query: ListQuery) -> dict[str, int]:
    """How many rows each tab has with the other filters (unit, search) applied."""
    base = _filtered(_base(session_id), query.filters, with_tab=False)
    counts = {"all": count(session, base)}
    for tab in TABS:
        clause = _tab_clause(tab)
        if clause is not None:
            counts[tab] = count(session, base.where(clause))
    return counts


def matching_ids(session: Session, session_id: int, filters: Mapping[str, Any]) -> list[int]:
    """The item ids of "all N matching": the same filters as the page, every page."""
    stmt = _filtered(_base(session_id), filters).with_only_columns(Item.id).order_by(Item.number, Item.id)
    return list(session.scalars(stmt))


def total_items(session: Session, session_id: int) -> int:
    return session.scalar(select(func.count(Item.id)).where(Item.session_id == session_id)) or 0
