"""The pre-filter: decide which detectors can find anything in a message, cheaply, and answer the
many messages for which none can before the text is even normalised.

Most marketplace messages contain nothing of interest ("Is the strap original?"), and for them
the scanner must cost less than phonenumbers' own matcher, which fails one regular expression.
Every detector has necessary conditions for finding anything: ``possible`` in ``phones``,
``emails`` and ``links``; ``payments.accounts``; and the anchors of the patterns of ``cues``,
``payments`` (methods) and ``handles`` (platform names, besides "@" and "LINE"), which one
:class:`AnchorTable` evaluates together. :func:`plan` gathers them.

Before that, a message is *quiet* when it has none of:

- an ASCII digit (phones, short codes and all accounts need one), "@" (emails, handles), "LINE"
  (the app), a known top-level domain after a dot (links);
- a word that keys an anchor alternative (``anchors``) or is an email's "at", or one of the few
  anchor texts no word keys; two number words that can start or end a spelled number;
- a long word that may be number words glued together, or a stretched number word ("threee").

Each of these is implied by some detector's condition, so a quiet message has nothing to find.
ASCII text without control characters is its own normalised form, so it is tested as it comes,
with one ``bytes.translate``, ``str.split``, ``in`` and set look-ups; a regular expression costs
about 5 ns per character even when it finds nothing, so the quiet path has none unless the text
has a dot. Other text is normalised first. What a word says (a key, an anchor text, glued
number words) is learnt once per distinct word.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from typing import NamedTuple

from sidedeal.scanner import cues, emails, handles, links, payments, phones
from sidedeal.scanner.anchors import Anchors, AnchorTable
from sidedeal.scanner.canon import read_word
from sidedeal.scanner.normalise import Normalised, normalise, unchanged
from sidedeal.scanner.view import View, ascii_view, may_be_glued, view_of

_CUES = len(cues.PATTERN_ANCHORS)
_METHODS = len(payments.METHOD_ANCHORS)
_HANDLES = _CUES + _METHODS  # index of the platform names in the table
_TABLE = AnchorTable([*cues.PATTERN_ANCHORS, *payments.METHOD_ANCHORS, handles.ANCHORS])
_TABLE_KEYS = _TABLE.keys()

_ALL = Anchors.union([cues.ANCHORS, payments.ANCHORS, handles.ANCHORS])
_OTHER_KEYS = _ALL.keys() | _ALL.loose_words() | emails.AT_WORDS
_KEYS = _OTHER_KEYS | phones.ANCHOR_WORDS
_NUMBER_KEYS = phones.ANCHOR_WORDS - _OTHER_KEYS
_TEXTS = _ALL.loose_texts()
# A text of letters (and spaces after its first word) lies in one word of the letter copy of the
# text, or at the end of one: so a word can tell. Other texts are looked up in the text.
_IN_WORD = tuple(t for t in _TEXTS if re.fullmatch(r"[a-z]+", t))
_AT_WORD_END = tuple(t.split(" ")[0] for t in _TEXTS if re.fullmatch(r"[a-z]+ [a-z ]*", t))
_OTHER_TEXTS = tuple(
    t for t in _TEXTS if not re.fullmatch(r"[a-z]+", t) and not re.fullmatch(r"[a-z]+ [a-z ]*", t)
)
# Words that alone make a message not quiet, besides keys: those holding an anchor text, and
# long ones that may be number words glued together. Learnt once per distinct word; the sets
# only grow (so a concurrent caller never sees a half-emptied cache), up to ``_CACHE_WORDS``
# words, beyond which a word is looked at each time.
_SHORTEST_LOUD = min(9, *map(len, _IN_WORD + _AT_WORD_END))  # glued words have 9 letters
_CACHE_WORDS = 50_000
_SEEN: set[str] = set()
_LOUD: set[str] = set()
_PLAIN: set[str] = set()  # seen, neither loud nor a key: a message of only these is quiet
_NONE: frozenset[int] = frozenset()
_CONTROL = "\x00"
_MARK = "\x01"
# ``view.ascii_letters``, except that control characters (which normalisation removes) become
# NUL, so one look says whether the text is its own normalised form, and digits and "@" become
# SOH, so one look says whether it may hold a number, an account, an email or a handle.
_QUICK = bytes(
    0 if (c < 32 and c not in (9, 10, 13)) or c == 127
    else 1 if chr(c) in string.digits + "@"
    else c + 32 if 65 <= c <= 90
    else c if 97 <= c <= 122
    else 32
    for c in range(256)
)  # fmt: skip


class Plan(NamedTuple):
    """Which detectors can find anything in a message: ``cues`` and ``methods`` are the indices
    of the cue and payment-method patterns whose anchors hold, ``accounts`` what
    ``payments.accounts`` says."""

    phones: bool
    emails: bool
    links: bool
    handles: bool
    accounts: tuple[bool, bool, bool]
    methods: frozenset[int]
    cues: frozenset[int]

    def anything(self) -> bool:
        """True when some detector can find something."""
        return (
            self.phones
            or self.emails
            or self.links
            or self.handles
            or bool(self.cues or self.methods)
            or any(self.accounts)
        )


def screen(text: str) -> tuple[Normalised, View, Plan] | None:
    """``None`` when no detector can find anything in ``text``; else its normalised form, view
    and plan."""
    if text.isascii():
        letter_text = text.encode("ascii").translate(_QUICK).decode("ascii")
        if _CONTROL not in letter_text:
            marks = letter_text.count(_MARK)
            if marks:
                letter_text = letter_text.replace(_MARK, " ")
            elif "LINE" not in text and not ("." in text and links.dotted(text.lower())):
                letters = letter_text.split()
                if _quiet(text, letter_text, letters):
                    return None
                return _planned(unchanged(text), ascii_view(text, letters, 0))
            digits = marks - text.count("@") if marks else 0
            return _planned(unchanged(text), ascii_view(text, letter_text.split(), digits))
    norm = normalise(text)
    return _planned(norm, view_of(norm))


def plan(view: View) -> Plan:
    """Every detector's necessary conditions on ``view``."""
    words = view.words
    if _SEEN.issuperset(words) and _LOUD.isdisjoint(words):
        # No word holds an anchor text: only alternatives keyed by the words can hold.
        hits = _TABLE_KEYS.intersection(words)
        active = _TABLE.active_keyed(hits, words, view.low) if hits else _NONE
    else:
        active = _TABLE.active(words, view.low)
    text = view.text
    return Plan(
        phones.possible(view),
        emails.possible(view),
        links.possible(view),
        "@" in text or "LINE" in text or _HANDLES in active,
        payments.accounts(text, view.low, view.digits),
        frozenset(i - _CUES for i in active if _CUES <= i < _HANDLES) if active else _NONE,
        frozenset(i for i in active if i < _CUES) if active else _NONE,
    )


