"""Similarity of Chinese texts (pure): character bigrams, IDF-weighted cosine, duplicate classes.

Why bigrams and no segmenter: titles are short and full of names (九亭镇, 莘庄地铁站) a dictionary
segmenter splits wrongly or not at all; bigrams of every CJK run need no dictionary, catch most
two-character words and both halves of longer ones, and are what routing's suggestions already use.

A document's terms: bigrams of the title plus the MAX_CONTENT_TERMS most frequent bigrams of the
content (ties: first occurrence, occurrences capped at CONTENT_TF_CAP), formula words (关于, 建议,
加强, 我市 ...) dropped; the title is TITLE_SHARE of the vector however long the content (so per
term it weighs at least as much as a content term, and a long content cannot drown it). The
weights are those of a unit vector, stored as integers (WEIGHT_SCALE), so the index holds nothing
that changes as other items arrive. IDF (how rare a term is over all indexed items) is applied when scoring, from
document frequencies kept beside the index; the score is the cosine of the two IDF-weighted
vectors, 0..1, computed here in Python on both databases so both give the same numbers.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from app.domain.routing.keywords import normalise
from app.domain.routing.suggestions import STOP_TERMS as ROUTING_STOP_TERMS

ALGORITHM_VERSION = 1  # part of every stored document's hash: changing the terms means reindexing
TITLE_SHARE = 0.25
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

# Duplicate rules; thresholds chosen on the TUNING topics of tests/similarity/pairs.py (see there)
SAME_SUBMITTER_THRESHOLD = 0.45  # resubmissions score 0.9+; rewrites by the same deputy less
ONE_MATTER_THRESHOLD = 0.27  # independent rewrites of one matter score 0.22-0.55 on the set
TITLE_ONLY_THRESHOLD = 0.7  # a title alone rarely says which place: only near-identical titles
TITLE_EVIDENCE = 0.1  # one matter, several submitters: the titles must share something distinctive too


class DuplicateKind(StrEnum):
    SAME_SUBMITTER = "same_submitter"  # one submitter, similar text: a resubmission
    ONE_MATTER = "one_matter"  # several submitters writing on one matter


def _bigrams(text: str) -> list[str]:
    found: list[str] = []
    for run in WORD_CHARS.findall(FORMULA_PHRASES.sub(",", normalise(text))):
        found.extend(run[i : i + 2] for i in range(len(run) - 1))
    return [term for term in found if term not in STOP_TERMS]


def _unit(weights: Mapping[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {term: w / norm for term, w in weights.items()} if norm else {}


def document_vector(title: str, content: str) -> dict[str, int]:
    """The stored vector, as integers 1..WEIGHT_SCALE of a unit vector: the title's bigrams (by
    occurrences) make TITLE_SHARE of its squared length whatever the content's length, the
    content's MAX_CONTENT_TERMS most frequent bigrams (occurrences capped) the rest; without a
    content, the title is all of it."""
    title_part = _unit(Counter(_bigrams(title)))
    counts = Counter(_bigrams(content))  # Counter keeps first-occurrence order among equals
    top = sorted(counts.items(), key=lambda pair: -pair[1])[:MAX_CONTENT_TERMS]
    content_part = _unit({term: min(count, CONTENT_TF_CAP) for term, count in top})
    title_share = TITLE_SHARE if content_part and title_part else 1.0
    combined: dict[str, float] = {}
    for part, share in ((title_part, title_share), (content_part, 1.0 - title_share)):
        for term, w in part.items():
            combined[term] = combined.get(term, 0.0) + math.sqrt(share) * w
    return {term: max(1, round(WEIGHT_SCALE * w)) for term, w in _unit(combined).items()}


def idf(document_frequency: int, documents: int) -> float:
    """Inverse document frequency in BM25's smoothed form: near 0 for a term nearly every item has
    (the boilerplate of templated contents: 受到群众广泛关注, 建立长效机制), always > 0 so that a
    tiny corpus still scores identical texts 1."""
    rest = max(documents - document_frequency, 0)
    return math.log(1 + (rest + 0.5) / (document_frequency + 0.5))


@dataclass(frozen=True)
class Scored:
    score: float  # 0..1, rounded to 4 places so that equal texts tie exactly
    shared_terms: tuple[str, ...]  # most distinctive first


def norm(vector: Mapping[str, int], idfs: Mapping[str, float]) -> float:
    """Length of the IDF-weighted vector (terms missing from idfs weigh 1)."""
    return math.sqrt(sum(w * w * idfs.get(t, 1.0) ** 2 for t, w in vector.items()))


def cosine(
    query: Mapping[str, int],
    document: Mapping[str, int],
    idfs: Mapping[str, float],
    *,
    shared_limit: int = 5,
    query_norm: float | None = None,
    document_norm: float | None = None,
) -> Scored:
    """IDF-weighted cosine of two stored vectors; norms may be passed when known (many comparisons)."""
    query_norm = norm(query, idfs) if query_norm is None else query_norm
    document_norm = norm(document, idfs) if document_norm is None else document_norm
    if not query_norm or not document_norm:
        return Scored(0.0, ())
    contributions = {t: w * document[t] * idfs.get(t, 1.0) ** 2 for t, w in query.items() if t in document}
    score = sum(contributions.values()) / (query_norm * document_norm)
    shared = sorted(contributions, key=lambda t: (-contributions[t], t))[:shared_limit]
    return Scored(round(min(score, 1.0), 4), tuple(shared))


def quick_score(
    query: Mapping[str, int],
    document: Mapping[str, int],
    idf_squared: Mapping[str, float],
    query_norm: float,
    document_norm: float,
) -> float:
    """cosine()'s score alone, unrounded, for screening many pairs (then cosine() for the kept ones)."""
    if not query_norm or not document_norm:
        return 0.0
    if len(document) < len(query):
        query, document = document, query
    dot = sum(w * document[t] * idf_squared.get(t, 1.0) for t, w in query.items() if t in document)
    return dot / (query_norm * document_norm)


