"""Keyword matching in Python (durable's regex alternation misses matches, so it is never used).

Finds every keyword that occurs in a text, overlapping ones included ("交通安全" finds both
"交通安全" and "交通"). Texts and keywords are normalised the same way: NFKC (full-width
letters and digits become ASCII), lower case, whitespace removed.

How: keywords are grouped by first character and length; at each position of the text, the
slices of the lengths known for that character are looked up in a set (tests compare the
result with plain substring search).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable


def normalise(text: str) -> str:
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return "".join(text.lower().split())


class KeywordIndex:
    """All keywords of a rule set, found in a text with a single scan."""

    def __init__(self, keywords: Iterable[str]) -> None:
        self.keywords: tuple[str, ...] = tuple(dict.fromkeys(keywords))
        self._originals: dict[str, tuple[str, ...]] = {}
        lengths: dict[str, set[int]] = {}
        for keyword in self.keywords:
            key = normalise(keyword)
            if key:
                self._originals[key] = (*self._originals.get(key, ()), keyword)
                lengths.setdefault(key[0], set()).add(len(key))
        self._lengths = {first: tuple(sorted(found, reverse=True)) for first, found in lengths.items()}

    def find(self, text: str) -> tuple[str, ...]:
        """Keywords (as written in the rules) occurring in the text, in order of first occurrence."""
        if not text:
            return ()
        normalised = normalise(text)
        found: dict[str, None] = {}
        originals, lengths = self._originals, self._lengths
        for position, char in enumerate(normalised):
            sizes = lengths.get(char)
            if sizes is None:
                continue
            for size in sizes:
                words = originals.get(normalised[position : position + size])
                if words is not None:
                    for word in words:
                        found[word] = None
        return tuple(found)
