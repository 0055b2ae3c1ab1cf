"""The one-pattern path to digit runs (``phones._digit_runs``) gives the runs the tokens give.

``find_phones`` skips building tokens when every token of a text would be a plain digit run; the
runs it then reads with one regular expression must be exactly the runs of seven digits or more
that ``tokenise`` and ``_runs`` give, token for token. The texts mix digits with every separator,
letters glued to digits, number words, look-alike letters and glued number words, so both the
fast path and its refusals are exercised.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sidedeal.scanner import gate, phones
from sidedeal.scanner.tokens import WORD, Token, tokenise

SETTINGS = settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))

_PIECES = st.one_of(
    st.integers(0, 10**11).map(str),
    st.sampled_from(["0", "07", "0800", "1234567", "44", "+44", "(0)", "00"]),
    st.sampled_from(["call", "tel", "txt", "ref", "p", "am", "x", "I", "l", "O", "lol", "oil"]),
    st.sampled_from(["one", "two", "and", "dash", "then", "o", "oh", "double", "zerosevenone"]),
    st.sampled_from(["é", "£", "€", "?", "#", "'"]),
)
_GLUE = st.sampled_from(
    [
        "",
        " ",
        "  ",
        "-",
        ".",
        "/",
        "(",
        ")",
        "[",
        "]",
        "\t",
        ", ",
        ": ",
        "; ",
        " - ",
        "----",
        "-----",
        ") (",
    ]
)
# Mostly digits, separators and words that are no number word: the texts the fast path reads.
_PLAIN_PIECES = st.one_of(
    st.integers(0, 10**11).map(str),
    st.sampled_from(["0", "07", "0800", "1234567", "44", "+44", "(0)", "00", "x7", "7x"]),
    st.sampled_from(["call", "tel", "txt", "ref", "p", "am", "x", "no", "at", "é", "£", "#"]),
)
texts = st.lists(st.tuples(_PIECES, _GLUE), max_size=14).map(
    lambda parts: "".join(piece + glue for piece, glue in parts)
)
plain_texts = st.lists(st.tuples(_PLAIN_PIECES, _GLUE), max_size=14).map(
    lambda parts: "".join(piece + glue for piece, glue in parts)
)


def _long(run: list[Token]) -> bool:
    return sum(len(t.text) if t.kind != WORD else 3 for t in run) >= phones.MIN_DIGITS


@SETTINGS
@given(text=st.one_of(texts, plain_texts))
def test_digit_runs_are_the_token_runs(text: str) -> None:
    screened = gate.screen(text)
    if screened is None:
        return
    norm, view, _ = screened
    fast = phones._digit_runs(view, norm.low)
    if fast is None:
        return
    tokens = tokenise(norm.text, norm.low, view)
    runs = [tokens[a : b + 1] for a, b in phones._runs(tokens, norm.text)]
    assert fast == [run for run in runs if _long(run)], text


def test_digit_runs_refuse_what_they_cannot_read() -> None:
    for text in ("call09050000327 now", "ring one two 0800 123 456", "0O7 911 123 456"):
        screened = gate.screen(text)
        assert screened is not None
        norm, view, _ = screened
        assert phones._digit_runs(view, norm.low) is None, text


def test_digit_runs_read_plain_numbers() -> None:
    screened = gate.screen("Call 07911 123 456 or 0800-123.456 now, 150p 12")
    assert screened is not None
    norm, view, _ = screened
    runs = phones._digit_runs(view, norm.low)
    assert runs is not None
    assert [[t.text for t in run] for run in runs] == [
        ["07911", "123", "456"],
        ["0800", "123", "456"],
    ]
