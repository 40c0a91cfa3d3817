"""Run rules written in the condition language through durable-rules, safely.

What durable-rules does on its own, and what this wrapper does about it:
- an event (`post`) is consumed by the first rule that fires; a fact stays until retracted and
  fires every rule it matches. So each fact is asserted, the names of the fired rules are
  collected, and the fact is retracted in `finally` (no fact is ever left behind);
- a fact without an `id` gets a hash of its content as id: two equal facts collide
  (MessageObservedException). Every fact gets a unique synthetic id; user fields named
  `id`, `sid` or `kind` are refused;
- a rule over bare fields also matches the engine's own state record and can loop forever:
  every rule is ANDed with `kind == <fact kind>`, and the wrapper sets `kind` on every fact;
- `pri` orders firing inside durable only; priorities are kept in 0..65535 and ties between
  equal priorities are broken here by declaration order, never by the engine;
- the engine's regex alternation silently misses matches: keyword matching is done in Python
  by the caller, hits are passed as a list and tested with list membership;
- the C engine and the Python host are not thread-safe: one process-wide lock guards them, and
  the host's background dispatch threads are never started (everything runs synchronously);
- rulesets with many rules hang: rules are sharded into rulesets of at most 400
  (`max_rules_per_ruleset`, hard limit 499);
- durable refuses numbers in exponent form and compares numbers as doubles: facts and rules
  are validated by app.engines.rulesengine.conditions;
- ruleset names are unique per compiled version and per process (durable refuses to register
  a name twice); `close()` frees the C rulesets.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import json.decoder
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import durable_rules_engine as _dre
from durable import engine as durable_engine
from durable import lang as durable_lang
from durable.lang import item as durable_item

from app.engines.rulesengine.conditions import (
    LENGTH_SUFFIX,
    RESERVED_FIELDS,
    Absent,
    All,
    Any,
    Compare,
    Condition,
    ConditionError,
    FieldUse,
    Not,
    Present,
    check_fact_value,
    field_uses,
    used_fields,
)

MIN_PRIORITY, MAX_PRIORITY = 0, 65535
HARD_RULES_PER_RULESET = 499
DEFAULT_RULES_PER_RULESET = 400
MAX_MATCH_PATHS = 256  # an OR inside an AND multiplies durable's match paths; beyond this, refuse
CREATE_ATTEMPTS = 3
MAX_FACT_FIELDS = 200  # durable stops at 255 properties per object, id/sid/kind included
NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")

_scan_json_string = json.decoder.scanstring  # type: ignore[attr-defined]  # public alias of the C scanner

# durable_rules_engine result codes (rules.h)
_NOT_HANDLED, _OBSERVED = 1, 2

# One lock for every engine: durable's C handle table and its Python host are shared state.
_ENGINE_LOCK = threading.Lock()
_SERIALS = itertools.count(1)
_FACT_IDS = itertools.count(1)


class RuleEngineError(RuntimeError):
    """The engine failed on a fact (a durable error); the message names the fact and rule set."""


@dataclass(frozen=True)
class Rule:
    name: str
    condition: Condition
    priority: int = 0


class _SynchronousHost(durable_engine.Host):
    """durable's Host without its timer threads: actions run inside assert_fact, in this thread."""

    def _run(self) -> None:
        return None


