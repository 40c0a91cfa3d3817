"""Routes items with a routing rule set; which rules an item's fact satisfies is the matcher's
business (pure: the durable-rules matcher is app.engines.routing.RoutingEngine, passed in)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from app.domain.profile import Profile
from app.domain.routing.decision import Decision, RoutableItem, RuleMatch, decide
from app.domain.routing.matching import KeywordGroups, item_fact, keyword_groups, rule_match
from app.domain.routing.place_tier import place_matches
from app.domain.routing.rules import RoutingRuleSet
from app.domain.routing.suggestions import AssignedExample, suggest_departments


class RuleMatcher(Protocol):
    """A rule set compiled by an engine: the names of the rules a fact satisfies, best first."""

    def match_names(self, fact: Mapping[str, Any]) -> Sequence[str]: ...

    def close(self) -> None: ...


#: builds the matcher for a rule set: (rule set, its keyword groups, profile name) -> matcher
MatcherFactory = Callable[[RoutingRuleSet, KeywordGroups, str], RuleMatcher]


class Router:
    """One compiled rule set. Thread-safe when its matcher is; close() frees the matcher."""

    def __init__(self, ruleset: RoutingRuleSet, profile: Profile, matcher: MatcherFactory) -> None:
        self.ruleset = ruleset
        self.profile = profile
        self.groups = keyword_groups(ruleset)
        self.category_parents = {c.code: c.parent for c in profile.categories}
        self.matcher = matcher(ruleset, self.groups, profile.name)

    def fact(self, item: RoutableItem) -> dict[str, Any]:
        return item_fact(item, self.groups, self.category_parents)

    def matches(self, item: RoutableItem) -> tuple[RuleMatch, ...]:
        """The matching rules of the rule file (what the engine finds)."""
        fact = self.fact(item)
        return tuple(rule_match(self.ruleset.rule(name), fact) for name in self.matcher.match_names(fact))

    def all_matches(self, item: RoutableItem) -> tuple[RuleMatch, ...]:
        """The rule file's matches and the place tier's (app.domain.routing.place_tier)."""
        matches = self.matches(item)
        return matches + place_matches(self.ruleset.gazetteer, self.profile, item, matches)

    def route(self, item: RoutableItem, history: Sequence[AssignedExample] = ()) -> Decision:
        matches = self.all_matches(item)
        if matches:
            return decide(matches)
        return decide((), suggest_departments(item.title, item.content, history))

    def close(self) -> None:
        self.matcher.close()

    def __enter__(self) -> Router:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
