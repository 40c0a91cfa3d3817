"""A small condition language over flat facts (dicts of scalars and lists of scalars).

Conditions are immutable trees: `Compare` and `Member` leaves, `Present`/`Absent` tests,
and `All`/`Any`/`Not` combinators. The engine (app.engines.rulesengine.engine) compiles them to
durable-rules expressions; their meaning, which every evaluator must share, is:

- a missing field (absent key or None) makes every comparison and membership test false;
  `Not` is plain boolean negation (so `Not(Compare(f, "eq", v))` is true when f is missing);
- `Compare(f, "in", (a, b))` is f == a or f == b; lt/le/gt/ge compare numbers only;
- `Member(f, "any", vs)`: the list f holds at least one of vs; "all": every one of vs;
  "none": none of vs (also true for an empty list);
- `All(...)` and `Any(...)` need at least one part (an empty condition is an error).

Field names are identifiers; `id`, `sid` and `kind` are reserved for the engine (the synthetic
fact id, durable's state id and the fact kind every rule is tied to). Numbers are whole numbers
below 2**53 in magnitude or decimals durable can read (no exponent form: 1e-05 and 1e16 are
refused), because durable's JSON reader rejects exponents and compares numbers as doubles.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

Scalar = str | int | float | bool

RESERVED_FIELDS = frozenset({"id", "sid", "kind"})
LENGTH_SUFFIX = "__len"  # derived list-length field the engine adds for Member(..., "none")
FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_SAFE_INTEGER = 2**53 - 1
CompareOp = Literal["eq", "ne", "lt", "le", "gt", "ge", "in"]
COMPARE_OPS = ("eq", "ne", "lt", "le", "gt", "ge", "in")
MEMBER_OPS = ("any", "all", "none")
NUMERIC_OPS = frozenset({"lt", "le", "gt", "ge"})


class ConditionError(ValueError):
    """A condition or a fact does not fit the language; the message names the place."""


@dataclass(frozen=True)
class Compare:
    field: str
    op: CompareOp
    value: Scalar | tuple[Scalar, ...]


@dataclass(frozen=True)
class Member:
    field: str
    op: Literal["any", "all", "none"]
    values: tuple[Scalar, ...]


@dataclass(frozen=True)
class Present:
    field: str


@dataclass(frozen=True)
class Absent:
    field: str


@dataclass(frozen=True)
class All:
    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class Any:
    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    part: Condition


Condition = Compare | Member | Present | Absent | All | Any | Not


# --------------------------------------------------------------------------- helpers


def all_of(*parts: Condition) -> Condition:
    """All(...) that flattens nested All and unwraps a single part."""
    flat: list[Condition] = []
    for part in parts:
        flat.extend(part.parts if isinstance(part, All) else (part,))
    return flat[0] if len(flat) == 1 else All(tuple(flat))


def any_of(*parts: Condition) -> Condition:
    flat: list[Condition] = []
    for part in parts:
        flat.extend(part.parts if isinstance(part, Any) else (part,))
    return flat[0] if len(flat) == 1 else Any(tuple(flat))


def leaves(condition: Condition) -> Iterator[Compare | Member | Present | Absent]:
    if isinstance(condition, (All, Any)):
        for part in condition.parts:
            yield from leaves(part)
    elif isinstance(condition, Not):
        yield from leaves(condition.part)
    else:
        yield condition


# --------------------------------------------------------------------------- validation

ValueType = Literal["str", "number", "bool"]


def scalar_type(value: object, where: str) -> ValueType:
    """Type of an allowed scalar; raises ConditionError for anything durable cannot handle exactly."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise ConditionError(f"{where}: whole number {value} is too large (limit 2**53)")
        return "number"
    if isinstance(value, float):
        if not math.isfinite(value) or "e" in repr(value):
            raise ConditionError(f"{where}: number {value!r} cannot be passed to the engine (no exponent form)")
        return "number"
    if isinstance(value, str):
        return "str"
    raise ConditionError(f"{where}: {type(value).__name__} is not a text, number or true/false")


def check_field_name(name: object, where: str) -> str:
    if not isinstance(name, str) or not FIELD_NAME.match(name):
        raise ConditionError(f"{where}: field name {name!r} must be an identifier (letters, digits, _)")
    if name in RESERVED_FIELDS:
        raise ConditionError(f"{where}: field name '{name}' is reserved for the engine; rename it")
    if name.endswith(LENGTH_SUFFIX):
        raise ConditionError(f"{where}: field names ending in '{LENGTH_SUFFIX}' are reserved for the engine")
    return name


@dataclass(frozen=True)
class FieldUse:
    """How rules use one field: as a scalar of one type or as a list of scalars of one type."""

    is_list: bool
    value_type: ValueType


