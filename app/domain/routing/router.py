"""Routes items with a routing rule set compiled to the durable-rules engine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.domain.profile import Profile
from app.domain.routing.decision import Decision, RoutableItem, RuleMatch, decide
from app.domain.routing.matching import FACT_KIND, item_fact, keyword_groups, rule_condition, rule_match
from app.domain.routing.rules import RoutingRuleSet
from app.domain.routing.suggestions import AssignedExample, suggest_departments
from app.rulesengine import Rule, RuleEngine


class Router:
    """One compiled rule set. Thread-safe (the engine holds a lock); close() frees the engine."""

    def __init__(self, ruleset: RoutingRuleSet, profile: Profile) -> None:
        self.ruleset = ruleset
        self.profile = profile
        self.groups = keyword_groups(ruleset)
        self.category_parents = {c.code: c.parent for c in profile.categories}
        self.engine = RuleEngine(
            f"routing-{profile.name}",
            FACT_KIND,
            [Rule(r.name, rule_condition(r.when, self.groups), r.priority) for r in ruleset.rules],
        )

    def fact(self, item: RoutableItem) -> dict[str, Any]:
        return item_fact(item, self.groups, self.category_parents)

    def matches(self, item: RoutableItem) -> tuple[RuleMatch, ...]:
        fact = self.fact(item)
        return tuple(rule_match(self.ruleset.rule(name), fact) for name in self.engine.match_names(fact))

    def route(self, item: RoutableItem, history: Sequence[AssignedExample] = ()) -> Decision:
        matches = self.matches(item)
        if matches:
            return decide(matches)
        return decide((), suggest_departments(item.title, item.content, history))

    def close(self) -> None:
        self.engine.close()

    def __enter__(self) -> Router:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
