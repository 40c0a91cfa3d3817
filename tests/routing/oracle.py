"""Plain-Python evaluation of routing rules, straight from their [when] tables.

Independent of the engine path (no condition compilation, no keyword index): keywords are
plain substring tests on normalised text. Engine and oracle must find the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.domain.routing.decision import RoutableItem
from app.domain.routing.keywords import normalise
from app.domain.routing.rules import RoutingRule, RoutingRuleSet


def _found(word: str, *texts: str) -> bool:
    key = normalise(word)
    return any(key in normalise(text) for text in texts)


def rule_holds(rule: RoutingRule, item: RoutableItem, parents: Mapping[str, str | None]) -> bool:
    when = rule.when
    if when.kinds and item.kind not in when.kinds:
        return False
    if when.categories:
        categories = {item.category, parents.get(item.category or "")} - {None}
        if not categories & when.categories:
            return False
    for test in when.keywords:
        texts = {"title": (item.title,), "content": (item.content,), "text": (item.title, item.content)}[test.scope]
        if test.any and not any(_found(w, *texts) for w in test.any):
            return False
        if test.all and not all(_found(w, *texts) for w in test.all):
            return False
        if test.none and any(_found(w, *texts) for w in test.none):
            return False
    for value, allowed in (
        (item.delegation, when.delegations),
        (item.sector, when.sectors),
        (item.party, when.parties),
    ):
        if allowed and value not in allowed:
            return False
    if when.intended and not set(item.intended) & when.intended:
        return False
    if when.during_session is not None and item.during_session is not when.during_session:
        return False
    return True


def matching_rules(ruleset: RoutingRuleSet, item: RoutableItem, parents: Mapping[str, str | None]) -> tuple[str, ...]:
    """Names of matching rules, priority high to low, then file order."""
    ordered = sorted(ruleset.rules, key=lambda r: (-r.priority, r.position))
    return tuple(r.name for r in ordered if rule_holds(r, item, parents))