def field_uses(condition: Condition, where: str, known: dict[str, FieldUse] | None = None) -> dict[str, FieldUse]:
    """Validate a condition and return (merged into `known`) how it uses each field.

    A field used as a text in one place and as a number or a list in another is an error:
    facts could not satisfy both, and durable would compare across types in its own way.
    """
    uses = {} if known is None else known
    _check(condition, where, uses)
    return uses


def _check(condition: Condition, where: str, uses: dict[str, FieldUse]) -> None:
    if isinstance(condition, (All, Any)):
        label = type(condition).__name__
        if not isinstance(condition.parts, tuple) or not condition.parts:
            raise ConditionError(f"{where}: empty {label}(...) condition")
        for part in condition.parts:
            _check(part, where, uses)
    elif isinstance(condition, Not):
        _check(condition.part, where, uses)
    elif isinstance(condition, Compare):
        field = check_field_name(condition.field, where)
        if condition.op not in COMPARE_OPS:
            raise ConditionError(f"{where}: unknown comparison '{condition.op}' on '{field}'")
        if condition.op == "in":
            if not isinstance(condition.value, tuple) or not condition.value:
                raise ConditionError(f"{where}: 'in' on '{field}' needs a non-empty tuple of values")
            types = {scalar_type(v, f"{where}: {field}") for v in condition.value}
        else:
            types = {scalar_type(condition.value, f"{where}: {field}")}
        if len(types) != 1:
            raise ConditionError(f"{where}: values compared with '{field}' mix types {sorted(types)}")
        value_type = types.pop()
        if condition.op in NUMERIC_OPS and value_type != "number":
            raise ConditionError(f"{where}: '{condition.op}' on '{field}' needs a number")
        _record(uses, field, FieldUse(False, value_type), where)
    elif isinstance(condition, Member):
        field = check_field_name(condition.field, where)
        if condition.op not in MEMBER_OPS:
            raise ConditionError(f"{where}: unknown list test '{condition.op}' on '{field}'")
        if not isinstance(condition.values, tuple) or not condition.values:
            raise ConditionError(f"{where}: list test on '{field}' needs a non-empty tuple of values")
        types = {scalar_type(v, f"{where}: {field}") for v in condition.values}
        if len(types) != 1:
            raise ConditionError(f"{where}: values tested in list '{field}' mix types {sorted(types)}")
        _record(uses, field, FieldUse(True, types.pop()), where)
    elif isinstance(condition, (Present, Absent)):
        check_field_name(condition.field, where)
    else:
        raise ConditionError(f"{where}: {type(condition).__name__} is not a condition")


def _record(uses: dict[str, FieldUse], field: str, use: FieldUse, where: str) -> None:
    previous = uses.setdefault(field, use)
    if previous != use:
        raise ConditionError(
            f"{where}: field '{field}' is used as {_describe(use)} here and as {_describe(previous)} elsewhere"
        )


def _describe(use: FieldUse) -> str:
    return f"a list of {use.value_type}" if use.is_list else f"a {use.value_type}"


def check_fact_value(field: str, value: object, use: FieldUse | None) -> None:
    """Raise ConditionError when a fact's value does not fit how the rules use the field."""
    if value is None:
        return
    where = f"fact field '{field}'"
    if use is None:
        if isinstance(value, (list, tuple)):
            for element in value:
                scalar_type(element, where)
        else:
            scalar_type(value, where)
        return
    if use.is_list:
        if not isinstance(value, (list, tuple)):
            raise ConditionError(f"{where}: rules expect a list of {use.value_type}, found {type(value).__name__}")
        for element in value:
            if scalar_type(element, where) != use.value_type:
                raise ConditionError(f"{where}: rules expect a list of {use.value_type}, found {element!r}")
    elif isinstance(value, (list, tuple)) or scalar_type(value, where) != use.value_type:
        raise ConditionError(f"{where}: rules expect a {use.value_type}, found {value!r}")


def used_fields(condition: Condition) -> frozenset[str]:
    return frozenset(leaf.field for leaf in leaves(condition))


def describe(condition: Condition) -> str:
    """Readable one-line form, used in explanations and error messages."""
    if isinstance(condition, All):
        return "(" + " and ".join(describe(p) for p in condition.parts) + ")"
    if isinstance(condition, Any):
        return "(" + " or ".join(describe(p) for p in condition.parts) + ")"
    if isinstance(condition, Not):
        return f"not {describe(condition.part)}"
    if isinstance(condition, Compare):
        return f"{condition.field} {condition.op} {condition.value!r}"
    if isinstance(condition, Member):
        return f"{condition.field} has {condition.op} of {list(condition.values)!r}"
    if isinstance(condition, Present):
        return f"{condition.field} present"
    return f"{condition.field} absent"
