"""Runs supervision rules through the durable-rules engine (app.engines.rulesengine), like routing.

The pure rule model (app.domain.supervision) is compiled to the shared condition language:
a value test becomes `Compare(field, op, value)`, `not_in` becomes `Not(Compare(field, "in", ...))`,
and a rule is the `All` of its tests. The engine adds its own safety measures (synthetic fact
ids, facts retracted after each match, kind-tagged rules, sharding, a process-wide lock).
`SupervisionEngine.matcher` plugs into `app.domain.supervision.evaluate`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from app.domain.supervision import FieldTest, SupervisionRule, SupervisionRules
from app.engines.rulesengine.conditions import Compare, CompareOp, Condition, Not, all_of
from app.engines.rulesengine.engine import Rule, RuleEngine

FACT_KIND = "open_deadline"


def compile_test(test: FieldTest) -> Condition:
    if test.op == "not_in":
        return Not(Compare(test.field, "in", tuple(test.value)))
    return Compare(test.field, cast(CompareOp, test.op), test.value)  # the rule file's op was checked on load


def compile_rule(rule: SupervisionRule) -> Rule:
    return Rule(rule.name, all_of(*(compile_test(t) for t in rule.tests)), rule.priority)


class SupervisionEngine:
    """A compiled supervision rule set; close it (or use `with`) to free the engine."""

    def __init__(self, rules: SupervisionRules) -> None:
        self.rules = rules
        self._by_name = {r.name: r for r in rules.rules}
        self._engine = (
            RuleEngine("supervision", FACT_KIND, [compile_rule(r) for r in rules.rules]) if rules.rules else None
        )

    def matcher(self, fact: Mapping[str, Any]) -> list[SupervisionRule]:
        if self._engine is None:
            return []
        return [self._by_name[name] for name in self._engine.match_names(fact)]

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()

    def __enter__(self) -> SupervisionEngine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
