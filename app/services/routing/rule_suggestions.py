"""Rules suggested by the office's overrides: patterns, drafted snippets and their dry-run effect.

Nothing here changes the rules. The office reads a suggestion, appends its snippet to
rules/<profile>/routing.toml and runs `jianti rules load` (a new rule-set version with its audit
row), exactly as for any other change of the file.

The decided items are routed again with the active rules, so an override the rules already
agree with (because a snippet was added) no longer counts as one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Item
from app.db.models.routing import RoutingRecord
from app.domain.enums import DepartmentKind
from app.domain.profile import Profile
from app.domain.routing.decision import Decision
from app.domain.routing.keywords import normalise
from app.domain.routing.override_patterns import (
    DecidedExample,
    OverridePattern,
    PlaceFinder,
    draft_rules,
    find_patterns,
    keyword_place_finder,
    render_snippet,
)
from app.domain.routing.rules import RoutingRuleSet, join_places, split_places
from app.i18n import _
from app.rules.routing import PLACES_FILE, ROUTING_FILE
from app.services.access import require_office
from app.services.actor import Actor
from app.services.errors import Problem, ValidationFailed
from app.services.routing.proposals import DiffLine, _load_items, diff_rule_text, history, routable_item
from app.services.routing.rulesets import ensure_active, router_for

DECIDED_STATUSES = ("accepted", "overridden", "assigned")
MAX_DECIDED = 5000  # most recent decided items mined (bounds the page's work)
MAX_PATTERNS = 10
MIN_SUPPORT_RANGE = (2, 100)
VERDICTS = ("agrees", "disagrees", "undecided", "other")


@dataclass(frozen=True)
class PatternItem:
    item_id: int
    session_label: str
    number: str
    title: str
    rules_lead: str | None
    office_lead: str | None
    reason: str | None


@dataclass(frozen=True)
class EffectLine:
    """One past item whose proposal the snippet changes, and how that compares with the office."""

    line: DiffLine
    office_lead: str | None  # None: the office has not decided this item
    verdict: str  # agrees (new lead = office's) | disagrees (old lead was the office's, new is not) | undecided | other


@dataclass
class Suggestion:
    pattern: OverridePattern
    snippet: str
    items: list[PatternItem]  # supporting overrides
    counter_items: list[PatternItem]  # decided items the rule would match where the office chose otherwise
    compared: int = 0
    effect: list[EffectLine] = field(default_factory=list)

    def count(self, verdict: str) -> int:
        return sum(e.verdict == verdict for e in self.effect)


@dataclass
class SuggestionReport:
    rule_set_hash: str
    decided: int  # decided items looked at
    overrides: int  # of which the office overrode and the active rules still disagree
    suggestions: list[Suggestion]


def district_places(profile: Profile, ruleset: RoutingRuleSet) -> dict[str, tuple[str, ...]]:
    """District code -> words naming it: the profile's names of the district, then its places in the
    rule set's gazetteer (places.toml: streets, towns, landmarks ...; ambiguous names name none).
    Without a gazetteer, the words of the rules that make a district lead on a place alone."""
    places: dict[str, dict[str, None]] = {}
    for department in profile.departments:
        if department.kind == DepartmentKind.DISTRICT:
            places.setdefault(department.code, {}).update(dict.fromkeys(department.names))
    gazetteer = ruleset.gazetteer
    if gazetteer is not None:
        for place in gazetteer.places.values():
            if len(place.districts) == 1 and place.districts[0] in places:
                places[place.districts[0]][place.name] = None
        return {code: tuple(words) for code, words in places.items()}
    for rule in ruleset.rules:
        when, then = rule.when, rule.then
        only_places = (
            len(when.keywords) == 1
            and when.keywords[0].scope == "title"
            and when.keywords[0].any
            and not (when.keywords[0].all or when.keywords[0].none)
            and not (when.kinds or when.categories or when.delegations or when.sectors or when.parties)
            and not when.intended
            and when.during_session is None
        )
        if only_places and then.mode == "lead" and then.lead in places and not then.co:
            places[then.lead].update(dict.fromkeys(when.keywords[0].any))
    return {code: tuple(words) for code, words in places.items()}


def place_finder(ruleset: RoutingRuleSet, places: dict[str, tuple[str, ...]]) -> PlaceFinder:
    """How the patterns find places: as routing does, with the gazetteer (longest name first, no
    overlaps, so 大兴庄镇 is 平谷区 and not also 大兴), or by the district words without one."""
    gazetteer = ruleset.gazetteer
    if gazetteer is None:
        return keyword_place_finder(places)

    def find(title: str) -> list[tuple[str | None, str]]:
        return [(hit.district, hit.place.name) for hit in gazetteer.find(title)]

    return find


def _winner_priority(decision: Decision) -> int | None:
    return next((m.rule.priority for m in decision.matches if m.rule.name == decision.winner), None)


def _check_bounds(min_support: int, min_confidence: float) -> None:
    problems = []
    low, high = MIN_SUPPORT_RANGE
    if not low <= min_support <= high:
        problems.append(Problem("min_support", _("a whole number from %(low)s to %(high)s", low=low, high=high)))
    if not 0.5 <= min_confidence <= 1:
        problems.append(Problem("min_confidence", _("a number from 0.5 to 1")))
    if problems:
        raise ValidationFailed(_("Nothing to suggest."), problems)


def suggest_rules(
    session: Session,
    actor: Actor,
    *,
    min_support: int = 3,
    min_confidence: float = 0.6,
    with_effect: bool = True,
) -> SuggestionReport:
    """Patterns in the overrides, each with its drafted snippet and (with_effect) the `rules diff`
    of the active file plus that snippet over all past items. Office only; nothing is stored."""
    require_office(actor)
    _check_bounds(min_support, min_confidence)
    active = ensure_active(session, actor)
    router = router_for(active.version)
    profile = router.profile
    stmt = (
        select(RoutingRecord)
        .where(RoutingRecord.current.is_(True), RoutingRecord.status.in_(DECIDED_STATUSES))
        .order_by(RoutingRecord.id.desc())
        .limit(MAX_DECIDED)
    )
    records = {r.item_id: r for r in session.scalars(stmt)}
    items = {i.id: i for i in _load_items(session, select(Item).where(Item.id.in_(list(records))))}
    past = history(session)
    examples: dict[int, DecidedExample] = {}
    for item_id, record in records.items():
        decision = router.route(routable_item(items[item_id]), past)
        examples[item_id] = DecidedExample(
            item_id=item_id,
            title=items[item_id].title,
            rules_lead=decision.lead,
            office_lead=record.lead_code if record.mode == "lead" else None,
            overridden=record.override_reason is not None,
            office_co=tuple(record.co_codes or ()),
            winner_priority=_winner_priority(decision),
        )
    places = district_places(profile, router.ruleset)
    labels = {d.code: d.short_name for d in profile.departments}
    taken = {rule.name for rule in router.ruleset.rules}
    patterns = find_patterns(
        list(examples.values()),
        places,
        min_support=min_support,
        min_confidence=min_confidence,
        find_places=place_finder(router.ruleset, places),
    )[:MAX_PATTERNS]

    def listed(ids: tuple[int, ...]) -> list[PatternItem]:
        return [
            PatternItem(
                i,
                items[i].session.label,
                items[i].number,
                items[i].title,
                examples[i].rules_lead,
                examples[i].office_lead,
                records[i].override_reason,
            )
            for i in ids
        ]

    suggestions = []
    for pattern in patterns:
        note = _(
            "Suggested by %(count)s overrides of the office (%(keyword)s): check the items before adding it.",
            count=len(pattern.support),
            keyword=pattern.keyword,
        )
        drafted = draft_rules(pattern, examples, places, labels, taken, note)
        snippet = render_snippet(drafted.rules, labels)
        suggestion = Suggestion(drafted, snippet, listed(drafted.support), listed(drafted.counter))
        if with_effect:
            dry_run(session, actor, suggestion, active.version.content, records)
        suggestions.append(suggestion)
    overrides = sum(e.overridden and e.office_lead != e.rules_lead for e in examples.values())
    return SuggestionReport(active.version.content_hash, len(examples), overrides, suggestions)


def candidate_files(active_content: str, snippet: str) -> dict[str, str]:
    """The rule directory's files once the office appends the snippet to routing.toml: the active
    routing file plus the snippet, and the active gazetteer (places.toml) unchanged, when there is one."""
    routing_part, places_part = split_places(active_content.encode("utf-8"))
    routing = routing_part.decode("utf-8").rstrip("\n") + "\n\n# suggested from overrides (jianti rules suggest)\n"
    files = {ROUTING_FILE: routing + snippet}
    if places_part is not None:
        files[PLACES_FILE] = places_part.decode("utf-8")
    return files


def candidate_text(active_content: str, snippet: str) -> str:
    """The rule-set version `jianti rules load` would store from candidate_files (routing file and
    gazetteer joined, as versions are stored)."""
    files = candidate_files(active_content, snippet)
    places = files.get(PLACES_FILE)
    return join_places(files[ROUTING_FILE].encode("utf-8"), None if places is None else places.encode("utf-8")).decode(
        "utf-8"
    )


def keyword_items(session: Session, keyword: str) -> tuple[int, list[int]]:
    """(all items, ids of those whose title has the keyword as the rules find it). An appended rule
    that needs the keyword in the title changes nothing for the others, so only these are routed."""
    wanted = normalise(keyword)
    total, found = 0, []
    for item_id, title in session.execute(select(Item.id, Item.title)):
        total += 1
        if wanted in normalise(title):
            found.append(item_id)
    return total, found


def dry_run(
    session: Session, actor: Actor, suggestion: Suggestion, active_content: str, records: dict[int, RoutingRecord]
) -> None:
    """`rules diff` of the active file plus the snippet, each changed item compared with the office."""
    total, candidates = keyword_items(session, suggestion.pattern.keyword)
    report = diff_rule_text(
        session, actor, candidate_text(active_content, suggestion.snippet), "suggestion", only_ids=candidates
    )
    missing = [line.item_id for line in report.changed if line.item_id not in records]
    decided = dict(records)
    if missing:
        stmt = select(RoutingRecord).where(
            RoutingRecord.item_id.in_(missing),
            RoutingRecord.current.is_(True),
            RoutingRecord.status.in_(DECIDED_STATUSES),
        )
        decided.update({r.item_id: r for r in session.scalars(stmt)})
    suggestion.compared = total
    for line in report.changed:
        record = decided.get(line.item_id)
        office = record.lead_code if record is not None and record.mode == "lead" else None
        if record is None:
            verdict = "undecided"
        elif line.new.lead == office:
            verdict = "agrees"
        elif line.old.lead == office:
            verdict = "disagrees"
        else:
            verdict = "other"
        suggestion.effect.append(EffectLine(line, office, verdict))
