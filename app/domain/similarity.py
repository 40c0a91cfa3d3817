"""Similarity of Chinese texts (pure): character bigrams, IDF-weighted cosine, duplicate classes.

Why bigrams and no segmenter: titles are short and full of names (九亭镇, 莘庄地铁站) a dictionary
segmenter splits wrongly or not at all; bigrams of every CJK run need no dictionary, catch most
two-character words and both halves of longer ones, and are what routing's suggestions already use.

A document's terms: bigrams of the title (weight TITLE_WEIGHT per occurrence) plus the
MAX_CONTENT_TERMS most frequent bigrams of the content (ties: first occurrence), occurrences capped
at CONTENT_TF_CAP; formula words (关于, 建议, 加强, 我市 ...) dropped. The weights are scaled to a
unit vector and stored as integers (WEIGHT_SCALE), so the index holds nothing that changes as
other items arrive. IDF (how rare a term is over all indexed items) is applied when scoring, from
document frequencies kept beside the index; the score is the cosine of the two IDF-weighted
vectors, 0..1, computed here in Python on both databases so both give the same numbers.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from app.domain.routing.keywords import normalise
from app.domain.routing.suggestions import STOP_TERMS as ROUTING_STOP_TERMS

ALGORITHM_VERSION = 1  # part of every stored document's hash: changing the terms means reindexing
TITLE_WEIGHT = 3
CONTENT_TF_CAP = 4
MAX_CONTENT_TERMS = 60
WEIGHT_SCALE = 1000
MAX_TERM_LENGTH = 8

WORD_CHARS = re.compile(r"[\u3400-\u9fff0-9a-z]+")
# formula phrases cut out before taking bigrams, so that 关于解决 gives 解决 and not 于解
FORMULA_PHRASES = re.compile(r"关于|的建议|的提案|的议案|建议|提案|议案")
# formula words of the bodies of suggestions, on top of routing's list of title formula words
STOP_TERMS = ROUTING_STOP_TERMS | frozenset(
    "代表 委员 提出 目前 存在 主要 一是 二是 三是 四是 五是 方面 措施 以及 通过 进一步 "
    "我们 他们 可以 应当 需要 没有 不断 一些 这些 同时 其中 为此 因此 逐步 有效 加大 力度".split()
)

# Duplicate classes, thresholds chosen on tests/similarity/pairs.py (see the note there)
SAME_SUBMITTER_THRESHOLD = 0.45
ONE_MATTER_THRESHOLD = 0.6


class DuplicateKind(StrEnum):
    SAME_SUBMITTER = "same_submitter"  # one submitter, similar text: a resubmission
    ONE_MATTER = "one_matter"  # several submitters writing on one matter


def _bigrams(text: str) -> list[str]:
    found: list[str] = []
    for run in WORD_CHARS.findall(FORMULA_PHRASES.sub(",", normalise(text))):
        found.extend(run[i : i + 2] for i in range(len(run) - 1))
    return [term for term in found if term not in STOP_TERMS]


def raw_weights(title: str, content: str) -> dict[str, int]:
    """Unscaled weights: title occurrences × TITLE_WEIGHT + capped content occurrences."""
    weights: Counter[str] = Counter()
    for term in _bigrams(title):
        weights[term] += TITLE_WEIGHT
    content_counts = Counter(_bigrams(content))  # Counter keeps first-occurrence order among equals
    for term, count in sorted(content_counts.items(), key=lambda pair: -pair[1])[:MAX_CONTENT_TERMS]:
        weights[term] += min(count, CONTENT_TF_CAP)
    return dict(weights)


def document_vector(title: str, content: str) -> dict[str, int]:
    """The stored vector: raw weights scaled to unit length, as integers ≥ 1 (0..WEIGHT_SCALE)."""
    raw = raw_weights(title, content)
    norm = math.sqrt(sum(w * w for w in raw.values()))
    if not norm:
        return {}
    return {term: max(1, round(WEIGHT_SCALE * w / norm)) for term, w in raw.items()}


def idf(document_frequency: int, documents: int) -> float:
    """Smoothed inverse document frequency (≥ 1; a term in every document still counts a little)."""
    return math.log((1 + documents) / (1 + document_frequency)) + 1


@dataclass(frozen=True)
class Scored:
    score: float  # 0..1, rounded to 4 places so that equal texts tie exactly
    shared_terms: tuple[str, ...]  # most distinctive first


def cosine(
    query: Mapping[str, int], document: Mapping[str, int], idfs: Mapping[str, float], *, shared_limit: int = 5
) -> Scored:
    """IDF-weighted cosine of two stored vectors; terms missing from idfs weigh as unseen ones (idf of df 0)."""

    def weight(term: str) -> float:
        return idfs.get(term, 1.0) ** 2

    query_norm = math.sqrt(sum(w * w * weight(t) for t, w in query.items()))
    document_norm = math.sqrt(sum(w * w * weight(t) for t, w in document.items()))
    if not query_norm or not document_norm:
        return Scored(0.0, ())
    contributions = {t: w * document[t] * weight(t) for t, w in query.items() if t in document}
    score = sum(contributions.values()) / (query_norm * document_norm)
    shared = sorted(contributions, key=lambda t: (-contributions[t], t))[:shared_limit]
    return Scored(round(min(score, 1.0), 4), tuple(shared))


def query_weights(query: Mapping[str, int], idfs: Mapping[str, float]) -> dict[str, int]:
    """Integer weights for the candidate search in SQL (integers: SQLite and PostgreSQL sum them alike)."""
    return {t: max(1, round(w * idfs.get(t, 1.0) ** 2)) for t, w in query.items()}


def same_submitter(first: str, second: str) -> bool:
    a, b = normalise(first), normalise(second)
    return bool(a) and a == b


def duplicate_kind(score: float, *, by_same_submitter: bool) -> DuplicateKind | None:
    """Whether a pair is a near-duplicate, and of which kind (None: only similar)."""
    if by_same_submitter and score >= SAME_SUBMITTER_THRESHOLD:
        return DuplicateKind.SAME_SUBMITTER
    if score >= ONE_MATTER_THRESHOLD:
        return DuplicateKind.ONE_MATTER
    return None
