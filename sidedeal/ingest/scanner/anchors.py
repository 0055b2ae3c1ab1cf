"""Anchors: the words without which a pattern cannot match, checked before the pattern is run.

Most messages match no pattern at all, and a regular expression over every message costs far more
than looking a few words up in the message's vocabulary. Each pattern therefore declares anchors
in a small notation:

- alternatives are separated by ``|``; the pattern may match if any alternative holds;
- an alternative is groups joined by ``+``; it holds when every group has a word in the message;
- a group is a word or ``(word word ...)``, any one of them;
- ``'some text'`` is a substring of the lower-case message (for compounds like "Plattformgebühren"
  or forms a word split cannot see, like "f&f").

Anchors must be *necessary* conditions of their pattern: a wrong anchor silently loses findings.
``tests/unit/scanner`` checks that scanning with and without them gives the same results.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


class Anchors:
    """A parsed anchor specification (see the module docstring)."""

    __slots__ = ("_alternatives", "_index", "_part_strings", "_parts", "_singles")

    def __init__(self, spec: str = "") -> None:
        self._singles: set[str] = set()
        self._alternatives: list[tuple[frozenset[str], ...]] = []
        parts: list[str] = []
        for alternative in (a.strip() for a in spec.split("|")):
            if not alternative:
                continue
            if alternative.startswith("'"):
                parts.append(alternative.strip("'"))
                continue
            groups = tuple(frozenset(g.strip("()").split()) for g in alternative.split("+"))
            if len(groups) == 1:
                self._singles |= groups[0]
            else:
                self._alternatives.append(groups)
        self._part_strings = parts
        self._parts = _parts_pattern(parts)
        self._index = _index(self._alternatives)

    def hit(self, words: set[str], low: str) -> bool:
        """True when the message (its word set and lower-case text) satisfies an alternative."""
        if not self._singles.isdisjoint(words):
            return True
        for word in words & self._index.keys():
            for groups in self._index[word]:
                if all(not group.isdisjoint(words) for group in groups[1:]):
                    return True
        return self._parts is not None and self._parts.search(low) is not None

    @classmethod
    def union(cls, anchors: Iterable[Anchors]) -> Anchors:
        """Anchors that hold when any of ``anchors`` holds."""
        merged = cls()
        for item in anchors:
            merged._singles |= item._singles
            merged._alternatives += item._alternatives
            merged._part_strings += item._part_strings
        merged._index = _index(merged._alternatives)
        merged._parts = _parts_pattern(sorted(set(merged._part_strings)))
        return merged


class AnchorTable:
    """The anchors of a list of patterns, evaluated together: one pass over the message's words
    says which patterns can match, instead of one check per pattern."""

    __slots__ = ("_pairs", "_part_index", "_parts", "_singles", "size")

    def __init__(self, anchors: list[Anchors]) -> None:
        self.size = len(anchors)
        self._singles: dict[str, list[int]] = {}
        self._pairs: dict[str, list[tuple[int, tuple[frozenset[str], ...]]]] = {}
        self._part_index: dict[str, list[int]] = {}
        for number, item in enumerate(anchors):
            for word in item._singles:
                self._singles.setdefault(word, []).append(number)
            for groups in item._alternatives:
                for word in groups[0]:
                    self._pairs.setdefault(word, []).append((number, groups))
            for part in item._part_strings:
                self._part_index.setdefault(part, []).append(number)
        self._parts = _parts_pattern(sorted(self._part_index))

    def active(self, words: set[str], low: str) -> set[int]:
        """Indices of the patterns whose anchors the message satisfies."""
        found: set[int] = set()
        for word in words & self._singles.keys():
            found.update(self._singles[word])
        for word in words & self._pairs.keys():
            for number, groups in self._pairs[word]:
                if number not in found and all(not g.isdisjoint(words) for g in groups[1:]):
                    found.add(number)
        if self._parts is not None:
            for match in self._parts.finditer(low):
                found.update(self._part_index[match.group()])
        return found


def _parts_pattern(parts: list[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(re.escape(p) for p in parts)) if parts else None


def _index(
    alternatives: list[tuple[frozenset[str], ...]],
) -> dict[str, list[tuple[frozenset[str], ...]]]:
    """Alternatives by each word of their first group: only those can hold."""
    index: dict[str, list[tuple[frozenset[str], ...]]] = {}
    for groups in alternatives:
        for word in groups[0]:
            index.setdefault(word, []).append(groups)
    return index
