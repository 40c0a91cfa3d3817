"""Puts the pieces together: one StatisticsReport holds every table the workbook and page show."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from app.domain.enums import AssignmentRole, ItemKind
from app.domain.profile import Profile
from app.domain.statistics.appraisal import DEPARTMENT_VIEW, AppraisalResult, appraise_department, rank, unranked
from app.domain.statistics.compute import (
    FINAL,
    FIRST,
    Contribution,
    ItemAnalysis,
    Obligation,
    Rating,
    StatisticsScope,
    Tally,
    Value,
    analyse,
    counters_for,
    select_items,
)
from app.domain.statistics.facts import ItemFact
from app.domain.statistics.indicators import DEPARTMENT_CODES, SUMMARY_CODES
from app.domain.statistics.labels import UNCATEGORISED_ZH, UNSET_ZH
from app.domain.statistics.settings import (
    AppraisalSettings,
    StatisticsSettings,
    appraisal_settings,
    statistics_settings,
)

KIND_ORDER = {kind: index for index, kind in enumerate(ItemKind)}
GROUP_CODES = ("received", "on_time_rate", "resolved_rate", "final_satisfaction_rate")
GROUP_COUNTERS = counters_for(GROUP_CODES)


@dataclass(frozen=True)
class GroupRow:
    label: str
    received_by_kind: dict[ItemKind, int]
    values: dict[str, Value]


@dataclass(frozen=True)
class DepartmentRow:
    code: str
    name: str
    values: dict[str, Value]
    appraisal: AppraisalResult


@dataclass(frozen=True)
class ResultClassCount:
    kind: ItemKind
    code: str
    label: str
    bucket: str
    count: int


@dataclass(frozen=True)
class ItemListRow:
    """One item of the re-handled or key-supervision list."""

    item: ItemFact
    lead_departments: tuple[str, ...]  # names
    co_departments: tuple[str, ...]
    replies_sent: int
    replies_owed: int
    result_labels: tuple[str, ...]
    first_rating: str  # level labels, "、"-joined
    final_rating: str


@dataclass(frozen=True)
class StatisticsReport:
    scope: StatisticsScope
    profile: Profile
    settings: StatisticsSettings
    appraisal_settings: AppraisalSettings
    kinds: tuple[ItemKind, ...]
    summary: dict[ItemKind | None, dict[str, Value]]  # None: all kinds together
    result_classes: tuple[ResultClassCount, ...]
    satisfaction: dict[tuple[ItemKind, str], dict[str, int]]  # (kind, first|final) -> level code -> count
    departments: tuple[DepartmentRow, ...]  # profile order
    appraisal: tuple[AppraisalResult, ...]  # ranked order
    sessions: tuple[GroupRow, ...]
    categories: tuple[GroupRow, ...]
    delegations: tuple[GroupRow, ...]
    sectors: tuple[GroupRow, ...]
    parties: tuple[GroupRow, ...]
    late: tuple[Obligation, ...]
    rehandled: tuple[ItemListRow, ...]
    key_items: tuple[ItemListRow, ...]

    def department_name(self, code: str) -> str:
        return department_names(self.profile).get(code, code)


def department_names(profile: Profile) -> dict[str, str]:
    return {d.code: d.short_name for d in profile.departments}


def build_report(
    facts: Iterable[ItemFact],
    profile: Profile,
    scope: StatisticsScope,
    settings: StatisticsSettings | None = None,
    appraisal: AppraisalSettings | None = None,
) -> StatisticsReport:
    """One pass over the items: each is analysed, added to every table, and let go unless a list needs it
    (memory stays proportional to the lists, not to the year)."""
    settings = settings or statistics_settings(profile)
    appraisal = appraisal or appraisal_settings(profile)
    kinds = (scope.kind,) if scope.kind else tuple(ItemKind)

    by_kind: dict[ItemKind | None, Tally] = {None: Tally(), **{k: Tally() for k in kinds}}
    by_department: dict[str, Tally] = defaultdict(Tally)
    groups = {
        "sessions": _GroupTable(lambda i: i.session),
        "categories": _GroupTable(_top_level_category(profile)),
        "delegations": _GroupTable(lambda i: i.delegation or UNSET_ZH, ItemKind.NPC_SUGGESTION),
        "sectors": _GroupTable(lambda i: i.sector or UNSET_ZH, ItemKind.CPPCC_PROPOSAL),
        "parties": _GroupTable(lambda i: i.party or UNSET_ZH, ItemKind.CPPCC_PROPOSAL),
    }
    late: list[Obligation] = []
    rehandled: list[ItemAnalysis] = []
    key_items: list[ItemAnalysis] = []
    for item in select_items(facts, scope):
        analysis = analyse(item, profile, settings, scope.as_of)
        by_kind[None].add_item(analysis)
        by_kind[item.kind].add_item(analysis)
        for department in analysis.roles:
            if scope.department is None or department == scope.department:
                by_department[department].add(analysis.department_contributions[department])
        cut = tuple(pair for pair in analysis.contribution if pair[0] in GROUP_COUNTERS)
        for table in groups.values():
            table.add(item, cut)
        late.extend(ob for ob in analysis.obligations if ob.status in ("late", "overdue"))
        if analysis.rehandled:
            rehandled.append(analysis)
        if item.key_supervision:
            key_items.append(analysis)

    department_rows = _department_rows(profile, by_department, appraisal)
    category_order = {c.name: i for i, c in enumerate(c for c in profile.categories if c.parent is None)}
    return StatisticsReport(
        scope=scope,
        profile=profile,
        settings=settings,
        appraisal_settings=appraisal,
        kinds=kinds,
        summary={k: t.values(SUMMARY_CODES) for k, t in by_kind.items()},
        result_classes=_result_classes(profile, kinds, by_kind[None]),
        satisfaction={
            (kind, round_name): {lv.code: by_kind[kind].levels[round_name][lv.code] for lv in profile.satisfaction}
            for kind in kinds
            for round_name in (FIRST, FINAL)
        },
        departments=tuple(department_rows),
        appraisal=tuple(
            rank([row.appraisal for row in department_rows])
            if scope.department is None
            else unranked([row.appraisal for row in department_rows], DEPARTMENT_VIEW)
        ),
        sessions=groups["sessions"].rows(),
        categories=tuple(
            sorted(groups["categories"].rows(), key=lambda r: category_order.get(r.label, len(category_order)))
        ),
        delegations=groups["delegations"].rows(),
        sectors=groups["sectors"].rows(),
        parties=groups["parties"].rows(),
        late=tuple(_sorted_late(late)),
        rehandled=tuple(_item_list(profile, rehandled)),
        key_items=tuple(_item_list(profile, key_items)),
    )


def _department_rows(profile: Profile, tallies: dict[str, Tally], appraisal: AppraisalSettings) -> list[DepartmentRow]:
    order = {d.code: i for i, d in enumerate(profile.departments)}
    names = department_names(profile)
    rows = []
    for code in sorted(tallies, key=lambda c: (order.get(c, len(order)), c)):
        values = tallies[code].values(DEPARTMENT_CODES)
        name = names.get(code, code)
        rows.append(DepartmentRow(code, name, values, appraise_department(code, values, appraisal)))
    return rows


def _result_classes(profile: Profile, kinds: tuple[ItemKind, ...], tally: Tally) -> tuple[ResultClassCount, ...]:
    return tuple(
        ResultClassCount(kind, rc.code, rc.label, rc.bucket.value, tally.result_classes[(kind, rc.code)])
        for kind in kinds
        for rc in profile.result_schemes[kind]
    )


class _GroupTable:
    """Rows of one grouping (by session, category, delegation ...), filled item by item."""

    def __init__(self, key: Callable[[ItemFact], str], only_kind: ItemKind | None = None) -> None:
        self.key, self.only_kind = key, only_kind
        self.tallies: dict[str, Tally] = {}
        self.received: dict[str, dict[ItemKind, int]] = {}

    def add(self, item: ItemFact, contribution: Contribution) -> None:
        if self.only_kind is not None and item.kind is not self.only_kind:
            return
        label = self.key(item)
        if label not in self.tallies:
            self.tallies[label], self.received[label] = Tally(), dict.fromkeys(ItemKind, 0)
        self.tallies[label].add(contribution)
        self.received[label][item.kind] += 1

    def rows(self) -> tuple[GroupRow, ...]:
        # most items first; the "not filled in" row last
        tallies = self.tallies
        ordered = sorted(tallies, key=lambda lb: (lb == UNSET_ZH, -tallies[lb].count("received"), lb))
        return tuple(GroupRow(lb, self.received[lb], tallies[lb].values(GROUP_CODES)) for lb in ordered)


def _top_level_category(profile: Profile) -> Callable[[ItemFact], str]:
    """By first-level category; sub-categories count under their parent."""
    by_code = {c.code: c for c in profile.categories}

    def top_level(item: ItemFact) -> str:
        category = by_code.get(item.category or "")
        if category is None:
            return UNCATEGORISED_ZH
        return by_code[category.parent].name if category.parent else category.name

    return top_level


def _sorted_late(late: list[Obligation]) -> list[Obligation]:
    late.sort(
        key=lambda ob: (
            ob.status != "overdue",
            -(ob.days_late or 0),
            KIND_ORDER[ob.item.kind],
            ob.item.session,
            ob.item.number,
            ob.department,
        )
    )
    return late


def _item_list(profile: Profile, analyses: list[ItemAnalysis]) -> list[ItemListRow]:
    levels = {lv.code: lv.label for lv in profile.satisfaction}
    department = department_names(profile)
    rows = []
    for a in sorted(analyses, key=lambda a: (KIND_ORDER[a.item.kind], a.item.session, a.item.number)):

        def names(role: AssignmentRole, analysis: ItemAnalysis = a) -> tuple[str, ...]:
            return tuple(department.get(d, d) for d, roles in sorted(analysis.roles.items()) if role in roles)

        owed = [ob for ob in a.obligations if ob.round == a.item.rounds] or a.obligations
        rows.append(
            ItemListRow(
                item=a.item,
                lead_departments=names(AssignmentRole.LEAD) + names(AssignmentRole.SPLIT),
                co_departments=names(AssignmentRole.CO),
                replies_sent=sum(ob.reply is not None for ob in owed),
                replies_owed=len(owed),
                result_labels=tuple(fr.result.label for fr in a.final_replies if fr.result is not None),
                first_rating=_rating_text(levels, a.first_ratings),
                final_rating=_rating_text(levels, a.final_ratings),
            )
        )
    return rows


def _rating_text(levels: dict[str, str], ratings: list[Rating]) -> str:
    return "、".join(levels.get(r.feedback.level, r.feedback.level) for r in ratings)
