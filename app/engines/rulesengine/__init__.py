"""Generic, safe rule evaluation on durable-rules (routing of issue 4, supervision of issue 6).

Facts are flat dicts; conditions are trees of app.engines.rulesengine.conditions; RuleEngine compiles
them to durable-rules and returns every rule a fact matches, ordered by priority.
"""

from app.engines.rulesengine.conditions import (
    Absent,
    All,
    Any,
    Compare,
    Condition,
    ConditionError,
    Member,
    Not,
    Present,
    all_of,
    any_of,
    describe,
)
from app.engines.rulesengine.engine import MAX_PRIORITY, MIN_PRIORITY, Rule, RuleEngine, RuleEngineError, rules_version

__all__ = [
    "Absent",
    "All",
    "Any",
    "Compare",
    "Condition",
    "ConditionError",
    "MAX_PRIORITY",
    "MIN_PRIORITY",
    "Member",
    "Not",
    "Present",
    "Rule",
    "RuleEngine",
    "RuleEngineError",
    "all_of",
    "any_of",
    "describe",
    "rules_version",
]
