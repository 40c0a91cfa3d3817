"""Routing rules as conditions of the generic rule engine, items as flat facts, and the reasons
a matching rule gives (pure: the engine itself is used by app.domain.routing.router)."""

from __future__ import annotations

from collections.abc import Mapping

from app.domain.routing.decision import Reason, RoutableItem, RuleMatch
from app.domain.routing.keywords import KeywordIndex
from app.domain.routing.rules import Conditions, RoutingRule, RoutingRuleSet
from app.rulesengine.conditions import Compare, Condition, Member, all_of

FACT_KIND = "routing_item"
HIT_FIELDS = {"title": "title_hits", "content": "content_hits", "text": "text_hits"}


def keyword_index(ruleset: RoutingRuleSet) -> KeywordIndex:
    return KeywordIndex(word for rule in ruleset.rules for test in rule.when.keywords for word in test.words)


def rule_condition(conditions: Conditions) -> Condition:
    """The generic engine's condition for a routing rule's [when] table (all parts must hold)."""
    parts: list[Condition] = []
    if conditions.kinds:
        parts.append(Compare("item_kind", "in", tuple(sorted(k.value for k in conditions.kinds))))
    if conditions.categories:
        parts.append(Member("categories", "any", tuple(sorted(conditions.categories))))
    for test in conditions.keywords:
        hits = HIT_FIELDS[test.scope]
        if test.any:
            parts.append(Member(hits, "any", test.any))
        if test.all:
            parts.append(Member(hits, "all", test.all))
        if test.none:
            parts.append(Member(hits, "none", test.none))
    for field_name, values in (
        ("delegation", conditions.delegations),
        ("sector", conditions.sectors),
        ("party", conditions.parties),
    ):
        if values:
            parts.append(Compare(field_name, "in", tuple(sorted(values))))
    if conditions.intended:
        parts.append(Member("intended", "any", tuple(sorted(conditions.intended))))
    if conditions.during_session is not None:
        parts.append(Compare("during_session", "eq", conditions.during_session))
    return all_of(*parts)


def item_fact(item: RoutableItem, index: KeywordIndex, category_parents: Mapping[str, str | None]) -> dict:
    """The flat fact for one item: keyword hits found in Python, passed as lists."""
    title_hits = index.find(item.title)
    content_hits = index.find(item.content)
    categories: list[str] = []
    if item.category:
        categories.append(item.category)
        parent = category_parents.get(item.category)
        if parent:
            categories.append(parent)
    return {
        "item_kind": item.kind.value if item.kind else None,
        "categories": categories,
        "title_hits": list(title_hits),
        "content_hits": list(content_hits),
        "text_hits": list(dict.fromkeys((*title_hits, *content_hits))),
        "delegation": item.delegation or None,
        "sector": item.sector or None,
        "party": item.party or None,
        "intended": list(item.intended),
        "during_session": item.during_session,
    }


def reasons(rule: RoutingRule, fact: Mapping[str, object]) -> tuple[Reason, ...]:
    """Which conditions of a matching rule held, with the keywords and values that made them hold."""
    when = rule.when
    found: list[Reason] = []
    if when.kinds:
        found.append(Reason("kind", (str(fact["item_kind"]),)))
    if when.categories:
        found.append(Reason("category", tuple(c for c in fact["categories"] if c in when.categories)))
    for test in when.keywords:
        hits = fact[HIT_FIELDS[test.scope]]
        if test.any:
            found.append(Reason(f"{test.scope}_any", tuple(w for w in hits if w in test.any)))
        if test.all:
            found.append(Reason(f"{test.scope}_all", test.all))
        if test.none:
            found.append(Reason(f"{test.scope}_none", test.none))
    for field_name, values in (("delegation", when.delegations), ("sector", when.sectors), ("party", when.parties)):
        if values:
            found.append(Reason(field_name, (str(fact[field_name]),)))
    if when.intended:
        found.append(Reason("intended", tuple(c for c in fact["intended"] if c in when.intended)))
    if when.during_session is not None:
        found.append(Reason("during_session", ("yes" if fact["during_session"] else "no",)))
    return tuple(found)


def rule_match(rule: RoutingRule, fact: Mapping[str, object]) -> RuleMatch:
    return RuleMatch(rule, reasons(rule, fact))
