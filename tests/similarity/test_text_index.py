"""The in-memory index of an import's rows (app.domain.similarity.TextIndex) against brute force."""

from __future__ import annotations

import pytest

from app.domain import similarity
from tests.similarity.evaluation import background_titles


def _vectors(count: int) -> dict[int, dict[str, int]]:
    titles = background_titles()
    # near-duplicates among them: each title as it is, again (identical), with a tail, with a head
    variants = (lambda t: t, lambda t: t, lambda t: t + "的建议", lambda t: "关于进一步" + t)
    texts = [variants[i % 4](titles[i // 4]) for i in range(count)]
    return {i: similarity.document_vector(title, "") for i, title in enumerate(texts)}


def _brute_force(vectors, key, idfs, min_score, limit):
    scored = [
        (other, similarity.cosine(vectors[key], vector, idfs)) for other, vector in vectors.items() if other != key
    ]
    found = [(other, s) for other, s in scored if s.score >= min_score and s.score > 0]
    return sorted(found, key=lambda pair: (-pair[1].score, pair[0]))[:limit]


@pytest.mark.parametrize("min_score", [0.3, 0.72, 0.95])
def test_search_finds_what_comparing_every_pair_finds(min_score):
    vectors = _vectors(45)  # fewer than the pool and the common-term cut: the search sees every candidate
    index = similarity.TextIndex(vectors)
    frequencies = index.frequencies()
    flat = {term: 1.0 for term in frequencies}
    weighted = {term: similarity.idf(count, len(vectors)) for term, count in frequencies.items()}
    found_any = False
    # the same index with two sets of IDFs in turn: norms kept for one must not serve the other
    for idfs in (weighted, flat, weighted):
        for key in vectors:
            expected = _brute_force(vectors, key, idfs, min_score, limit=5)
            assert index.search(key, idfs, min_score=min_score, limit=5, pool=len(vectors)) == expected
            found_any = found_any or bool(expected)
    assert found_any


def test_a_pair_scoring_exactly_the_threshold_is_kept():
    vectors = _vectors(12)
    index = similarity.TextIndex(vectors)
    idfs = {term: similarity.idf(count, len(vectors)) for term, count in index.frequencies().items()}
    for key in vectors:
        for other, scored in _brute_force(vectors, key, idfs, 0.01, limit=5):
            at_threshold = index.search(key, idfs, min_score=scored.score, limit=5, pool=len(vectors))
            assert (other, scored) in at_threshold
