"""Patterns in the office's routing overrides, drafted as rule snippets (pure; nothing is applied).

The office overrides the rules when it knows better; when it does so repeatedly for the same kind
of title, the rules lack something. This module groups the overrides by (lead the rules give,
lead the office chose), finds title terms the overridden titles share and the rest of the decided
items rarely have with another lead, and drafts rules in the routing-file format (rules/README.md).

"The district named in the title" is a target of its own: overrides from 市交通委 to 石景山区,
to 朝阳区 and to 海淀区, each for a parking title naming that district, are one pattern
("停车 + a district name → that district"), drafted as one rule per district.

Terms are the character bigrams of app.domain.routing.suggestions.terms (formula words removed);
for "the district the title names" the bigrams of the places found in a title are not candidates
(they name the district, not the topic). Places are found by a `PlaceFinder`: the service passes
the rule set's gazetteer (longest name first, ambiguous names naming no district); without one,
every word of `places` found in the title counts.
A pattern needs `min_support` overrides and a confidence (overrides / all decided items the rule
would match) of at least `min_confidence`; the items that speak against it are listed too.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from app.domain.routing.keywords import KeywordIndex
from app.domain.routing.suggestions import terms

MAX_PRIORITY = 65535
PRIORITY_STEP = 10  # above the rule the office kept overriding (a tie would go to the earlier rule)
MAX_PATTERNS_PER_GROUP = 3
DISTRICT_TARGET = "@district"  # group key: the office chose the district the title names

#: title -> the places found in it, as (district code, or None for an ambiguous name; the name)
PlaceFinder = Callable[[str], Sequence[tuple[str | None, str]]]


def keyword_place_finder(places: Mapping[str, Sequence[str]]) -> PlaceFinder:
    """Every word of `places` found in the title (overlapping), each naming its district."""
    index = KeywordIndex(word for words in places.values() for word in words)
    place_words = {word: code for code, words in places.items() for word in words}

    def find(title: str) -> list[tuple[str | None, str]]:
        return [(place_words[w], w) for w in index.find(title) if w in place_words]

    return find


@dataclass(frozen=True)
class DecidedExample:
    """One decided item: what the active rules propose now, and what the office chose."""

    item_id: int
    title: str
    rules_lead: str | None  # lead the active rules propose (None: no rule matched or not a lead)
    office_lead: str | None  # lead the office chose or accepted (None: split or reference)
    overridden: bool  # the office replaced the proposal with its own choice
    office_co: tuple[str, ...] = ()
    winner_priority: int | None = None  # priority of the rule that gave rules_lead


@dataclass(frozen=True)
class RuleDraft:
    name: str
    priority: int
    keywords_all: tuple[str, ...]
    keywords_any: tuple[str, ...]  # empty unless the rule names a district's places
    lead: str  # department code
    co: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class OverridePattern:
    from_lead: str | None  # None: the rules matched nothing
    to_lead: str | None  # None when to_named_district: the lead is the district the title names
    to_named_district: bool
    keyword: str
    support: tuple[int, ...]  # overridden items the pattern explains
    counter: tuple[int, ...]  # decided items it would match where the office chose another lead
    rules: tuple[RuleDraft, ...] = field(default=())

    @property
    def confidence(self) -> float:
        return len(self.support) / (len(self.support) + len(self.counter))


@dataclass(frozen=True)
class _Candidate:
    keyword: str
    support: frozenset[int]
    counter: frozenset[int]

    @property
    def confidence(self) -> float:
        return len(self.support) / (len(self.support) + len(self.counter))


def find_patterns(
    examples: Sequence[DecidedExample],
    places: Mapping[str, Sequence[str]],
    *,
    min_support: int = 3,
    min_confidence: float = 0.6,
    find_places: PlaceFinder | None = None,
) -> list[OverridePattern]:
    """Patterns in the overrides of `examples` (most supported first); no rule drafts yet.

    places: district code -> the words naming it or a place in it (street, town, landmark);
    find_places: how places are found in a title (default: keyword_place_finder(places))."""
    if min_support < 1:
        raise ValueError("min_support must be at least 1")
    if not 0 < min_confidence <= 1:
        raise ValueError("min_confidence must be in (0, 1]")
    finder = find_places or keyword_place_finder(places)
    found = {e.item_id: finder(e.title) for e in examples}
    named = {item_id: {code for code, _name in hits if code} for item_id, hits in found.items()}
    place_terms = {
        item_id: frozenset(t for _code, name in hits for t in terms(name)) for item_id, hits in found.items()
    }
    item_terms = {e.item_id: terms(e.title) for e in examples}
    groups: dict[tuple[str | None, str], list[DecidedExample]] = {}
    for example in examples:
        if not example.overridden or example.office_lead is None or example.office_lead == example.rules_lead:
            continue
        target = DISTRICT_TARGET if example.office_lead in named[example.item_id] else example.office_lead
        groups.setdefault((example.rules_lead, target), []).append(example)

    patterns = []
    for (from_lead, target), members in groups.items():
        if len(members) < min_support:
            continue
        to_district = target == DISTRICT_TARGET

        def agrees(example: DecidedExample, target: str = target, to_district: bool = to_district) -> bool | None:
            """Would the pattern's rule give the office's lead? None: the rule would not match."""
            if to_district:
                districts = named[example.item_id]
                if not districts:
                    return None
                return example.office_lead in districts
            return example.office_lead == target

        remaining = {m.item_id for m in members}
        for _ in range(MAX_PATTERNS_PER_GROUP):
            best = _best_candidate(
                members, remaining, examples, item_terms, agrees, place_terms if to_district else {}, min_support
            )
            if best is None or best.confidence < min_confidence:
                break
            patterns.append(
                OverridePattern(
                    from_lead=from_lead,
                    to_lead=None if to_district else target,
                    to_named_district=to_district,
                    keyword=best.keyword,
                    support=tuple(sorted(best.support)),
                    counter=tuple(sorted(best.counter)),
                )
            )
            remaining -= best.support
            if len(remaining) < min_support:
                break
    patterns.sort(key=lambda p: (-len(p.support), -p.confidence, p.keyword, p.from_lead or ""))
    return patterns


def _best_candidate(
    members: Sequence[DecidedExample],
    remaining: set[int],
    examples: Sequence[DecidedExample],
    item_terms: Mapping[int, frozenset[str]],
    agrees: Callable[[DecidedExample], bool | None],
    excluded: Mapping[int, frozenset[str]],
    min_support: int,
) -> _Candidate | None:
    counts = Counter(
        t
        for m in members
        if m.item_id in remaining
        for t in item_terms[m.item_id] - excluded.get(m.item_id, frozenset())
    )
    best: _Candidate | None = None
    for term, count in counts.items():
        if count < min_support:
            continue
        support, counter = set(), set()
        for example in examples:
            if example.office_lead is None or term not in item_terms[example.item_id]:
                continue
            verdict = agrees(example)
            if verdict is None:
                continue
            if example.item_id in remaining and verdict:
                support.add(example.item_id)
            elif not verdict:
                counter.add(example.item_id)
        if len(support) < min_support:
            continue
        candidate = _Candidate(term, frozenset(support), frozenset(counter))
        if best is None or _rank(candidate) < _rank(best):
            best = candidate
    return best


def _rank(candidate: _Candidate) -> tuple[float, int, str]:
    return (-len(candidate.support) * candidate.confidence, -len(candidate.support), candidate.keyword)


def draft_rules(
    pattern: OverridePattern,
    examples: Mapping[int, DecidedExample],
    places: Mapping[str, Sequence[str]],
    labels: Mapping[str, str],
    taken_names: set[str],
    note: str,
) -> OverridePattern:
    """The pattern with its rules: one rule, or one per district for 'the district the title names'.

    Priority: above the highest-priority rule that gave the overridden leads. Co-handlers: the
    departments the office kept as co-handlers in most supporting overrides. Names are unique
    against `taken_names` (which is extended)."""
    supporting = [examples[i] for i in pattern.support]
    winner = max((e.winner_priority or 0 for e in supporting), default=0)
    priority = min(MAX_PRIORITY, winner + PRIORITY_STEP)
    co_count = Counter(code for e in supporting for code in dict.fromkeys(e.office_co))
    majority = tuple(code for code, n in co_count.most_common() if n * 2 > len(supporting))
    if pattern.to_named_district:
        targets = [(code, _shortest_cover(words)) for code, words in places.items() if words]
    else:
        targets = [(pattern.to_lead or "", ())]
    rules = []
    for lead, words in targets:
        name = _unique(f"{pattern.keyword}·{labels.get(lead, lead)}", taken_names)
        co = tuple(c for c in majority if c != lead)
        rules.append(RuleDraft(name, priority, (pattern.keyword,), words, lead, co, note))
    return OverridePattern(
        pattern.from_lead,
        pattern.to_lead,
        pattern.to_named_district,
        pattern.keyword,
        pattern.support,
        pattern.counter,
        tuple(rules),
    )


def _shortest_cover(words: Sequence[str]) -> tuple[str, ...]:
    """The words without those containing another of them (keywords match inside longer words)."""
    return tuple(w for w in dict.fromkeys(words) if not any(o != w and o in w for o in words))


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}（{n}）", n + 1
    taken.add(candidate)
    return candidate


def _toml(value: str | Sequence[str]) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"


def render_snippet(rules: Sequence[RuleDraft], labels: Mapping[str, str]) -> str:
    """The rules in the routing-file format, departments by short name, ready to append."""
    blocks = []
    for rule in rules:
        lines = ["[[rule]]", f"name = {_toml(rule.name)}", f"priority = {rule.priority}"]
        if rule.note:
            lines.append(f"note = {_toml(rule.note)}")
        lines.append(f"when.keywords.all = {_toml(rule.keywords_all)}")
        if rule.keywords_any:
            lines.append(f"when.keywords.any = {_toml(rule.keywords_any)}")
        lines.append(f"then.lead = {_toml(labels.get(rule.lead, rule.lead))}")
        if rule.co:
            lines.append(f"then.co = {_toml([labels.get(c, c) for c in rule.co])}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
