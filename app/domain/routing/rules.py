"""Routing rule files (rules/<profile>/routing.toml): model, loader and validator.

The file format is documented in rules/README.md. Every problem names the file, the rule and
the problem (unknown department, empty condition, bad priority, duplicate name, ...).
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from app.domain.enums import ItemKind
from app.domain.profile import Profile
from app.domain.routing.places import Gazetteer, PlacesError, parse_places

#: joins routing.toml and places.toml into one stored rule-set version (one hash, one text)
PLACES_MARKER = "\n#%% places.toml: the gazetteer of this rule set (rules/README.md) %%\n"

MIN_PRIORITY, MAX_PRIORITY = 0, 65535
SCOPES = ("title", "content", "text")  # text = title or content
OUTCOME_MODES = ("lead", "split", "reference")

RULE_KEYS = {"name", "priority", "when", "then", "note", "fallback", "municipal"}
WHEN_KEYS = {
    "kind",
    "category",
    "keywords",
    "delegation",
    "sector",
    "party",
    "intended",
    "during_session",
}
KEYWORD_KEYS = {"any", "all", "none", "in"}
THEN_KEYS = {"lead", "co", "split", "reference", "key_supervision"}


class RoutingRulesError(ValueError):
    """A routing rule file is broken; `problems` lists every (file, rule, problem)."""

    def __init__(self, problems: list[tuple[str, str, str]]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"{file}: {rule}: {problem}" for file, rule, problem in problems))


@dataclass(frozen=True)
class KeywordTest:
    scope: str  # title | content | text
    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()
    none: tuple[str, ...] = ()

    @property
    def words(self) -> tuple[str, ...]:
        return (*self.any, *self.all, *self.none)

    @cached_property
    def any_set(self) -> frozenset[str]:
        return frozenset(self.any)


@dataclass(frozen=True)
class Conditions:
    kinds: frozenset[ItemKind] = frozenset()
    categories: frozenset[str] = frozenset()  # category codes; an item matches its category or its parent
    keywords: tuple[KeywordTest, ...] = ()
    delegations: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()
    parties: frozenset[str] = frozenset()
    intended: frozenset[str] = frozenset()  # department codes named by the submitter
    during_session: bool | None = None

    def is_empty(self) -> bool:
        positive_keywords = any(k.any or k.all for k in self.keywords)
        return not (
            self.kinds
            or self.categories
            or positive_keywords
            or self.delegations
            or self.sectors
            or self.parties
            or self.intended
            or self.during_session is not None
        )


@dataclass(frozen=True)
class Outcome:
    mode: str  # lead | split | reference
    lead: str | None = None  # department code
    co: tuple[str, ...] = ()
    split: tuple[str, ...] = ()
    reference: tuple[str, ...] = ()
    key_supervision: bool = False

    @property
    def departments(self) -> tuple[str, ...]:
        """Every department this outcome names, handling ones first."""
        head = (self.lead,) if self.lead else ()
        return tuple(dict.fromkeys((*head, *self.split, *self.reference, *self.co)))

    @property
    def handling(self) -> tuple[str, ...]:
        """Departments that would lead (lead, split or reference recipients)."""
        if self.mode == "lead":
            return (self.lead,) if self.lead else ()
        return self.split if self.mode == "split" else self.reference


@dataclass(frozen=True)
class RoutingRule:
    name: str
    priority: int
    when: Conditions
    then: Outcome
    position: int  # 1-based order in the file: ties of priority go to the earlier rule
    note: str = ""
    fallback: bool = False  # used only when no other rule matches; never adds co-handlers
    municipal: bool = False  # a municipal-only topic: a place in a district does not make the district lead


@dataclass(frozen=True)
class RoutingRuleSet:
    profile: str
    rules: tuple[RoutingRule, ...]
    content_hash: str  # sha256 of the rule file's bytes
    source: str  # file path as shown to users
    by_name: Mapping[str, RoutingRule] = field(default_factory=dict, compare=False, repr=False)
    gazetteer: Gazetteer | None = None  # rules/<profile>/places.toml, when the rule set has one

    def rule(self, name: str) -> RoutingRule:
        return self.by_name[name]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def join_places(routing: bytes, places: bytes | None) -> bytes:
    """One rule-set version from routing.toml and (when there is one) places.toml."""
    return routing if places is None else routing + PLACES_MARKER.encode("utf-8") + places


def split_places(data: bytes) -> tuple[bytes, bytes | None]:
    routing, marker, places = data.partition(PLACES_MARKER.encode("utf-8"))
    return (routing, places) if marker else (data, None)


def places_source(source: str) -> str:
    """The gazetteer's path as shown to users: places.toml beside the routing file."""
    head, sep, _name = source.replace("\\", "/").rpartition("/")
    return f"{head}{sep}places.toml"


