"""The cheap facts about a message that decide which detectors can match: its words and digits.

Each detector has necessary conditions for finding anything, written over a :class:`View` (see
``gate``); the engine runs a detector only when they hold. Building the view must cost less than
the detectors it saves, so it is made with C-speed operations where the text allows: on ASCII
text, one ``bytes.translate`` (letters to lower case, everything else to a space) and
``str.split`` give exactly the letter runs that the regular expression ``[^\\W\\d_]+`` finds.
Text with letters outside ASCII (Cyrillic, CJK...) takes the regular expression.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sidedeal.scanner.canon import read_edited, read_word
from sidedeal.scanner.normalise import Normalised
from sidedeal.scanner.words import GLUE_HEADS, NUMBER_WORDS, split_glued

# A word: a maximal run of letters ("number07911" has the word "number").
_WORD = re.compile(r"[^\W\d_]+")
_DIGIT_RUN = re.compile(r"[0-9]+")
# A word character outside ASCII: with none, a non-ASCII character only separates words.
_NON_ASCII_WORD_CHAR = re.compile(r"[^\W\x00-\x7f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# ``bytes.translate`` with a 256-byte table runs at about 1 ns a character; ``str.translate`` with
# a dict looks each character up (about 8 ns). ASCII ``str`` to ``bytes`` and back is a copy.
_LETTERS = bytes(c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 else 32 for c in range(256))
_NOT_DIGITS = bytes(c for c in range(256) if not 48 <= c <= 57)


@dataclass(slots=True)
class View:
    """A normalised message as the gates see it.

    ``words`` is the set of words of ``low`` (maximal runs of letters); ``wordlist`` the same
    words with repeats, for counting occurrences; ``digits`` the number of ASCII digits;
    ``plain`` is ``as_ascii(text)``; ``exotic_digits`` is True when the text has a digit outside
    ASCII that normalisation kept (``str.isdigit`` but not decimal, e.g. Tai Tham digits), which
    a glued number may still read. The rest are word classes (see ``classes``).
    """

    text: str
    low: str
    words: set[str]
    wordlist: list[str]
    digits: int
    glued: bool  # a word of 9+ letters that may be number words glued together
    glued_short: bool  # the same for 6+ letters (glued to digits, "07one2three", any length)
    looks: frozenset[str]  # words of o, l and i only (look-alike letters for 0 and 1)
    plain: str | None
    exotic_digits: bool = False
    # Words that read as number words without being one: stretched ("threee", which can end a
    # number) and one edit away ("sevn", only between digits); see ``canon``.
    stretched: frozenset[str] = frozenset()
    edited: frozenset[str] = frozenset()

    @property
    def fuzzy(self) -> frozenset[str]:
        """``stretched`` and ``edited`` together."""
        return self.stretched | self.edited


# Word classes, computed once per distinct word: words seen, and those in each class. The sets
# only grow (so a concurrent caller never sees a half-emptied cache), up to ``_CACHE_WORDS``
# words; a word beyond that is classified each time.
_CACHE_WORDS = 50_000
_SEEN: set[str] = set()
_GLUED: set[str] = set()
_GLUED_SHORT: set[str] = set()
_LOOKS: set[str] = set()
_STRETCHED: set[str] = set()
_EDITED: set[str] = set()


def classes(words: set[str]) -> tuple[bool, bool, frozenset[str], frozenset[str], frozenset[str]]:
    """``(glued, glued_short, looks, stretched, edited)`` of ``words`` (see :class:`View`)."""
    glued = not _GLUED.isdisjoint(words)
    short = glued or not _GLUED_SHORT.isdisjoint(words)
    looks = _LOOKS.intersection(words)
    stretched = _STRETCHED.intersection(words)
    edited = _EDITED.intersection(words)
    new = words - _SEEN
    if new:
        keep = len(_SEEN) < _CACHE_WORDS
        for word in new:
            if not word.strip("oli"):
                looks.add(word)
                if keep:
                    _LOOKS.add(word)
            if word not in NUMBER_WORDS:
                if read_word(word) is not None:
                    stretched.add(word)
                    if keep:
                        _STRETCHED.add(word)
                elif read_edited(word) is not None:
                    edited.add(word)
                    if keep:
                        _EDITED.add(word)
            if len(word) >= 6 and word[:3] in GLUE_HEADS and split_glued(word) is not None:
                short = True
                glued = glued or len(word) >= 9
                if keep:
                    (_GLUED if len(word) >= 9 else _GLUED_SHORT).add(word)
            if keep:
                _SEEN.add(word)
    return glued, short, frozenset(looks), frozenset(stretched), frozenset(edited)


def clear_caches() -> None:
    """Forget the word classes (for benchmarks whose passes must not start with work done)."""
    _SEEN.clear()
    _GLUED.clear()
    _GLUED_SHORT.clear()
    _LOOKS.clear()
    _STRETCHED.clear()
    _EDITED.clear()


def ascii_letters(text: str) -> str:
    """``text`` (ASCII) with letters lower-cased and every other character turned into a space:
    its ``split()`` is the list of letter runs of ``text.lower()``, and a lower-case text of
    letters and spaces occurs in it wherever it occurs in ``text.lower()``."""
    return text.encode("ascii").translate(_LETTERS).decode("ascii")


def as_ascii(text: str) -> str | None:
    """``text`` with each non-ASCII character replaced by ``?``, when none of them is a word
    character (so the replacement changes no word, digit or ASCII pattern); otherwise ``None``.

    After normalisation most non-ASCII characters left in trade messages are "€", "£", "«", emoji.
    """
    if text.isascii():
        return text
    if _NON_ASCII_WORD_CHAR.search(text):
        return None
    return text.encode("ascii", "replace").decode("ascii")


def may_be_glued(long_words: Iterable[str]) -> bool:
    """True when one of ``long_words`` (nine letters or more) may be number words glued together."""
    return any(w[:3] in GLUE_HEADS and split_glued(w) is not None for w in long_words)


def view_of(norm: Normalised) -> View:
    """The view of a normalised message."""
    text, low = norm.text, norm.low
    plain = as_ascii(text)
    if plain is None:
        wordlist = _WORD.findall(low)
        exotic = any(ch.isdigit() for ch in set(_NON_ASCII.findall(text)))
        digits = sum(map(len, _DIGIT_RUN.findall(text)))
        return _view(text, low, wordlist, digits, None, exotic)
    raw = plain.encode("ascii")
    letters = raw.translate(_LETTERS).decode("ascii").split()
    return _view(text, low, letters, len(raw.translate(None, _NOT_DIGITS)), plain)


def ascii_view(text: str, letters: list[str], digits: int) -> View:
    """The view of ASCII ``text`` without control characters (its own normalised form), given
    the words of ``ascii_letters(text)`` and its number of digits."""
    return _view(text, text.lower(), letters, digits, text)


def _view(
    text: str, low: str, wordlist: list[str], digits: int, plain: str | None, exotic: bool = False
) -> View:
    words = set(wordlist)
    glued, short, looks, stretched, edited = classes(words)
    return View(
        text, low, words, wordlist, digits, glued, short, looks, plain, exotic, stretched, edited
    )
