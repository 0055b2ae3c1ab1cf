"""Tokens for phone detection: digit runs, number words and look-alike letters.

A phone number in a message is a run of digit-bearing tokens joined by separators a reader skips
(spaces, dots, dashes, brackets) or by filler words ("dash", "then"). Tokenising first, instead of
one large regular expression, lets digits, spelled-out words and glued forms ("2one2") mix freely
inside one number.

Only tokens that can belong to a number are produced; any other word between two of them shows in
the text between them, which is what ends a run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from sidedeal.scanner.canon import read_edited, read_word
from sidedeal.scanner.view import View
from sidedeal.scanner.words import GLUE_HEADS, NUMBER_WORDS, split_glued, wordset

# O/o/I/l inside a digit run are zeros and ones ("O79l1"): only there, never in ordinary words.
_LOOKALIKE = re.compile(r"[0-9OolI]*[0-9][0-9OolI]*")
_LOOK_TABLE = str.maketrans("OolIi", "00111")
# Words made only of capital O, I and lower-case l (and "o" once a capital O is among them).
_LOOK_LETTERS = re.compile(r"[Il]|[OIl][OolI]+|[OolI]+[OIl]")
# Letters glued to a long digit run ("call09050000327", "Help08714742804", "09066649731from"): the
# digits are a number typed without a space, as in SMS; short runs ("18k", "T123456") are not.
_GLUED_DIGITS = re.compile(r"([^\W\d_]*)([0-9]{7,})([^\W\d_]{0,4})")
_GLUE_PREFIXES = wordset(
    "call tel ph phone mob mobile help txt text ring on now claim dial free fone landline"
)

NUM = "num"  # digits
LOOK = "look"  # digits with look-alike letters, or a lone "I"/"l" between digits
WORD = "word"  # a number word (see words.NUMBER_WORDS); ``cls`` says which kind


@dataclass(slots=True)
class Token:
    """One token of the normalised text: ``text`` is digits for NUM/LOOK, the lower-case word for
    WORD; ``start``/``end`` are offsets into the normalised text."""

    kind: str
    text: str
    start: int
    end: int
    cls: str = ""
    val: int = 0
    # A number word read through one edit ("sevn"): part of a number only between digits.
    edited: bool = False


_ALNUM = re.compile(r"[^\W_]+")
# For ASCII text, what ``tokenise`` looks at, found without visiting every word: alnum tokens
# with a digit (from their first digit; the search skips to digits), and tokens of only o/l/i
# (look-alike letters; the lookbehind follows the first letter so the search skips to those).
_FROM_DIGIT = re.compile(r"[0-9][a-z0-9]*+")
_OLI = re.compile(r"[oli](?<![a-z0-9][oli])[oli]*+(?![a-z0-9])")
_ALNUM_ASCII = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
# Each number word as a whole alnum token of lower-case ASCII text; the lookbehind follows the
# word, so the search skips to its first letter. (456 small patterns, about 30 ms at import.)
_WHOLE_WORD = {
    word: re.compile(rf"{re.escape(word)}(?<![a-z0-9]{re.escape(word)})(?![a-z0-9])")
    for word in NUMBER_WORDS
}


def tokenise(text: str, low: str | None = None, view: View | None = None) -> list[Token]:
    """The tokens of the normalised ``text`` that can be part of a phone number, in order.

    ``low`` is ``text.lower()`` (same offsets) when the caller has it: words are looked up in
    lower case, and the original case is read only where it matters (look-alike letters).
    ``view`` (see ``view``) lets text whose words are ASCII take a faster path to the same
    tokens, which visits only the words that give one (``tests/unit/scanner`` compares them).
    """
    if low is None:
        low = text.lower()
    if view is not None and not view.glued and view.plain is not None:
        # Non-ASCII characters of ``plain`` are "?": they only separated words anyway.
        plain = view.plain
        plain_low = low if plain is text else plain.lower()
        return _tokenise_ascii(plain, plain_low, view.words, bool(view.looks), view.fuzzy)
    return _tokenise_all(text, low)


def _tokenise_ascii(
    text: str, low: str, words: set[str], looks: bool, fuzzy: frozenset[str] = frozenset()
) -> list[Token]:
    """``_tokenise_all`` for ASCII text with no glued number words (``looks``: it has a word of
    only o, l and i; ``fuzzy``: its words that read as number words, see ``view``)."""
    tokens: list[Token] = []
    for match in _FROM_DIGIT.finditer(low):
        start, end = match.span()
        if start and low[start - 1] in _ALNUM_ASCII:  # letters before the digits: "tel07911"
            while start and low[start - 1] in _ALNUM_ASCII:
                start -= 1
            tokens += _mixed(text[start:end], start, end)
            continue
        word = match.group()
        if word.isdigit():
            tokens.append(Token(NUM, word, start, end))
        else:
            tokens += _mixed(text[start:end], start, end)
    for word in NUMBER_WORDS.keys() & words:
        cls, val = NUMBER_WORDS[word]
        for match in _WHOLE_WORD[word].finditer(low):
            tokens.append(Token(WORD, word, match.start(), match.end(), cls, val))
    for word in fuzzy:
        for match in _whole(word).finditer(low):
            token = _word_token(word, match.start(), match.end())
            if token is not None:
                tokens.append(token)
    if looks:
        for match in _OLI.finditer(low):
            word = match.group()
            start, end = match.span()
            if word not in NUMBER_WORDS and _LOOK_LETTERS.fullmatch(text, start, end):
                tokens.append(Token(LOOK, word.translate(_LOOK_TABLE), start, end, "letters"))
    if len(tokens) > 1:
        tokens.sort(key=_start)
    return tokens


def _start(token: Token) -> int:
    return token.start


def _tokenise_all(text: str, low: str) -> list[Token]:
    """The tokens, visiting every alnum word of ``low``."""
    tokens: list[Token] = []
    append = tokens.append
    words = NUMBER_WORDS
    for match in _ALNUM.finditer(low):
        word = match.group()
        if word.isdigit():
            if word.isascii():
                append(Token(NUM, word, match.start(), match.end()))
        elif word.isalpha():
            info = words.get(word)
            if info is not None:
                append(Token(WORD, word, match.start(), match.end(), info[0], info[1]))
            elif (read := _word_token(word, match.start(), match.end())) is not None:
                append(read)
            elif not word.strip("oli") and _LOOK_LETTERS.fullmatch(
                text, match.start(), match.end()
            ):
                # "I", "l", "OlO": only look-alike letters; digits only between other digits
                # (a run never starts or ends with one, see phones._anchors).
                digits = word.translate(_LOOK_TABLE)
                append(Token(LOOK, digits, match.start(), match.end(), "letters"))
            elif len(word) >= 9 and word[:3] in GLUE_HEADS:
                pieces = split_glued(word)
                if pieces is not None and len(pieces) >= 3:
                    tokens.extend(_pieces(word, match.start(), pieces))
        else:
            tokens.extend(_mixed(text[match.start() : match.end()], match.start(), match.end()))
    return tokens


def _mixed(raw: str, start: int, end: int) -> list[Token]:
    """Tokens for a run of letters and digits together (none for "18k", "120cm", "4th")."""
    low = raw.lower()
    if _LOOKALIKE.fullmatch(raw):
        return [Token(LOOK, raw.translate(_LOOK_TABLE), start, end)]
    read = read_word(low)
    if read is not None:  # "zer0", "0ne": a number word with look-alike digits in it
        return [Token(WORD, read[0], start, end, read[1], read[2])]
    pieces = split_glued(low)
    if pieces is not None:
        return _pieces(low, start, pieces)
    glued = _GLUED_DIGITS.fullmatch(low)
    if glued is None or (glued.group(1) and glued.group(1) not in _GLUE_PREFIXES):
        return []
    a, b = glued.span(2)
    return [Token(NUM, glued.group(2), start + a, start + b)]


def _word_token(word: str, start: int, end: int) -> Token | None:
    """The token of a letter word that reads as a number word without being one ("threee",
    "sevn"; see ``canon``), or ``None``."""
    read = read_word(word)
    if read is not None:
        return Token(WORD, read[0], start, end, read[1], read[2])
    edited = read_edited(word)
    if edited is not None:
        return Token(WORD, edited[0], start, end, edited[1], edited[2], edited=True)
    return None


@lru_cache(maxsize=1024)
def _whole(word: str) -> re.Pattern[str]:
    """``word`` as a whole alnum token of lower-case ASCII text (see ``_WHOLE_WORD``)."""
    return re.compile(rf"{re.escape(word)}(?<![a-z0-9]{re.escape(word)})(?![a-z0-9])")


def _pieces(low: str, offset: int, pieces: list[tuple[int, int]]) -> list[Token]:
    out: list[Token] = []
    for a, b in pieces:
        part = low[a:b]
        if part.isdigit():
            out.append(Token(NUM, part, offset + a, offset + b))
        else:
            cls, val = NUMBER_WORDS[part]
            out.append(Token(WORD, part, offset + a, offset + b, cls, val))
    return out
