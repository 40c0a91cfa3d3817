"""Plain-Python evaluation of routing rules, straight from their [when] tables.

Independent of the engine path (no condition compilation, no keyword index): keywords are
plain substring tests on normalised text. Engine and oracle must find the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.domain.routing.decision import RoutableItem
from app.domain.routing.keywords import normalise
from app.domain.routing.places import Gazetteer
from app.domain.routing.rules import RoutingRule, RoutingRuleSet


def _found(word: str, *texts: str) -> bool:
    key = normalise(word)
    return any(key in normalise(text) for text in texts)


def rule_holds(rule: RoutingRule, item: RoutableItem, parents: Mapping[str, str | None]) -> bool:
    when = rule.when
    if when.kinds and item.kind not in when.kinds:
        return False
    if when.categories:
        categories = {item.category, parents.get(item.category or "")} - {None}
        if not categories & when.categories:
            return False
    for test in when.keywords:
        texts = {"title": (item.title,), "content": (item.content,), "text": (item.title, item.content)}[test.scope]
        if test.any and not any(_found(w, *texts) for w in test.any):
            return False
        if test.all and not all(_found(w, *texts) for w in test.all):
            return False
        if test.none and any(_found(w, *texts) for w in test.none):
            return False
    for value, allowed in (
        (item.delegation, when.delegations),
        (item.sector, when.sectors),
        (item.party, when.parties),
    ):
        if allowed and value not in allowed:
            return False
    if when.intended and not set(item.intended) & when.intended:
        return False
    if when.during_session is not None and item.during_session is not when.during_session:
        return False
    return True


def matching_rules(ruleset: RoutingRuleSet, item: RoutableItem, parents: Mapping[str, str | None]) -> tuple[str, ...]:
    """Names of matching rules, priority high to low, then file order."""
    ordered = sorted(ruleset.rules, key=lambda r: (-r.priority, r.position))
    return tuple(r.name for r in ordered if rule_holds(r, item, parents))


# ----------------------------------------------------------------------------- the place tier


def places_in(gazetteer: Gazetteer, text: str) -> list[tuple[str, tuple[str, ...], str]]:
    """(name, districts, kind) of the places in the text: at each position, every listed name is
    tried with startswith and the longest wins; the scan goes on after it (no index, no lengths)."""
    normalised, found, position = normalise(text), [], 0
    while position < len(normalised):
        rest = normalised[position:]
        names = [key for key in gazetteer.places if rest.startswith(key)]
        if not names:
            position += 1
            continue
        key = max(names, key=len)
        place = gazetteer.places[key]
        found.append((place.name, place.districts, place.kind))
        position += len(key)
    return found


def expected_lead(ruleset: RoutingRuleSet, item: RoutableItem, parents: Mapping[str, str | None]) -> str | None:
    """The lead the place tier must give, from the rules the oracle finds and the places in the title."""
    by_name = {r.name: r for r in ruleset.rules}
    rules = [by_name[n] for n in matching_rules(ruleset, item, parents)]
    regular = [r for r in rules if not r.fallback]
    topic = regular[0] if regular else None
    gazetteer = ruleset.gazetteer
    text = item.title if gazetteer is None or gazetteer.scope == "title" else f"{item.title}\n{item.content}"
    places = places_in(gazetteer, text) if gazetteer else []
    districts = list(dict.fromkeys(d[0] for _, d, _ in places if len(d) == 1))
    if not districts or (topic and topic.then.mode == "reference"):
        deciding = topic or (rules[0] if rules else None)
        return deciding.then.handling[0] if deciding else None
    municipal_word = any(normalise(w) in normalise(text) for w in gazetteer.municipal_words)
    if municipal_word and topic is None:
        return rules[0].then.handling[0] if rules else None  # the places decide nothing
    municipal = bool(
        municipal_word or (topic and (topic.municipal or topic.then.lead in gazetteer.municipal_departments))
    )
    sub_district = any(kind != "names" for _, d, kind in places if len(d) == 1)
    local_word = any(normalise(w) in normalise(text) for w in gazetteer.local_words)
    if not municipal and len(districts) == 1 and (sub_district or local_word):
        return districts[0]
    return topic.then.handling[0] if topic else districts[0]