def _planned(norm: Normalised, view: View) -> tuple[Normalised, View, Plan] | None:
    found = plan(view)
    return (norm, view, found) if found.anything() else None


def _quiet(text: str, letter_text: str, letters: list[str]) -> bool:
    """The quiet test for ASCII text with no digit, "@", "LINE" or domain (``letter_text``
    is ``view.ascii_letters(text)``, ``letters`` its words). No number, account, link or handle
    without a platform name can be in such a text; what is left is decided from its words."""
    if _PLAIN.issuperset(letters):
        return True
    if not _SEEN.issuperset(letters) and _learn(letters):
        return False
    if not _LOUD.isdisjoint(letters):
        return False
    if _OTHER_TEXTS and any(t in text.lower() for t in _OTHER_TEXTS):
        return False
    hits = _KEYS.intersection(letters)
    if not hits or (hits <= _NUMBER_KEYS and sum(map(_NUMBER_KEYS.__contains__, letters)) < 2):
        return True
    # A key word: decide exactly (``phones.possible`` without digits, ``emails.possible``
    # without "@", and the anchors keyed by the words hit; no loud word, so no anchor text).
    spelled = not phones.ANCHOR_WORDS.isdisjoint(hits)
    if spelled and sum(map(phones.ANCHOR_WORDS.__contains__, letters)) >= 2:
        return False
    low = text.lower()
    if not emails.AT_WORDS.isdisjoint(hits) and emails.possible_without_at_sign(low, hits):
        return False
    return not _ALL.hit_keyed(hits, letters, low)


def _learn(letters: Iterable[str]) -> bool:
    """Learn the words of ``letters`` not seen yet; True when one of them is loud."""
    loud = False
    keep = len(_SEEN) < _CACHE_WORDS
    for word in set(letters).difference(_SEEN):
        # A stretched number word ("threee") can start a spelled number like the word itself.
        stretched = word not in _KEYS and read_word(word) is not None
        if stretched or (len(word) >= _SHORTEST_LOUD and _loud(word)):
            loud = True
            if keep:
                _LOUD.add(word)
        elif keep and word not in _KEYS:
            _PLAIN.add(word)
        if keep:
            _SEEN.add(word)
    return loud


def _loud(word: str) -> bool:
    """True when ``word`` alone makes a message not quiet (see ``_LOUD``)."""
    for text in _IN_WORD:
        if text in word:
            return True
    return word.endswith(_AT_WORD_END) or (len(word) >= 9 and may_be_glued((word,)))


def clear_caches() -> None:
    """Forget the words learnt (for benchmarks that must not start with work done)."""
    _SEEN.clear()
    _LOUD.clear()
    _PLAIN.clear()
