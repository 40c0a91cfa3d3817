"""Puts the pieces together: one StatisticsReport holds every table the workbook and page show."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from app.domain.enums import AssignmentRole, ItemKind
from app.domain.profile import Profile
from app.domain.statistics.appraisal import AppraisalResult, appraise_department, rank
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
    settings = settings or statistics_settings(profile)
    appraisal = appraisal or appraisal_settings(profile)
    items = select_items(facts, scope)
    analyses = [analyse(item, profile, settings, scope.as_of) for item in items]
    kinds = (scope.kind,) if scope.kind else tuple(ItemKind)

    by_kind: dict[ItemKind | None, Tally] = {None: Tally(), **{k: Tally() for k in kinds}}
    by_department: dict[str, Tally] = defaultdict(Tally)
    for analysis in analyses:
        by_kind[None].add_item(analysis)
        by_kind[analysis.item.kind].add_item(analysis)
        for department in analysis.roles:
            if scope.department is None or department == scope.department:
                by_department[department].add(analysis.department_contributions[department])

    department_rows = _department_rows(profile, by_department, appraisal)
    grouped = _for_groups(analyses)
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
        appraisal=tuple(rank([row.appraisal for row in department_rows])),
        sessions=_groups(grouped, lambda i: i.session),
        categories=_category_groups(profile, grouped),
        delegations=_groups(grouped, lambda i: i.delegation or UNSET_ZH, ItemKind.NPC_SUGGESTION),
        sectors=_groups(grouped, lambda i: i.sector or UNSET_ZH, ItemKind.CPPCC_PROPOSAL),
        parties=_groups(grouped, lambda i: i.party or UNSET_ZH, ItemKind.CPPCC_PROPOSAL),
        late=tuple(_late_list(analyses)),
        rehandled=tuple(_item_list(profile, [a for a in analyses if a.rehandled])),
        key_items=tuple(_item_list(profile, [a for a in analyses if a.item.key_supervision])),
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


Grouped = list[tuple[ItemAnalysis, Contribution]]


def _for_groups(analyses: list[ItemAnalysis]) -> Grouped:
    """Each item with the few counters a group row needs, cut once (an item lands in five group tables)."""
    return [(a, tuple(pair for pair in a.contribution if pair[0] in GROUP_COUNTERS)) for a in analyses]


def _groups(
    grouped: Grouped,
    key: Callable[[ItemFact], str],
    only_kind: ItemKind | None = None,
) -> tuple[GroupRow, ...]:
    tallies: dict[str, Tally] = {}
    received: dict[str, dict[ItemKind, int]] = {}
    for analysis, contribution in grouped:
        item = analysis.item
        if only_kind is not None and item.kind is not only_kind:
            continue
        label = key(item)
        if label not in tallies:
            tallies[label], received[label] = Tally(), dict.fromkeys(ItemKind, 0)
        tallies[label].add(contribution)
        received[label][item.kind] += 1
    # most items first; the "not filled in" row last
    ordered = sorted(tallies, key=lambda lb: (lb == UNSET_ZH, -tallies[lb].count("received"), lb))
    return tuple(GroupRow(lb, received[lb], tallies[lb].values(GROUP_CODES)) for lb in ordered)


def _category_groups(profile: Profile, grouped: Grouped) -> tuple[GroupRow, ...]:
    """By first-level category, in profile order; sub-categories count under their parent."""
    by_code = {c.code: c for c in profile.categories}

    def top_level(item: ItemFact) -> str:
        category = by_code.get(item.category or "")
        if category is None:
            return UNCATEGORISED_ZH
        return by_code[category.parent].name if category.parent else category.name

    rows = _groups(grouped, top_level)
    order = {c.name: i for i, c in enumerate(c for c in profile.categories if c.parent is None)}
    return tuple(sorted(rows, key=lambda r: order.get(r.label, len(order))))


def _late_list(analyses: list[ItemAnalysis]) -> list[Obligation]:
    late = [ob for a in analyses for ob in a.obligations if ob.status in ("late", "overdue")]
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


