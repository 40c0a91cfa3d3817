"""The place tier: which district a title is about, as rule matches beside the routing rules' own.

Documented in rules/README.md ("Places"). With the places found by the gazetteer:
- a concrete local matter in exactly one district (a street, town, landmark, station, park or
  compound of it is named): that district leads and the topic department(s) co-handle (a place
  rule above every priority tier);
- only the district's own name (闵行区): the same when the title has one of the gazetteer's
  `local_words` (城中村, 回迁, 配套 ...); otherwise the topic department leads and the district
  co-handles, and with no topic rule the district leads;
- the topic is municipal-only (the deciding topic rule has `municipal = true` or its lead is one
  of the gazetteer's `municipal_departments`, or the title has one of its `municipal_words` such
  as 全市 or 号线): the topic department leads and the district co-handles (a place rule below
  every tier); with a municipal word but no topic rule, the places decide nothing (no rule, or
  only a category fallback: the office routes it);
- places in two or more districts: the topic department leads and every district co-handles;
  with no topic rule, the first district named leads and the others are flagged as a conflict.
A reference-only (参阅) decision is left alone. The place rules carry the place, its gazetteer
entry and the tier as reasons, so they are explained like any other rule.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.profile import Profile
from app.domain.routing.decision import Reason, RoutableItem, RuleMatch, order_matches
from app.domain.routing.places import Gazetteer, PlaceHit
from app.domain.routing.rules import Conditions, Outcome, RoutingRule

LOCAL_PRIORITY = 1000  # above every tier of the shipped packs (900 at most)
CO_PRIORITY = 0  # below every tier: the district co-handles whatever leads
PLACE_RULE_PREFIX = "地点："

#: reason values of the "place_tier" test
LOCAL, DISTRICT_NAME, MUNICIPAL, SEVERAL = "local", "district_name", "municipal", "several_districts"


def place_matches(
    gazetteer: Gazetteer | None, profile: Profile, item: RoutableItem, rule_matches: Sequence[RuleMatch]
) -> tuple[RuleMatch, ...]:
    """The place rules this item's places give, to decide together with the matching rules."""
    if gazetteer is None:
        return ()
    text = item.title if gazetteer.scope == "title" else f"{item.title}\n{item.content}"
    hits = gazetteer.find(text)
    by_district: dict[str, list[PlaceHit]] = {}
    for hit in hits:
        if hit.district is not None:
            by_district.setdefault(hit.district, []).append(hit)
    if not by_district:
        return ()
    ordered = order_matches(rule_matches)
    regular = [m for m in ordered if not m.rule.fallback]
    if regular and regular[0].rule.then.mode == "reference":
        return ()
    topic = regular[0].rule if regular else None
    municipal_rules = (
        (topic.name,) if topic and (topic.municipal or topic.then.lead in gazetteer.municipal_departments) else ()
    )
    municipal_words = gazetteer.municipal_words_in(text)
    if municipal_words and topic is None:
        return ()  # a municipal matter no topic rule knows: not the district's, the office routes it
    if municipal_rules or municipal_words:
        tier = Reason("place_tier", (MUNICIPAL, *municipal_rules, *municipal_words))
        priority = CO_PRIORITY
    elif len(by_district) == 1 and any(h.place.kind != "names" for found in by_district.values() for h in found):
        tier, priority = Reason("place_tier", (LOCAL,)), LOCAL_PRIORITY
    elif len(by_district) == 1 and (local_words := gazetteer.local_words_in(text)):
        tier, priority = Reason("place_tier", (LOCAL, *local_words)), LOCAL_PRIORITY
    elif len(by_district) == 1:
        tier, priority = Reason("place_tier", (DISTRICT_NAME,)), CO_PRIORITY
    else:
        tier, priority = Reason("place_tier", (SEVERAL,)), CO_PRIORITY
    return tuple(
        _district_match(profile, code, district_hits, priority, tier, gazetteer.source)
        for code, district_hits in by_district.items()
    )


def _district_match(
    profile: Profile, code: str, hits: Sequence[PlaceHit], priority: int, tier: Reason, source: str
) -> RuleMatch:
    rule = RoutingRule(
        name=f"{PLACE_RULE_PREFIX}{profile.department(code).short_name}",
        priority=priority,
        when=Conditions(),
        then=Outcome(mode="lead", lead=code),
        position=0,
        note=source,
    )
    places = tuple(Reason("place", (h.place.name, h.place.kind, code)) for h in hits)
    return RuleMatch(rule, (*places, tier))


def is_place_rule(name: str | None) -> bool:
    return bool(name) and str(name).startswith(PLACE_RULE_PREFIX)
