"""Plain-Python meaning of the condition language (see app/engines/rulesengine/conditions.py).

Written from the documented semantics only, never from the engine's compiler, so that
engine == oracle is a real check.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.engines.rulesengine.conditions import Absent, All, Any, Compare, Condition, Member, Not, Present
from app.engines.rulesengine.engine import Rule


def holds(condition: Condition, fact: Mapping[str, object]) -> bool:
    if isinstance(condition, All):
        return all(holds(part, fact) for part in condition.parts)
    if isinstance(condition, Any):
        return any(holds(part, fact) for part in condition.parts)
    if isinstance(condition, Not):
        return not holds(condition.part, fact)
    value = fact.get(condition.field)
    if isinstance(condition, Present):
        return value is not None
    if isinstance(condition, Absent):
        return value is None
    if value is None:
        return False
    if isinstance(condition, Compare):
        op, target = condition.op, condition.value
        if op == "in":
            return value in target
        return {
            "eq": lambda: value == target,
            "ne": lambda: value != target,
            "lt": lambda: value < target,
            "le": lambda: value <= target,
            "gt": lambda: value > target,
            "ge": lambda: value >= target,
        }[op]()
    assert isinstance(condition, Member)
    present = set(value)
    if condition.op == "any":
        return any(v in present for v in condition.values)
    if condition.op == "all":
        return all(v in present for v in condition.values)
    return not any(v in present for v in condition.values)


def matching_names(rules: Sequence[Rule], fact: Mapping[str, object]) -> tuple[str, ...]:
    """Names of matching rules, priority high to low, then declaration order."""
    order = sorted(range(len(rules)), key=lambda i: (-rules[i].priority, i))
    return tuple(rules[i].name for i in order if holds(rules[i].condition, fact))