def parse_routing_rules(data: bytes, profile: Profile, source: str) -> RoutingRuleSet:
    """A routing file, or a version joined with its gazetteer (join_places); problems of both are listed."""
    routing, places = split_places(data)
    problems: list[tuple[str, str, str]] = []
    gazetteer = None
    if places is not None:
        try:
            gazetteer = parse_places(places, profile, places_source(source))
        except PlacesError as exc:
            problems.extend(exc.problems)
    try:
        ruleset = _parse_rules(routing, profile, source)
    except RoutingRulesError as exc:
        raise RoutingRulesError(problems + exc.problems) from None
    if problems:
        raise RoutingRulesError(problems)
    return RoutingRuleSet(
        profile=ruleset.profile,
        rules=ruleset.rules,
        content_hash=content_hash(data),
        source=source,
        by_name=ruleset.by_name,
        gazetteer=gazetteer,
    )


def _parse_rules(data: bytes, profile: Profile, source: str) -> RoutingRuleSet:
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise RoutingRulesError([(source, "file", "not UTF-8 text")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise RoutingRulesError([(source, "syntax", str(exc))]) from None
    problems: list[tuple[str, str, str]] = []
    unknown = sorted(set(document) - {"rule"})
    if unknown:
        problems.append((source, "file", f"unknown top-level key(s) {', '.join(unknown)}; only [[rule]] entries"))
    raw_rules = document.get("rule")
    if not isinstance(raw_rules, list) or not raw_rules:
        problems.append((source, "file", "no [[rule]] entries"))
        raise RoutingRulesError(problems)
    rules: list[RoutingRule] = []
    seen: dict[str, int] = {}
    for position, raw in enumerate(raw_rules, start=1):
        reader = _RuleReader(source, position, raw, profile)
        rule = reader.read()
        problems.extend(reader.problems)
        if rule is None:
            continue
        if rule.name in seen:
            problems.append((source, reader.label, f"duplicate name (also rule #{seen[rule.name]})"))
            continue
        seen[rule.name] = position
        rules.append(rule)
    if problems:
        raise RoutingRulesError(problems)
    return RoutingRuleSet(
        profile=profile.name,
        rules=tuple(rules),
        content_hash=content_hash(data),
        source=source,
        by_name={r.name: r for r in rules},
    )


class _RuleReader:
    """Reads one [[rule]]; collects problems instead of stopping at the first."""

    def __init__(self, source: str, position: int, raw: Any, profile: Profile) -> None:
        self.source, self.position, self.raw, self.profile = source, position, raw, profile
        self.label = f"rule #{position}"
        self.problems: list[tuple[str, str, str]] = []

    def fail(self, problem: str) -> None:
        self.problems.append((self.source, self.label, problem))

    def read(self) -> RoutingRule | None:
        if not isinstance(self.raw, Mapping):
            self.fail("expected a table")
            return None
        name = self.raw.get("name")
        if not isinstance(name, str) or not name.strip():
            self.fail("missing 'name' (non-empty text)")
            return None
        name = name.strip()
        self.label = f"rule #{self.position} '{name}'"
        self._unknown(self.raw, RULE_KEYS, "")
        priority = self.raw.get("priority")
        if isinstance(priority, bool) or not isinstance(priority, int) or not MIN_PRIORITY <= priority <= MAX_PRIORITY:
            self.fail(f"bad priority {priority!r}: a whole number from {MIN_PRIORITY} to {MAX_PRIORITY}")
            priority = MIN_PRIORITY
        when = self._conditions(self.raw.get("when"))
        then = self._outcome(self.raw.get("then"))
        note = self.raw.get("note", "")
        if not isinstance(note, str):
            self.fail("'note' must be text")
            note = ""
        fallback = self.raw.get("fallback", False)
        if not isinstance(fallback, bool):
            self.fail("'fallback' must be true or false")
        municipal = self.raw.get("municipal", False)
        if not isinstance(municipal, bool):
            self.fail("'municipal' must be true or false")
        if when is None or then is None or self.problems:
            return None
        return RoutingRule(name, priority, when, then, self.position, note, fallback, municipal)

    # ------------------------------------------------------------------ helpers

    def _unknown(self, table: Mapping[str, Any], allowed: set[str], prefix: str) -> None:
        extra = sorted(set(table) - allowed)
        if extra:
            self.fail(f"unknown key(s) {', '.join(prefix + e for e in extra)}; allowed: {', '.join(sorted(allowed))}")

    def _texts(self, table: Mapping[str, Any], key: str, label: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(f"'{label}' must be a text or a list of non-empty texts")
            return ()
        return tuple(dict.fromkeys(v.strip() for v in value))

    def _department(self, name: str, label: str) -> str | None:
        dept = self.profile.find_department(name)
        if dept is None:
            self.fail(
                f"unknown department '{name}' in '{label}' (profile {self.profile.name}: use a code or short name)"
            )
            return None
        return dept.code

    def _departments(self, table: Mapping[str, Any], key: str, label: str) -> tuple[str, ...]:
        codes = [self._department(n, label) for n in self._texts(table, key, label)]
        return tuple(dict.fromkeys(c for c in codes if c))

    # ------------------------------------------------------------------ when

    def _conditions(self, raw: Any) -> Conditions | None:
        if raw is None:
            self.fail("empty condition: add a [rule.when] table")
            return None
        if not isinstance(raw, Mapping):
            self.fail("'when' must be a table")
            return None
        self._unknown(raw, WHEN_KEYS, "when.")
        kinds: set[ItemKind] = set()
        for text in self._texts(raw, "kind", "when.kind"):
            try:
                kinds.add(ItemKind(text))
            except ValueError:
                valid = ", ".join(k.value for k in ItemKind)
                self.fail(f"unknown kind '{text}' in 'when.kind' (use {valid})")
        categories: set[str] = set()
        for text in self._texts(raw, "category", "when.category"):
            codes = {c.code for c in self.profile.categories if text in (c.code, c.name, *c.aliases)}
            if not codes:
                self.fail(f"unknown category '{text}' in 'when.category'")
            categories |= codes
        keywords = self._keywords(raw.get("keywords"))
        during = raw.get("during_session")
        if during is not None and not isinstance(during, bool):
            self.fail("'when.during_session' must be true or false")
            during = None
        conditions = Conditions(
            kinds=frozenset(kinds),
            categories=frozenset(categories),
            keywords=keywords,
            delegations=frozenset(self._texts(raw, "delegation", "when.delegation")),
            sectors=frozenset(self._texts(raw, "sector", "when.sector")),
            parties=frozenset(self._texts(raw, "party", "when.party")),
            intended=frozenset(self._departments(raw, "intended", "when.intended")),
            during_session=during,
        )
        if conditions.is_empty():
            self.fail(
                "empty condition: give at least one of kind, category, keywords.any/all, "
                "delegation, sector, party, intended, during_session"
            )
            return None
        return conditions

    def _keywords(self, raw: Any) -> tuple[KeywordTest, ...]:
        if raw is None:
            return ()
        tables = raw if isinstance(raw, list) else [raw]
        tests = []
        for index, table in enumerate(tables, start=1):
            label = "when.keywords" if len(tables) == 1 else f"when.keywords #{index}"
            if not isinstance(table, Mapping):
                self.fail(f"'{label}' must be a table (or a list of tables)")
                continue
            self._unknown(table, KEYWORD_KEYS, f"{label}.")
            scope = table.get("in", "title")
            if scope not in SCOPES:
                self.fail(f"'{label}.in' is {scope!r}; use one of {', '.join(SCOPES)}")
                scope = "title"
            test = KeywordTest(
                scope=scope,
                any=self._texts(table, "any", f"{label}.any"),
                all=self._texts(table, "all", f"{label}.all"),
                none=self._texts(table, "none", f"{label}.none"),
            )
            if not test.words:
                self.fail(f"empty condition: '{label}' lists no keywords")
                continue
            tests.append(test)
        return tuple(tests)

    # ------------------------------------------------------------------ then

    def _outcome(self, raw: Any) -> Outcome | None:
        if not isinstance(raw, Mapping):
            self.fail("missing outcome: add a [rule.then] table with lead, split or reference")
            return None
        self._unknown(raw, THEN_KEYS, "then.")
        lead_names = self._texts(raw, "lead", "then.lead")
        if len(lead_names) > 1:
            self.fail("'then.lead' names one department (use 'split' for several)")
        lead = self._department(lead_names[0], "then.lead") if lead_names else None
        co = self._departments(raw, "co", "then.co")
        split = self._departments(raw, "split", "then.split")
        reference = self._departments(raw, "reference", "then.reference")
        key = raw.get("key_supervision", False)
        if not isinstance(key, bool):
            self.fail("'then.key_supervision' must be true or false")
            key = False
        modes = [m for m, present in (("lead", lead_names), ("split", split), ("reference", reference)) if present]
        if len(modes) != 1:
            self.fail("the outcome needs exactly one of 'lead', 'split' or 'reference'")
            return None
        mode = modes[0]
        if mode == "split" and len(split) < 2:
            self.fail("'then.split' needs at least two departments")
        if mode == "reference" and co:
            self.fail("a reference-only outcome has no co-handlers")
        if lead and lead in co:
            self.fail("the lead department is also listed in 'then.co'")
        if set(split) & set(co):
            self.fail("a split department is also listed in 'then.co'")
        return Outcome(mode=mode, lead=lead, co=co, split=split, reference=reference, key_supervision=key)
