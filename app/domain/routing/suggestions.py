"""Suggestions for items no rule matches: the departments whose already assigned items share the
most distinctive terms with the item (pure function over the history it is given).

Terms are character bigrams of the title (Chinese has no spaces; bigrams catch most words),
weighted by inverse document frequency over the history, so that words every title has
(关于, 建议, 加强 ...) count for little. A department's score is the sum of the weights of the
terms it shares with the item, over the terms of all items it leads.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.routing.decision import Suggestion
from app.domain.routing.keywords import normalise

WORD_CHARS = re.compile(r"[\u4e00-\u9fff0-9a-z]+")
# formula words of titles; they say nothing about the department
STOP_TERMS = frozenset(
    "关于 于加 于推 于进 于完 于提 于建 于支 于促 于优 于在 的建 建议 议案 提案 的提 的问 问题 加强 推进 进一 一步 "
    "完善 提高 促进 进我 我市 本市 北京 京市 上海 海市 工作 的意 意见 进行 有关 相关 解决 强化 优化 支持 "
    "建立 健全 大力 切实 积极 全面 推动 继续 进一步 做好 更好 发展 的若 若干".split()
)


@dataclass(frozen=True)
class AssignedExample:
    title: str
    department: str  # code of the lead department it was assigned to
    content: str = ""


def terms(text: str) -> frozenset[str]:
    found: set[str] = set()
    for run in WORD_CHARS.findall(normalise(text)):
        found.update(run[i : i + 2] for i in range(len(run) - 1))
    return frozenset(found - STOP_TERMS)


def suggest_departments(
    title: str, content: str, history: Sequence[AssignedExample], limit: int = 3
) -> tuple[Suggestion, ...]:
    item_terms = terms(title)
    if not item_terms or not history:
        return ()
    documents = [(example.department, terms(example.title)) for example in history]
    frequency = Counter(term for _, doc in documents for term in doc)
    total = len(documents)
    department_terms: dict[str, set[str]] = {}
    for department, doc in documents:
        department_terms.setdefault(department, set()).update(doc & item_terms)
    scored = []
    for department, shared in department_terms.items():
        if not shared:
            continue
        weights = {t: math.log((1 + total) / (1 + frequency[t])) + 1 for t in shared}
        score = sum(weights.values())
        top_terms = tuple(sorted(shared, key=lambda t: (-weights[t], t))[:5])
        scored.append(Suggestion(department, score, top_terms))
    scored.sort(key=lambda s: (-s.score, s.department))
    return tuple(scored[:limit])


@dataclass(frozen=True)
class SimilarLed:
    """A similar past item: who led it and how similar it is (0..1); passed in by the caller."""

    department: str  # code of its lead department
    score: float


def with_similar_evidence(
    suggestions: Sequence[Suggestion], similar: Sequence[SimilarLed], limit: int = 3
) -> tuple[Suggestion, ...]:
    """Suggestions for an unmatched item with the leads of its similar past items as evidence.

    Each side is scaled to its best (1.0), so that one evidence cannot drown the other: a
    department's score is its keyword share plus its similar-items share (the similarity
    scores of the past items it led, summed). Departments only the similar items name are
    added; shared terms are kept from the keyword suggestions. Order: score, then code."""
    keyword_best = max((s.score for s in suggestions), default=0.0)
    votes: dict[str, float] = {}
    for past in similar:
        votes[past.department] = votes.get(past.department, 0.0) + max(0.0, past.score)
    vote_best = max(votes.values(), default=0.0)
    by_department = {s.department: s for s in suggestions}
    combined = []
    for department in dict.fromkeys([*by_department, *votes]):
        keyword = by_department.get(department)
        score = (keyword.score / keyword_best if keyword and keyword_best else 0.0) + (
            votes.get(department, 0.0) / vote_best if vote_best else 0.0
        )
        if score > 0:
            combined.append(Suggestion(department, score, keyword.shared_terms if keyword else ()))
    combined.sort(key=lambda s: (-s.score, s.department))
    return tuple(combined[:limit])
