"""Anchors: the words without which a pattern cannot match, checked before the pattern is run.

Most messages match no pattern at all, and a regular expression over every message costs far more
than looking a few words up in the message's vocabulary. Each pattern therefore declares anchors
in a small notation:

- alternatives are separated by ``|``; the pattern may match if any alternative holds;
- an alternative is groups joined by ``+``; it holds when every group holds;
- a group is one item or ``(item item ...)``, and holds when any of its items does;
- an item is a word (it holds when the message has that word) or ``'some text'`` (it holds when
  the lower-case message contains that text: for compounds like "Plattformgebühren", for words a
  pattern lets run on, like ``insta\\w*``, and for "@").

A word is a maximal run of letters of the lower-case normalised text (see ``view``); digits
are looked for as text. Anchors must be *necessary* conditions of their pattern: a wrong anchor
silently loses findings. A word is only a valid anchor where the pattern bounds it on both sides
(``\\b``, ``\\s``, punctuation); where it does not ("entre amis" matches inside "entre amisx"),
use a text item. ``tests/unit/scanner/test_scan_anchors.py`` generates strings from every
pattern and checks that the anchors hold on each match.

An alternative that has a group of words only is *keyed* by one (the least likely to hold): it
cannot hold unless the message has one of those words. ``keys``, ``loose_words`` and
``loose_texts`` give a gate everything it must look for (``gate``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

_TOKEN = re.compile(r"'[^']*'|[()+|]|[^\s()+|']+")


@dataclass(frozen=True, slots=True)
class Group:
    """Words and texts, any one of which satisfies the group (see ``_holds``)."""

    words: frozenset[str]
    texts: tuple[str, ...]


Alternative = tuple[Group, ...]


def parse(spec: str) -> list[Alternative]:
    """The alternatives of an anchor specification (see the module docstring)."""
    alternatives: list[Alternative] = []
    groups: list[Group] = []
    items: list[str] | None = None  # inside parentheses
    expect_group = True
    for token in _TOKEN.findall(spec):
        if token in ("|", "+"):
            if expect_group or items is not None:
                raise ValueError(f"misplaced {token!r} in anchors {spec!r}")
            if token == "|":
                alternatives.append(tuple(groups))
                groups = []
            expect_group = True
        elif token == "(":
            if items is not None or not expect_group:
                raise ValueError(f"misplaced '(' in anchors {spec!r}")
            items = []
        elif token == ")":
            if not items:
                raise ValueError(f"empty or unopened group in anchors {spec!r}")
            groups.append(_group(items))
            items, expect_group = None, False
        elif items is not None:
            items.append(token)
        elif expect_group:
            groups.append(_group([token]))
            expect_group = False
        else:
            raise ValueError(f"missing '+' or '|' before {token!r} in anchors {spec!r}")
    if items is not None or (expect_group and (groups or alternatives)):
        raise ValueError(f"unfinished anchors {spec!r}")
    if groups:
        alternatives.append(tuple(groups))
    return alternatives


def _group(items: list[str]) -> Group:
    words = frozenset(item for item in items if not item.startswith("'"))
    texts = tuple(item.strip("'") for item in items if item.startswith("'"))
    if any(not text for text in texts) or any(not (w.isalpha() and w.islower()) for w in words):
        raise ValueError(f"bad anchor items {items!r}: texts non-empty, words lower-case letters")
    return Group(words, texts)


# Share of messages that have the word, for the anchor words in at least 0.2% of messages of
# the labelled corpus, the SMS Spam Collection and a demo marketplace (84k messages). Only
# speed depends on it: an alternative is keyed by its group of words least likely to be in a
# message, so fewer messages need a closer look.
_SHARE = {
    "an": 0.034, "are": 0.064, "as": 0.012, "buy": 0.006, "call": 0.01, "can": 0.078,
    "checkout": 0.029, "could": 0.067, "deal": 0.016, "details": 0.006, "directly": 0.002,
    "do": 0.066, "e": 0.005, "est": 0.004, "f": 0.005, "free": 0.003, "get": 0.01, "give": 0.012,
    "have": 0.031, "in": 0.164, "invoice": 0.021, "is": 0.286, "issue": 0.005, "ist": 0.002,
    "je": 0.003, "keep": 0.012, "listing": 0.035, "mail": 0.007, "may": 0.012, "me": 0.062,
    "message": 0.021, "no": 0.037, "not": 0.005, "number": 0.038, "on": 0.115, "order": 0.044,
    "pay": 0.005, "platform": 0.03, "private": 0.018, "ring": 0.006, "send": 0.031, "sie": 0.002,
    "site": 0.02, "sur": 0.003, "take": 0.015, "tell": 0.011, "text": 0.002, "u": 0.013,
    "ur": 0.004, "via": 0.024, "vous": 0.003, "we": 0.089, "what": 0.062, "you": 0.305,
    "your": 0.127,
}  # fmt: skip


def _likely(word: str) -> float:
    return _SHARE.get(word, 0.001)


def _key(alternative: Alternative) -> int | None:
    """Index of the group that keys ``alternative`` (``None`` if none is of words only): the one
    least likely to hold."""
    pure = [index for index, group in enumerate(alternative) if not group.texts]
    if not pure:
        return None
    return min(pure, key=lambda index: sum(map(_likely, alternative[index].words)))


def _holds(rest: tuple[Group, ...], words: Collection[str], low: str) -> bool:
    """True when every group of ``rest`` holds: the message (its words, its lower-case text) has
    one of its words or contains one of its texts. (Loops, not ``all()``: this is a hot path.)"""
    for group in rest:
        if group.words.isdisjoint(words):
            for text in group.texts:
                if text in low:
                    break
            else:
                return False
    return True


class Anchors:
    """One pattern's parsed anchors, or the union of several (``union``)."""

    __slots__ = ("_alternatives", "_index", "_keys", "_loose", "_singles", "_texts")

    def __init__(self, spec: str = "") -> None:
        self._alternatives: list[Alternative] = parse(spec)
        self._build()

    def _build(self) -> None:
        self._singles: set[str] = set()
        self._index: dict[str, list[Alternative]] = {}
        texts: list[str] = []  # alternatives that are one group of texts
        self._loose: list[Alternative] = []  # other alternatives without a group of words only
        for alternative in self._alternatives:
            key = _key(alternative)
            if key is None and len(alternative) == 1 and not alternative[0].words:
                texts += alternative[0].texts
            elif key is None:
                self._loose.append(alternative)
            elif len(alternative) == 1:
                self._singles |= alternative[0].words
            else:
                rest = alternative[:key] + alternative[key + 1 :]
                for word in alternative[key].words:
                    self._index.setdefault(word, []).append(rest)
        self._texts = tuple(sorted(set(texts)))
        self._keys = frozenset(self._index)

    def hit(self, words: set[str], low: str) -> bool:
        """True when the message (its word set and lower-case text) satisfies an alternative."""
        if not self._singles.isdisjoint(words):
            return True
        if not self._keys.isdisjoint(words):
            for word in self._keys.intersection(words):
                for rest in self._index[word]:
                    if _holds(rest, words, low):
                        return True
        for text in self._texts:
            if text in low:
                return True
        return any(_holds(alt, words, low) for alt in self._loose)

    def hit_keyed(self, hits: Collection[str], words: Collection[str], low: str) -> bool:
        """``hit`` for a message whose key words (see ``keys``) are ``hits``, known to contain
        none of the texts of alternatives with no group of words only (``loose_texts``)."""
        for word in hits:
            if word in self._singles:
                return True
            for rest in self._index.get(word, ()):
                if _holds(rest, words, low):
                    return True
        return any(
            not alt[0].words.isdisjoint(hits) and _holds(alt[1:], words, low) for alt in self._loose
        )

    def keys(self) -> frozenset[str]:
        """Words one of which every keyed alternative needs."""
        return frozenset(self._singles | self._index.keys())

    def loose_texts(self) -> tuple[str, ...]:
        """Texts one of which an alternative with no word-only group needs in its first group."""
        return self._texts + tuple(text for alt in self._loose for text in alt[0].texts)

    def loose_words(self) -> frozenset[str]:
        """Words that satisfy the first group of an alternative with no word-only group."""
        return frozenset(word for alt in self._loose for word in alt[0].words)

    @classmethod
    def union(cls, anchors: Iterable[Anchors]) -> Anchors:
        """Anchors that hold when any of ``anchors`` holds."""
        merged = cls()
        for item in anchors:
            merged._alternatives += item._alternatives
        merged._build()
        return merged


