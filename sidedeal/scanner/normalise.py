# The confusable characters below are this module's data, so the ambiguity rule cannot apply.
# ruff: noqa: RUF001
"""Text normalisation for matching, with a map back to offsets in the original text.

People hide contact details from keyword filters with characters that look right to a reader but
not to a regular expression: fullwidth or mathematical digits, Arabic-Indic or Devanagari digits,
keycap emoji, zero-width joiners between digits, Cyrillic or Greek letters inside "gmail" or
"WhatsApp". Every detector therefore matches against a normalised copy of the text, and each
finding's span is mapped back so that ``text[start:end]`` is what the investigator sees highlighted.

The normalised copy is also stripped of accents (``zéro`` -> ``zero``, ``fünf`` -> ``funf``) so the
number-word and cue tables need one spelling per word, and ``ß`` becomes ``ss``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Letters from other alphabets that render like Latin ones. Only look-alikes: a Cyrillic "и" is
# left alone, because nobody reads it as a Latin letter.
_CONFUSABLES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M",
    "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I",
    "Ј": "J", "Ԁ": "D", "Ԛ": "Q", "Ԝ": "W", "Ӏ": "I",
    # Greek
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "γ": "y", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I",
    "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Latin letters outside ASCII that stand in for ASCII ones
    "ı": "i", "ɡ": "g", "ɑ": "a", "ß": "ss", "ẞ": "SS", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L",
    "đ": "d", "Đ": "D", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
    # Punctuation that plays the role of an ASCII one
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-", "⁃": "-",
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"',
    "·": ".", "•": ".", "․": ".", "。": ".", "｡": ".",
}  # fmt: skip

# Control characters other than line breaks and tabs: invisible, so they are dropped like
# zero-width characters instead of breaking a token in two.
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@lru_cache(maxsize=8192)
def _map_char(ch: str) -> str:
    """The normalised replacement for one character ("" to drop it)."""
    if ch in _CONFUSABLES:
        return _CONFUSABLES[ch]
    category = unicodedata.category(ch)
    # Format characters (zero-width space/joiners, bidi controls, soft hyphen, word joiner),
    # combining marks (accents, emoji variation selectors, the keycap enclosure U+20E3):
    # invisible on their own, so removing them is what a reader's eye does.
    if category in ("Cf", "Mn", "Me"):
        return ""
    if category == "Cc":
        return ch if ch in "\t\n\r" else ""
    if category == "Cs":  # a lone surrogate: keep the length, match nothing
        return "\ufffd"
    if category == "Nd":  # digits of any script (Arabic-Indic, Devanagari, Bengali, fullwidth...)
        return str(unicodedata.decimal(ch))
    decomposed = unicodedata.normalize("NFKD", ch)
    out = []
    for part in decomposed:
        if unicodedata.category(part) in ("Mn", "Me"):
            continue
        out.append(_CONFUSABLES.get(part, part))
    result = "".join(out)
    # NFKD of a circled digit is the digit; of the keycap "ten" emoji it is nothing useful.
    if ch == "\U0001f51f":
        return "10"
    return result


@dataclass(slots=True)
class Normalised:
    """A normalised copy of a text and, per normalised character, the original span it came from.

    ``starts``/``ends`` are ``None`` when every character stayed one character (the common case,
    ASCII or "£"/"é"), so offsets are the same in both texts and the map costs nothing.
    """

    text: str
    original_length: int
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None
    # ``text.lower()``: same length and offsets (normalisation leaves no character whose lower
    # case is longer), so detectors match lower-case patterns without IGNORECASE, which is
    # several times slower on large alternations.
    low: str = ""
    identical: bool = False  # the text needed no change at all

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of the normalised span ``[start, end)`` (``end > start``)."""
        if self.starts is None or self.ends is None:
            return start, end
        return self.starts[start], self.ends[end - 1]

    def changed_in(self, start: int, end: int, original: str) -> bool:
        """True when the normalised span differs from the original text it maps to."""
        if self.identical:
            return False
        a, b = self.span(start, end)
        return original[a:b] != self.text[start:end]


def unchanged(text: str) -> Normalised:
    """``normalise(text)`` for ASCII text without control characters, which it leaves as it is
    (for callers that have already checked)."""
    return Normalised(text, len(text), low=text.lower(), identical=True)


def normalise(text: str) -> Normalised:
    """Normalise ``text`` for matching; see the module docstring for what changes."""
    if text.isascii() and not _ASCII_CONTROL.search(text):
        return unchanged(text)
    if not _ASCII_CONTROL.search(text):
        # Usual case for non-ASCII text ("£", "é", "ü"): every character maps to exactly one, so
        # offsets do not move and a few replacements do the work of the loop below. (With a
        # non-ASCII text ``str.translate`` looks every character up in its table; ``str.replace``
        # per distinct character is far faster, and the same unless one replacement is itself
        # replaced, when ``str.translate`` is used.)
        changes = {ch: _map_char(ch) for ch in set(_NON_ASCII.findall(text))}
        changes = {ch: new for ch, new in changes.items() if new != ch}
        if not changes:
            return Normalised(text, len(text), low=text.lower(), identical=True)
        if all(len(new) == 1 for new in changes.values()):
            if changes.keys().isdisjoint(changes.values()):
                translated = text
                for ch, new in changes.items():
                    translated = translated.replace(ch, new)
            else:
                translated = text.translate({ord(ch): new for ch, new in changes.items()})
            return Normalised(translated, len(text), low=translated.lower())
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, ch in enumerate(text):
        if ch.isascii() and (ch >= " " or ch in "\t\n\r"):
            out.append(ch)
            starts.append(index)
            ends.append(index + 1)
            continue
        replacement = _map_char(ch)
        if not replacement:
            # Dropped characters widen the previous character's span, so a highlighted keycap
            # digit or a number with zero-width joiners covers the whole thing the reader sees.
            if ends:
                ends[-1] = index + 1
            continue
        for part in replacement:
            out.append(part)
            starts.append(index)
            ends.append(index + 1)
    normalised = "".join(out)
    return Normalised(normalised, len(text), tuple(starts), tuple(ends), normalised.lower())


def clear_caches() -> None:
    """Forget the character mappings computed."""
    _map_char.cache_clear()