def rules_version(fact_kind: str, rules: Sequence[Rule]) -> str:
    """Content hash of a rule list (names, priorities, conditions, order)."""
    canonical = json.dumps([fact_kind, [[r.name, r.priority, repr(r.condition)] for r in rules]], ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class RuleEngine:
    """A compiled, immutable rule list; `match(fact)` returns every rule the fact satisfies.

    Results are ordered by priority (highest first), then by position in the list given.
    """

    def __init__(
        self,
        name: str,
        fact_kind: str,
        rules: Sequence[Rule],
        *,
        max_rules_per_ruleset: int = DEFAULT_RULES_PER_RULESET,
    ) -> None:
        if not NAME_PATTERN.match(name):
            raise ConditionError(f"rule set name {name!r}: use letters, digits, _ or - (at most 64)")
        if not isinstance(fact_kind, str) or not fact_kind:
            raise ConditionError(f"rule set {name}: the fact kind must be a non-empty text")
        if not 1 <= max_rules_per_ruleset <= HARD_RULES_PER_RULESET:
            raise ConditionError(f"rule set {name}: max_rules_per_ruleset must be 1..{HARD_RULES_PER_RULESET}")
        self.name = name
        self.fact_kind = fact_kind
        self.rules: tuple[Rule, ...] = tuple(rules)
        self.field_uses: dict[str, FieldUse] = {}
        self._expressions: dict[str, object] = {}
        self._check_rules()
        self.version = rules_version(fact_kind, self.rules)
        # rank: position in the result order (priority high to low, then declaration order)
        ordered = sorted(range(len(self.rules)), key=lambda i: (-self.rules[i].priority, i))
        self._rank = {self.rules[i].name: rank for rank, i in enumerate(ordered)}
        self._by_name = {r.name: r for r in self.rules}
        # fields only tested for presence have no FieldUse; they are sent to the engine too
        self._sent_fields = {f: self.field_uses.get(f) for r in self.rules for f in sorted(used_fields(r.condition))}
        self._list_fields = tuple(f for f, use in self.field_uses.items() if use.is_list)
        self._closed = False
        chunks = [self.rules[i : i + max_rules_per_ruleset] for i in range(0, len(self.rules), max_rules_per_ruleset)]
        with _ENGINE_LOCK:
            base = f"{name}_{self.version[:12]}_{next(_SERIALS)}"
            self._host = _SynchronousHost()
            self.ruleset_names = tuple(self._register(f"{base}_{k}", chunk) for k, chunk in enumerate(chunks))
            self._handles = tuple(self._host.get_ruleset(rs)._handle for rs in self.ruleset_names)

    # ------------------------------------------------------------------ compile

    def _check_rules(self) -> None:
        seen: set[str] = set()
        for position, rule in enumerate(self.rules, start=1):
            where = f"rule set {self.name}, rule #{position} ({getattr(rule, 'name', '?')})"
            if not isinstance(rule, Rule):
                raise ConditionError(f"{where}: expected a Rule")
            if not isinstance(rule.name, str) or not rule.name.strip():
                raise ConditionError(f"{where}: a rule needs a non-empty name")
            if rule.name in seen:
                raise ConditionError(f"{where}: duplicate rule name '{rule.name}'")
            seen.add(rule.name)
            if isinstance(rule.priority, bool) or not isinstance(rule.priority, int):
                raise ConditionError(f"{where}: priority must be a whole number")
            if not MIN_PRIORITY <= rule.priority <= MAX_PRIORITY:
                raise ConditionError(f"{where}: priority {rule.priority} is outside {MIN_PRIORITY}..{MAX_PRIORITY}")
            field_uses(rule.condition, where, self.field_uses)
            expression = _compile(rule.condition, negated=False)
            paths = _count_paths(expression.define())
            if paths > MAX_MATCH_PATHS:
                raise ConditionError(
                    f"{where}: the condition expands to {paths} match paths (limit {MAX_MATCH_PATHS}); "
                    "split the rule or use list tests instead of many alternatives"
                )
            self._expressions[rule.name] = expression

    def _define(self, chunk: Sequence[Rule]) -> dict:
        definition = {}
        for rule in chunk:
            expression = (_field("kind") == self.fact_kind) & self._expressions[rule.name]
            # durable fires lower `pri` first; ours is "higher wins", so invert it
            when = durable_lang.when_all(expression, {"pri": MAX_PRIORITY - rule.priority})
            definition[rule.name] = when(_never_called).define()
        return definition

    def _register(self, ruleset: str, chunk: Sequence[Rule]) -> str:
        """Create one durable ruleset. durable's C compiler rarely (about once in thousands of
        creations, depending on earlier allocations) refuses a valid definition with error 102;
        the same definition compiles on the next try, so a refused creation is retried."""
        for attempt in range(CREATE_ATTEMPTS):
            name = ruleset if attempt == 0 else f"{ruleset}_retry{attempt}"
            try:
                self._host.register_rulesets({name: self._define(chunk)})  # durable consumes the definition
                return name
            except _dre.error as exc:
                failure = exc
        raise RuleEngineError(f"rule set {self.name}: durable could not compile {ruleset}: {failure}")

    # ------------------------------------------------------------------ run

    def encode(self, fact: Mapping[str, object]) -> dict:
        """The fact as sent to durable: used fields only, None dropped, list lengths added."""
        if not isinstance(fact, Mapping):
            raise ConditionError(f"rule set {self.name}: a fact must be a mapping, found {type(fact).__name__}")
        reserved = RESERVED_FIELDS.intersection(fact)
        if reserved:
            raise ConditionError(
                f"rule set {self.name}: fact field(s) {', '.join(sorted(reserved))} are reserved for the engine; rename them"
            )
        encoded: dict = {}
        for field, use in self._sent_fields.items():
            value = fact.get(field)
            if value is None:
                continue
            check_fact_value(field, value, use)
            encoded[field] = list(value) if isinstance(value, (list, tuple)) else value
        for field in self._list_fields:
            if field in encoded:
                encoded[field + LENGTH_SUFFIX] = len(encoded[field])
        if len(encoded) > MAX_FACT_FIELDS:
            raise ConditionError(f"rule set {self.name}: a fact may carry at most {MAX_FACT_FIELDS} used fields")
        encoded["kind"] = self.fact_kind
        return encoded

    def match_names(self, fact: Mapping[str, object]) -> tuple[str, ...]:
        encoded = self.encode(fact)
        with _ENGINE_LOCK:
            if self._closed:
                raise RuleEngineError(f"rule set {self.name} ({self.version[:12]}) is closed")
            encoded["id"] = f"f{next(_FACT_IDS)}"
            text = json.dumps(encoded, ensure_ascii=False)
            fired: set[str] = set()
            for handle in self._handles:
                fired.update(self._assert_and_retract(handle, text))
        return tuple(sorted(fired, key=self._rank.__getitem__))

    def match(self, fact: Mapping[str, object]) -> list[Rule]:
        return [self._by_name[name] for name in self.match_names(fact)]

    def _assert_and_retract(self, handle: int, text: str) -> list[str]:
        """Assert one fact into one ruleset, read the names of the rules it fired, retract it.

        This is the sequence durable's Host runs (assert, start_action_for_state,
        complete_and_start_action until no action is left), without building a Python
        closure, JSON state copy and state update per fired rule: our rules never change the
        state, they only report that they matched. The retract always runs (finally).
        """
        fired: list[str] = []
        asserted = False
        try:
            try:
                code, state = _dre.assert_fact(handle, text)
            except _dre.error as exc:
                raise RuleEngineError(f"rule set {self.name}: durable refused fact {text}: {exc}") from exc
            if code == _OBSERVED:
                raise RuleEngineError(f"rule set {self.name}: fact id seen twice: {text}")
            asserted = code != _NOT_HANDLED
            if asserted:
                fired = _drain(handle, state)
        finally:
            try:
                code, state = _dre.retract_fact(handle, text)
                if code not in (_NOT_HANDLED, _OBSERVED):
                    _drain(handle, state)
            except _dre.error as exc:
                if asserted:
                    raise RuleEngineError(f"rule set {self.name}: could not retract fact: {exc}") from exc
        return fired

    def stored_fact_count(self) -> int:
        """Facts durable still holds (0 between calls; used by tests and the benchmark)."""
        with _ENGINE_LOCK:
            return sum(len(self._host.get_facts(rs)) for rs in self.ruleset_names)

    def close(self) -> None:
        with _ENGINE_LOCK:
            if self._closed:
                return
            self._closed = True
            for handle in self._handles:
                _dre.delete_ruleset(handle)

    def __enter__(self) -> RuleEngine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# --------------------------------------------------------------------------- compiling conditions


def _count_paths(definition: object) -> int:
    """How many alternative match paths durable builds for a definition (it expands OR inside AND)."""
    if not isinstance(definition, dict):
        return 1
    total = 1
    for key, value in definition.items():
        if key == "$and":
            for part in value:
                total *= _count_paths(part)
        elif key == "$or":
            total *= sum(_count_paths(part) for part in value)
    return total


def _field(name: str):
    """durable's `m.<name>`, built without attribute lookup (a field named e.g. 'define' stays a field)."""
    return durable_lang.value("$m", name)


def _or(parts: list):
    result = parts[0]
    for part in parts[1:]:
        result = result | part
    return result


def _and(parts: list):
    result = parts[0]
    for part in parts[1:]:
        result = result & part
    return result


_NEGATED_COMPARE = {"eq": "ne", "ne": "eq", "lt": "ge", "le": "gt", "gt": "le", "ge": "lt"}


def _compare(field: str, op: str, value):
    attr = _field(field)
    if op == "eq":
        return attr == value
    if op == "ne":
        return attr != value
    if op == "lt":
        return attr < value
    if op == "le":
        return attr <= value
    if op == "gt":
        return attr > value
    return attr >= value


def _holds_none(field: str, values: tuple):
    """The list holds none of the values: empty (durable's allItems is false on []) or all differ."""
    empty = _field(field + LENGTH_SUFFIX) == 0
    differs = _field(field).allItems(_and([durable_item != v for v in values]))
    return empty | differs


def _compile(condition: Condition, negated: bool):
    """Condition -> durable expression, with negation pushed down to the leaves.

    durable has no NOT; and its comparisons are false on a missing field, so a negated
    comparison also accepts the missing field (`-m.f`), matching the documented semantics.
    """
    if isinstance(condition, Not):
        return _compile(condition.part, not negated)
    if isinstance(condition, (All, Any)):
        parts = [_compile(p, negated) for p in condition.parts]
        return _and(parts) if isinstance(condition, All) != negated else _or(parts)
    if isinstance(condition, Present):
        return -_field(condition.field) if negated else +_field(condition.field)
    if isinstance(condition, Absent):
        return +_field(condition.field) if negated else -_field(condition.field)
    field = condition.field
    missing = -_field(field)
    if isinstance(condition, Compare):
        if condition.op == "in":
            members = condition.value if isinstance(condition.value, tuple) else (condition.value,)  # checked: a tuple
            if negated:
                return _and([_compare(field, "ne", v) for v in members]) | missing
            return _or([_compare(field, "eq", v) for v in members])
        if negated:
            return _compare(field, _NEGATED_COMPARE[condition.op], condition.value) | missing
        return _compare(field, condition.op, condition.value)
    lst = _field(field)
    values = condition.values
    if condition.op == "any":
        if negated:
            return _holds_none(field, values) | missing
        return lst.anyItem(_or([durable_item == v for v in values]))
    if condition.op == "all":
        if negated:
            return _or([_holds_none(field, (v,)) for v in values]) | missing
        return _and([_field(field).anyItem(durable_item == v) for v in values])
    if negated:  # not "none" = "any"
        return lst.anyItem(_or([durable_item == v for v in values])) | missing
    return _holds_none(field, values)


def _never_called(closure) -> None:
    """durable needs an action per rule; the wrapper reads fired rule names in `_drain` instead."""
    raise RuleEngineError("a durable action ran although the wrapper drains actions itself")


def _drain(handle: int, state: int) -> list[str]:
    """Names of the rules durable has queued for one fact, completing each queued action."""
    names: list[str] = []
    started = _dre.start_action_for_state(handle, state)
    messages = started[1] if started else None
    while messages:
        # messages is '{"<rule name>": {...}}': read only the first key (a JSON string at index 1)
        names.append(_scan_json_string(messages, 2)[0])
        messages = _dre.complete_and_start_action(handle, state)
    return names
