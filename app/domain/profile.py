"""A deployment's profile: departments, categories, result classes, deadlines, satisfaction scale.

Profiles are human-edited files under rules/<profile>/; `parse_profile` turns their parsed
content into immutable objects and names the file, entry and problem of the first mistake.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from app.domain.enums import DepartmentKind, ItemKind, KpiBucket


class ProfileError(ValueError):
    """A profile file is broken. The message names file, entry and problem."""

    def __init__(self, file: str, entry: str, problem: str) -> None:
        self.file, self.entry, self.problem = file, entry, problem
        super().__init__(f"{file}: {entry}: {problem}")


@dataclass(frozen=True)
class Department:
    code: str
    name: str  # official name, e.g. 北京市交通委员会
    short_name: str  # e.g. 市交通委
    kind: DepartmentKind
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.short_name, self.name, *self.aliases)


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    parent: str | None = None  # code of the first-level category
    kinds: frozenset[ItemKind] = frozenset(ItemKind)
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResultClass:
    code: str  # e.g. "A"
    label: str  # e.g. 已经解决或者基本解决
    bucket: KpiBucket


@dataclass(frozen=True)
class Period:
    amount: int
    unit: str  # "months" | "working_days" | "days"

    UNITS = ("months", "working_days", "days")

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}"


@dataclass(frozen=True)
class DeadlineSettings:
    reply: Period
    reply_max: Period
    co_opinion: Period
    reassignment_window: Period
    reassignment_answer: Period
    rehandling_reply: Period
    feedback: Period
    publication: Period
    warnings: tuple[Period, ...]


@dataclass(frozen=True)
class SatisfactionLevel:
    code: str  # satisfied | basically_satisfied | dissatisfied
    label: str  # 满意 / 基本满意 / 不满意
    counts_as_satisfied: bool
    opens_new_round: bool


@dataclass(frozen=True)
class Profile:
    name: str  # beijing
    label: str  # 北京市
    departments: tuple[Department, ...]
    categories: tuple[Category, ...]
    result_schemes: Mapping[ItemKind, tuple[ResultClass, ...]]
    deadlines: DeadlineSettings
    satisfaction: tuple[SatisfactionLevel, ...]
    require_communication: bool = True
    item_number_width: Mapping[ItemKind, int] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)  # sections owned by later features

    def department(self, code: str) -> Department:
        return self._departments_by_code()[code]

    def _departments_by_code(self) -> dict[str, Department]:
        return {d.code: d for d in self.departments}

    def find_department(self, name_or_code: str) -> Department | None:
        """Resolve a code, short name, official name or alias (exact, after trimming)."""
        key = name_or_code.strip()
        for dept in self.departments:
            if key == dept.code or key in dept.names:
                return dept
        return None

    def find_category(self, name_or_code: str, kind: ItemKind | None = None) -> Category | None:
        key = name_or_code.strip()
        for cat in self.categories:
            if kind is not None and kind not in cat.kinds:
                continue
            if key in (cat.code, cat.name, *cat.aliases):
                return cat
        return None

    def result_class(self, kind: ItemKind, code: str) -> ResultClass | None:
        return next((rc for rc in self.result_schemes.get(kind, ()) if rc.code == code), None)


# --------------------------------------------------------------------------- parsing


class _Reader:
    """Reads one entry of a parsed file and raises ProfileError naming it."""

    def __init__(self, file: str, entry: str, data: Any) -> None:
        if not isinstance(data, Mapping):
            raise ProfileError(file, entry, f"expected a table, found {type(data).__name__}")
        self.file, self.entry, self.data = file, entry, data

    def fail(self, problem: str) -> ProfileError:
        return ProfileError(self.file, self.entry, problem)

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if value is None:
            raise self.fail(f"missing '{key}'")
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"'{key}' must be non-empty text")
        return value.strip()

    def optional_text(self, key: str) -> str | None:
        return self.text(key) if key in self.data else None

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(f"'{key}' must be a list of non-empty texts")
        return tuple(v.strip() for v in value)

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"'{key}' must be true or false")
        return value

    def choice(self, key: str, enum: type[Enum], default: Any = None) -> Any:
        raw = self.data.get(key, default)
        try:
            return enum(raw)
        except ValueError:
            valid = ", ".join(e.value for e in enum)
            raise self.fail(f"'{key}' is '{raw}'; expected one of: {valid}") from None

    def unknown_keys(self, allowed: set[str]) -> None:
        extra = sorted(set(self.data) - allowed)
        if extra:
            raise self.fail(f"unknown key(s) {', '.join(extra)}; allowed: {', '.join(sorted(allowed))}")


def parse_period(file: str, entry: str, raw: Any) -> Period:
    """ "3 months", "5 working_days", "7 days" (also 3个月 / 5个工作日 / 7天)."""
    if not isinstance(raw, str):
        raise ProfileError(file, entry, f"expected a period such as '3 months', found {raw!r}")
    text = raw.strip().replace("个工作日", " working_days").replace("个月", " months").replace("天", " days")
    parts = text.split()
    if len(parts) != 2 or not parts[0].isdigit() or parts[1] not in Period.UNITS:
        raise ProfileError(file, entry, f"'{raw}' is not a period; write e.g. '3 months', '5 working_days' or '7 days'")
    amount = int(parts[0])
    if amount <= 0:
        raise ProfileError(file, entry, f"'{raw}': the period must be positive")
    return Period(amount, parts[1])


DEADLINE_KEYS = (
    "reply",
    "reply_max",
    "co_opinion",
    "reassignment_window",
    "reassignment_answer",
    "rehandling_reply",
    "feedback",
    "publication",
)
CORE_SECTIONS = {"profile", "deadlines", "satisfaction", "result_schemes", "settings"}


def parse_profile(
    name: str,
    profile_doc: Mapping[str, Any],
    departments_doc: Mapping[str, Any],
    categories_doc: Mapping[str, Any],
    files: Mapping[str, str],
) -> Profile:
    """Build a Profile from the three parsed files; `files` maps 'profile'/'departments'/'categories' to paths."""
    pf, df, cf = files["profile"], files["departments"], files["categories"]

    head = _Reader(pf, "[profile]", profile_doc.get("profile"))
    head.unknown_keys({"label"})
    label = head.text("label")

    departments = _parse_departments(df, departments_doc)
    categories = _parse_categories(cf, categories_doc)
    schemes = _parse_result_schemes(pf, profile_doc.get("result_schemes"))
    deadlines = _parse_deadlines(pf, profile_doc.get("deadlines"))
    satisfaction = _parse_satisfaction(pf, profile_doc.get("satisfaction"))

    settings = _Reader(pf, "[settings]", profile_doc.get("settings", {}))
    settings.unknown_keys({"require_communication", "npc_number_width", "cppcc_number_width"})
    widths: dict[ItemKind, int] = {}
    for key, kind in (("npc_number_width", ItemKind.NPC_SUGGESTION), ("cppcc_number_width", ItemKind.CPPCC_PROPOSAL)):
        width = settings.data.get(key, 0)
        if not isinstance(width, int) or not 0 <= width <= 12:
            raise settings.fail(f"'{key}' must be a whole number from 0 to 12")
        widths[kind] = width

    extra = {k: v for k, v in profile_doc.items() if k not in CORE_SECTIONS}
    return Profile(
        name=name,
        label=label,
        departments=departments,
        categories=categories,
        result_schemes=schemes,
        deadlines=deadlines,
        satisfaction=satisfaction,
        require_communication=settings.boolean("require_communication", True),
        item_number_width=widths,
        extra=extra,
    )


def _parse_departments(file: str, doc: Mapping[str, Any]) -> tuple[Department, ...]:
    rows = doc.get("department")
    if not isinstance(rows, list) or not rows:
        raise ProfileError(file, "[[department]]", "no departments defined")
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, str] = {}
    result = []
    for index, row in enumerate(rows, start=1):
        entry = f"department #{index}"
        r = _Reader(file, entry, row)
        r.unknown_keys({"code", "name", "short_name", "kind", "aliases"})
        code = r.text("code")
        r.entry = entry = f"department #{index} ({code})"
        if code in seen_codes:
            raise r.fail(f"duplicate code '{code}' (also department #{seen_codes[code]})")
        seen_codes[code] = index
        dept = Department(
            code=code,
            name=r.text("name"),
            short_name=r.text("short_name"),
            kind=r.choice("kind", DepartmentKind, "municipal"),
            aliases=r.texts("aliases"),
        )
        for alias in set(dept.names):
            if alias in seen_names:
                raise r.fail(f"name '{alias}' is already used by department {seen_names[alias]}")
            seen_names[alias] = code
        result.append(dept)
    return tuple(result)


def _parse_categories(file: str, doc: Mapping[str, Any]) -> tuple[Category, ...]:
    rows = doc.get("category")
    if not isinstance(rows, list) or not rows:
        raise ProfileError(file, "[[category]]", "no categories defined")
    result: list[Category] = []
    codes: set[str] = set()
    for index, row in enumerate(rows, start=1):
        r = _Reader(file, f"category #{index}", row)
        r.unknown_keys({"code", "name", "parent", "kinds", "aliases"})
        code = r.text("code")
        r.entry = f"category #{index} ({code})"
        if code in codes:
            raise r.fail(f"duplicate code '{code}'")
        parent = r.optional_text("parent")
        if parent is not None:
            parent_cat = next((c for c in result if c.code == parent), None)
            if parent_cat is None:
                raise r.fail(f"parent '{parent}' is not a category defined above it")
            if parent_cat.parent is not None:
                raise r.fail("categories have at most two levels")
        kinds_raw = r.texts("kinds") or tuple(k.value for k in ItemKind)
        try:
            kinds = frozenset(ItemKind(k) for k in kinds_raw)
        except ValueError:
            raise r.fail(f"'kinds' must list {', '.join(k.value for k in ItemKind)}") from None
        codes.add(code)
        result.append(Category(code, r.text("name"), parent, kinds, r.texts("aliases")))
    return tuple(result)


def _parse_result_schemes(file: str, raw: Any) -> dict[ItemKind, tuple[ResultClass, ...]]:
    section = _Reader(file, "[result_schemes]", raw)
    section.unknown_keys({k.value for k in ItemKind})
    schemes: dict[ItemKind, tuple[ResultClass, ...]] = {}
    for kind in ItemKind:
        rows = section.data.get(kind.value)
        if not isinstance(rows, list) or not rows:
            raise section.fail(f"no result classes for '{kind.value}'")
        classes: list[ResultClass] = []
        for index, row in enumerate(rows, start=1):
            r = _Reader(file, f"result_schemes.{kind.value} #{index}", row)
            r.unknown_keys({"code", "label", "bucket"})
            rc = ResultClass(r.text("code"), r.text("label"), r.choice("bucket", KpiBucket))
            if any(c.code == rc.code for c in classes):
                raise r.fail(f"duplicate code '{rc.code}'")
            classes.append(rc)
        schemes[kind] = tuple(classes)
    return schemes


def _parse_deadlines(file: str, raw: Any) -> DeadlineSettings:
    r = _Reader(file, "[deadlines]", raw)
    r.unknown_keys({*DEADLINE_KEYS, "warnings"})
    periods = {}
    for key in DEADLINE_KEYS:
        if key not in r.data:
            raise r.fail(f"missing '{key}'")
        periods[key] = parse_period(file, f"[deadlines] {key}", r.data[key])
    warnings_raw = r.data.get("warnings", [])
    if not isinstance(warnings_raw, list):
        raise r.fail("'warnings' must be a list of periods")
    warnings = tuple(parse_period(file, "[deadlines] warnings", w) for w in warnings_raw)
    return DeadlineSettings(**periods, warnings=warnings)


def _parse_satisfaction(file: str, raw: Any) -> tuple[SatisfactionLevel, ...]:
    if not isinstance(raw, list) or not raw:
        raise ProfileError(file, "[[satisfaction]]", "no satisfaction levels defined")
    levels = []
    for index, row in enumerate(raw, start=1):
        r = _Reader(file, f"satisfaction #{index}", row)
        r.unknown_keys({"code", "label", "counts_as_satisfied", "opens_new_round"})
        levels.append(
            SatisfactionLevel(
                code=r.text("code"),
                label=r.text("label"),
                counts_as_satisfied=r.boolean("counts_as_satisfied", False),
                opens_new_round=r.boolean("opens_new_round", False),
            )
        )
    if not any(level.opens_new_round for level in levels):
        raise ProfileError(file, "[[satisfaction]]", "one level must open a new round (不满意)")
    return tuple(levels)
