"""Items as flat facts, keyword groups, and the reasons a matching rule gives (pure: the rules
become engine conditions in app.engines.routing, which the router is given).

Keywords are found in Python (KeywordIndex). Each keyword list of a rule ("any of", "none of",
and each single word of "all of") is a keyword group with a short token ("g12"); a fact
carries the tokens of the groups hit in the title, the content and either. A rule then tests
list membership of one token, which keeps durable's work per fact small however long the
keyword lists are (comparing every hit with every keyword of every rule made durable the
bottleneck). The words found are kept in the fact for the explanation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

from app.domain.routing.decision import Reason, RoutableItem, RuleMatch
from app.domain.routing.keywords import KeywordIndex
from app.domain.routing.rules import RoutingRule, RoutingRuleSet

FACT_KIND = "routing_item"
HIT_FIELDS = {"title": "title_hits", "content": "content_hits", "text": "text_hits"}
WORD_FIELDS = {"title": "title_words", "content": "content_words", "text": "text_words"}


class KeywordGroups:
    """Keyword lists of a rule set as tokens; `tokens(words)` gives the groups hit by found words."""

    def __init__(self, ruleset: RoutingRuleSet) -> None:
        self._token_of: dict[tuple[str, ...], str] = {}
        self._tokens_of_word: dict[str, list[str]] = {}
        for rule in ruleset.rules:
            for test in rule.when.keywords:
                for words in (test.any, test.none, *((w,) for w in test.all)):
                    if words:
                        self.token(words)
        self.index = KeywordIndex(self._tokens_of_word)

    def token(self, words: tuple[str, ...]) -> str:
        key = tuple(sorted(set(words)))
        token = self._token_of.get(key)
        if token is None:
            token = self._token_of[key] = f"g{len(self._token_of)}"
            for word in key:
                self._tokens_of_word.setdefault(word, []).append(token)
        return token

    def tokens(self, words: tuple[str, ...]) -> list[str]:
        found: dict[str, None] = {}
        for word in words:
            found.update(dict.fromkeys(self._tokens_of_word.get(word, ())))
        return list(found)


def keyword_groups(ruleset: RoutingRuleSet) -> KeywordGroups:
    return KeywordGroups(ruleset)


def item_fact(item: RoutableItem, groups: KeywordGroups, category_parents: Mapping[str, str | None]) -> dict[str, Any]:
    """The flat fact for one item: keyword groups hit (found in Python), passed as lists."""
    title_words = groups.index.find(item.title)
    content_words = groups.index.find(item.content)
    title_hits = groups.tokens(title_words)
    content_hits = groups.tokens(content_words)
    categories: list[str] = []
    if item.category:
        categories.append(item.category)
        parent = category_parents.get(item.category)
        if parent:
            categories.append(parent)
    return {
        "item_kind": item.kind.value if item.kind else None,
        "categories": categories,
        "title_hits": title_hits,
        "content_hits": content_hits,
        "text_hits": list(dict.fromkeys((*title_hits, *content_hits))),
        # the words themselves: used for explanations only, never sent to the engine
        "title_words": title_words,
        "content_words": content_words,
        "text_words": tuple(dict.fromkeys((*title_words, *content_words))) if content_words else title_words,
        "delegation": item.delegation or None,
        "sector": item.sector or None,
        "party": item.party or None,
        "intended": list(item.intended),
        "during_session": item.during_session,
    }


def _strings(value: object) -> Iterable[str]:
    """A fact's list field (categories, words, intended departments), as item_fact() builds it."""
    return cast(Iterable[str], value)


def reasons(rule: RoutingRule, fact: Mapping[str, object]) -> tuple[Reason, ...]:
    """Which conditions of a matching rule held, with the keywords and values that made them hold."""
    when = rule.when
    found: list[Reason] = []
    if when.kinds:
        found.append(Reason("kind", (str(fact["item_kind"]),)))
    if when.categories:
        found.append(Reason("category", tuple(c for c in _strings(fact["categories"]) if c in when.categories)))
    for test in when.keywords:
        if test.any:
            words = _strings(fact[WORD_FIELDS[test.scope]])
            any_set = test.any_set
            found.append(Reason(f"{test.scope}_any", tuple(w for w in words if w in any_set)))
        if test.all:
            found.append(Reason(f"{test.scope}_all", test.all))
        if test.none:
            found.append(Reason(f"{test.scope}_none", test.none))
    if when.delegations:
        found.append(Reason("delegation", (str(fact["delegation"]),)))
    if when.sectors:
        found.append(Reason("sector", (str(fact["sector"]),)))
    if when.parties:
        found.append(Reason("party", (str(fact["party"]),)))
    if when.intended:
        found.append(Reason("intended", tuple(c for c in _strings(fact["intended"]) if c in when.intended)))
    if when.during_session is not None:
        found.append(Reason("during_session", ("yes" if fact["during_session"] else "no",)))
    return tuple(found)


def rule_match(rule: RoutingRule, fact: Mapping[str, object]) -> RuleMatch:
    return RuleMatch(rule, reasons(rule, fact))