class AnchorTable:
    """The anchors of a list of patterns, evaluated together: one pass over the message's words
    says which patterns can match, instead of one check per pattern."""

    __slots__ = ("_index", "_keys", "_loose", "_singles", "_texts")

    def __init__(self, anchors: list[Anchors]) -> None:
        self._singles: dict[str, set[int]] = {}
        self._index: dict[str, list[tuple[int, Alternative]]] = {}
        self._texts: dict[str, set[int]] = {}  # alternatives that are one group of texts
        self._loose: list[tuple[int, Alternative]] = []
        for number, item in enumerate(anchors):
            for word in item._singles:
                self._singles.setdefault(word, set()).add(number)
            for word, rests in item._index.items():
                self._index.setdefault(word, []).extend((number, rest) for rest in rests)
            for text in item._texts:
                self._texts.setdefault(text, set()).add(number)
            self._loose.extend((number, alternative) for alternative in item._loose)
        self._keys = frozenset(self._singles) | frozenset(self._index)

    def keys(self) -> frozenset[str]:
        """Words one of which every alternative with a group of words only needs."""
        return self._keys

    def active(self, words: set[str], low: str) -> set[int]:
        """Indices of the patterns whose anchors the message satisfies."""
        found = self.active_keyed(self._keys.intersection(words), words, low, loose=False)
        for text, numbers in self._texts.items():
            if text in low:
                found |= numbers
        for number, alternative in self._loose:
            if number not in found and _holds(alternative, words, low):
                found.add(number)
        return found

    def active_keyed(
        self, hits: Collection[str], words: Collection[str], low: str, *, loose: bool = True
    ) -> set[int]:
        """``active`` for a message whose key words (see ``keys``) are ``hits`` and which is
        known to contain none of the texts of alternatives with no group of words only.
        (``loose=False``: leave those alternatives out.)"""
        found: set[int] = set()
        for word in hits:
            numbers = self._singles.get(word)
            if numbers:
                found |= numbers
            for number, rest in self._index.get(word, ()):
                if number not in found and _holds(rest, words, low):
                    found.add(number)
        if loose:
            for number, alternative in self._loose:
                keyed = number not in found and not alternative[0].words.isdisjoint(hits)
                if keyed and _holds(alternative[1:], words, low):
                    found.add(number)
        return found