def best_matches(
    query: Mapping[str, int],
    query_norm: float,
    candidates: Iterable[tuple[int, Mapping[str, int], float]],
    idfs: Mapping[str, float],
    idf_squared: Mapping[str, float],
    *,
    min_score: float,
    limit: int,
) -> list[tuple[int, Scored]]:
    """cosine() of the query with each candidate (key, vector, norm) that scores min_score or more,
    best first, ties by key. A candidate clearly below (quick_score under min_score - 0.001, which
    cannot round up to it) is dropped before its shared terms are ranked."""
    found = []
    for key, document, document_norm in candidates:
        if quick_score(query, document, idf_squared, query_norm, document_norm) < min_score - 0.001:
            continue
        scored = cosine(query, document, idfs, query_norm=query_norm, document_norm=document_norm)
        if scored.score >= min_score and scored.score > 0:
            found.append((key, scored))
    found.sort(key=lambda pair: (-pair[1].score, pair[0]))
    return found[:limit]


def query_weights(query: Mapping[str, int], idfs: Mapping[str, float]) -> dict[str, int]:
    """Integer weights for the candidate search in SQL (integers: SQLite and PostgreSQL sum them alike)."""
    return {t: max(1, round(w * idfs.get(t, 1.0) ** 2)) for t, w in query.items()}


def same_submitter(first: str, second: str) -> bool:
    a, b = normalise(first), normalise(second)
    return bool(a) and a == b


def places_in(text: str, places: Iterable[str]) -> frozenset[str]:
    """The known place names (e.g. the profile's districts) a text names."""
    normalised = normalise(text)
    return frozenset(place for place in places if place and place in normalised)


def places_conflict(first: frozenset[str], second: frozenset[str]) -> bool:
    """Both name places and none in common: 停车难 in 朝阳 and in 海淀 are two matters."""
    return bool(first) and bool(second) and not first & second


def duplicate_kind(
    score: float,
    *,
    by_same_submitter: bool,
    both_have_content: bool = True,
    conflicting_places: bool = False,
    title_score: float = 1.0,
) -> DuplicateKind | None:
    """Whether a pair is a near-duplicate, and of which kind (None: only similar). title_score: the
    cosine of the titles alone; contents that recombine the same stock phrases under different
    titles (templated texts) are one topic, not one matter."""
    if conflicting_places:
        return None
    if by_same_submitter and score >= SAME_SUBMITTER_THRESHOLD:
        return DuplicateKind.SAME_SUBMITTER
    if title_score < TITLE_EVIDENCE:
        return None
    if score >= (ONE_MATTER_THRESHOLD if both_have_content else TITLE_ONLY_THRESHOLD):
        return DuplicateKind.ONE_MATTER
    return None


class TextIndex:
    """Vectors not stored yet (the rows of an import preview), searchable like the stored index:
    posting lists in memory, the exact cosine for every candidate sharing a term."""

    def __init__(self, vectors: Mapping[int, Mapping[str, int]]) -> None:
        self.vectors = vectors
        self._postings: dict[str, list[int]] = {}
        for key, vector in vectors.items():
            for term in vector:
                self._postings.setdefault(term, []).append(key)
        # each vector's norm and the squared IDFs, for the idfs last searched with: a workbook's
        # rows are searched one after another with the same idfs, and each row meets up to 40 others
        self._idfs: Mapping[str, float] | None = None
        self._norms: dict[int, float] = {}
        self._squared: dict[str, float] = {}

    def frequencies(self) -> Counter[str]:
        return Counter({term: len(keys) for term, keys in self._postings.items()})

    def search(
        self, key: int, idfs: Mapping[str, float], *, min_score: float, limit: int, pool: int = 40
    ) -> list[tuple[int, Scored]]:
        """The other vectors most similar to vectors[key], best first, ties by key: like the stored
        search, candidates by the integer sum over the item's distinctive terms, then the exact cosine."""
        vector = self.vectors[key]
        common = max(50, len(self.vectors) // 20)
        weights = query_weights(vector, idfs)
        terms = [t for t in weights if len(self._postings.get(t, ())) <= common]
        sums: Counter[int] = Counter()
        for term in sorted(terms, key=lambda t: (-weights[t], t))[:40]:
            for other in self._postings.get(term, ()):
                if other != key:
                    sums[other] += weights[term] * self.vectors[other][term]
        best = sorted(sums, key=lambda other: (-sums[other], other))[:pool]
        self._prepare(idfs)
        candidates = ((other, self.vectors[other], self._norm(other)) for other in best)
        return best_matches(vector, self._norm(key), candidates, idfs, self._squared, min_score=min_score, limit=limit)

    def _prepare(self, idfs: Mapping[str, float]) -> None:
        """Norms and squared IDFs are kept for the idfs last searched with (not changed in place)."""
        if idfs is not self._idfs:
            self._idfs, self._norms = idfs, {}
            self._squared = {term: value * value for term, value in idfs.items()}

    def _norm(self, key: int) -> float:
        known = self._norms.get(key)
        if known is None:
            assert self._idfs is not None  # _prepare() came first
            known = self._norms[key] = norm(self.vectors[key], self._idfs)
        return known
