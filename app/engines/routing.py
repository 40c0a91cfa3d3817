"""Runs routing rules through the durable-rules engine (app.engines.rulesengine).

A routing rule's [when] table becomes the `All` of engine conditions over the item's flat fact
(app.domain.routing.matching.item_fact): keyword groups as list membership of one token, the
other conditions as comparisons. `RoutingEngine` is the matcher app.domain.routing.router.Router
is given: `Router(ruleset, profile, RoutingEngine)`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.domain.routing.matching import FACT_KIND, HIT_FIELDS, KeywordGroups
from app.domain.routing.rules import Conditions, RoutingRuleSet
from app.engines.rulesengine import Rule, RuleEngine
from app.engines.rulesengine.conditions import Compare, Condition, Member, all_of


def rule_condition(conditions: Conditions, groups: KeywordGroups) -> Condition:
    """The generic engine's condition for a routing rule's [when] table (all parts must hold)."""
    parts: list[Condition] = []
    if conditions.kinds:
        parts.append(Compare("item_kind", "in", tuple(sorted(k.value for k in conditions.kinds))))
    if conditions.categories:
        parts.append(Member("categories", "any", tuple(sorted(conditions.categories))))
    for test in conditions.keywords:
        hits = HIT_FIELDS[test.scope]
        if test.any:
            parts.append(Member(hits, "any", (groups.token(test.any),)))
        if test.all:
            parts.append(Member(hits, "all", tuple(groups.token((w,)) for w in test.all)))
        if test.none:
            parts.append(Member(hits, "none", (groups.token(test.none),)))
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


class RoutingEngine:
    """One routing rule set compiled to durable-rules. Thread-safe (the engine holds a lock)."""

    def __init__(self, ruleset: RoutingRuleSet, groups: KeywordGroups, profile_name: str) -> None:
        self._engine = RuleEngine(
            f"routing-{profile_name}",
            FACT_KIND,
            [Rule(r.name, rule_condition(r.when, groups), r.priority) for r in ruleset.rules],
        )

    @property
    def rules(self) -> Sequence[Rule]:
        """The compiled engine rules (benchmarks compare them with plain Python on the same facts)."""
        return self._engine.rules

    def match_names(self, fact: Mapping[str, Any]) -> Sequence[str]:
        """Names of the rules the fact satisfies, highest priority first, then file order."""
        return self._engine.match_names(fact)

    def close(self) -> None:
        self._engine.close()

    def stored_fact_count(self) -> int:
        """Facts left in the engine (tests: always 0, each match retracts its fact)."""
        return self._engine.stored_fact_count()
