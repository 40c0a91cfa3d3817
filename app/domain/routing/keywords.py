"""Keyword matching in Python (durable's regex alternation misses matches, so it is never used).

Finds every keyword that occurs in a text, overlapping ones included ("交通安全" finds both
"交通" and "交通安全"). Texts and keywords are normalised the same way: NFKC (full-width
letters and digits become ASCII), lower case, whitespace removed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable


def normalise(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


class KeywordIndex:
    """All keywords of a rule set, indexed by first character for a single scan of each text."""

    def __init__(self, keywords: Iterable[str]) -> None:
        by_first: dict[str, list[tuple[str, str]]] = {}
        self.keywords: tuple[str, ...] = tuple(dict.fromkeys(keywords))
        for keyword in self.keywords:
            key = normalise(keyword)
            if key:
                by_first.setdefault(key[0], []).append((key, keyword))
        self._by_first = {first: tuple(entries) for first, entries in by_first.items()}

    def find(self, text: str) -> tuple[str, ...]:
        """Keywords (as written in the rules) occurring in the text, in order of first occurrence."""
        if not text:
            return ()
        normalised = normalise(text)
        found: dict[str, None] = {}
        by_first = self._by_first
        for position, char in enumerate(normalised):
            entries = by_first.get(char)
            if entries is None:
                continue
            for key, keyword in entries:
                if normalised.startswith(key, position):
                    found[keyword] = None
        return tuple(found)
