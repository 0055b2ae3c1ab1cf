"""The pre-filter and the fast paths never change a result.

``scan`` answers most messages without running a detector (``gate``), runs only the detectors
whose necessary conditions hold, and takes faster paths for ASCII text (tokens, words, word
classes learnt once per word). Each test here compares ``scan`` with every detector run on
every text (``prefilter=False``) on texts built to reach those paths: ASCII and not, with digits,
spelled and look-alike numbers, masked emails, links, handles, payments and cues.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sidedeal.scanner import cues, emails, gate, payments, phones, scan, tokens, view
from sidedeal.scanner.engine import DEFAULT_PLATFORM_DOMAINS, _scan, clear_caches
from sidedeal.scanner.normalise import normalise
from sidedeal.scanner.words import NUMBER_WORDS
from tests.unit.scanner.test_scan_properties import FRAGMENTS

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
COUNTRIES = st.sampled_from([None, "GB", "FR", "IT", "DE", "ES", "NL", "US", "uk", ""])

# Words the gates look for, and words that only look like them.
_KEY_WORDS = sorted(
    gate._KEYS | set(NUMBER_WORDS) | emails.AT_WORDS | emails.DOT_WORDS | phones._SMS_VERBS
)
_PIECES = [
    *FRAGMENTS, " [at] ", " (at) ", " at ", " . ", "(.)", "{dot}", "<dOt>", "_at_", " @ ", "d0t",
    "entre amis", "amisx", "famil", "paypal", "f&f", "LINE", "Line", "wa:", "I", "OO", "lol",
    "oil", "0O7", "07one2three", "zerosevenninetwo", "@x", "$", "#", "£", "€", "«", "😀",
    "\u2028", "\u1680", "\u00a0", "\x7f", "\x1f", "\u19da", "\u0131", "é", "x.com", "sitex",
    "mobielnummer", "Handynummer", "insta1", "fees", "checkout", "transfer", "sort code",
]  # fmt: skip
_SEPARATORS = [" ", " ", " ", "", ", ", ". ", "-", "\n", "/", "(", ")", ": "]

word_salad = st.lists(
    st.one_of(
        st.sampled_from(_KEY_WORDS),
        st.sampled_from(_PIECES),
        st.integers(0, 10**12).map(str),
    ),
    max_size=25,
).flatmap(
    lambda parts: st.lists(
        st.sampled_from(_SEPARATORS), min_size=len(parts), max_size=len(parts)
    ).map(lambda seps: "".join(p + s for p, s in zip(parts, seps, strict=True)))
)
cased = word_salad.flatmap(lambda t: st.sampled_from([t, t.upper(), t.title(), t.lower()]))
ascii_text = st.text(st.characters(max_codepoint=127), max_size=200)
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=200)
emailish = st.tuples(
    st.sampled_from(["j.smith", "me", "jane_doe", "a b c", "x"]),
    st.sampled_from(["@", " @ ", " at ", "[at]", "(at)", "_at_", " arobase ", " AT ", "{at}"]),
    st.sampled_from(["gmail", "yahoo", "example", "mail.example"]),
    st.sampled_from([".", " . ", " dot ", "(dot)", "[.]", "(.)", " punto ", " d0t "]),
    st.sampled_from(["com", "co.uk", "fr", "it", "zz", "c"]),
).map("".join)


def _same(text: str, country: str | None) -> None:
    domains = DEFAULT_PLATFORM_DOMAINS
    assert scan(text, country) == _scan(text, country, domains, prefilter=False), text


@SETTINGS
@given(text=cased, country=COUNTRIES)
def test_word_salad(text: str, country: str | None) -> None:
    _same(text, country)


@SETTINGS
@given(text=ascii_text, country=COUNTRIES)
def test_random_ascii(text: str, country: str | None) -> None:
    _same(text, country)


@SETTINGS
@given(text=any_text, country=COUNTRIES)
def test_random_unicode(text: str, country: str | None) -> None:
    _same(text, country)


@SETTINGS
@given(before=cased, email=emailish, after=cased)
def test_masked_emails_in_text(before: str, email: str, after: str) -> None:
    _same(f"{before} {email} {after}", None)


@pytest.fixture
def no_word_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Word classes computed for every message, never kept."""
    clear_caches()
    monkeypatch.setattr(gate, "_CACHE_WORDS", 0)
    monkeypatch.setattr(view, "_CACHE_WORDS", 0)
    yield
    clear_caches()


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=cased, country=COUNTRIES)
def test_without_the_word_cache(no_word_cache: None, text: str, country: str | None) -> None:
    _same(text, country)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(texts=st.lists(cased, min_size=2, max_size=6), country=COUNTRIES)
def test_caches_cold_or_warm_give_the_same(texts: list[str], country: str | None) -> None:
    clear_caches()
    cold = [scan(text, country) for text in texts]
    assert [scan(text, country) for text in reversed(texts)] == cold[::-1]


@SETTINGS
@given(text=st.one_of(cased, ascii_text, any_text))
def test_fast_tokens_are_the_full_tokens(text: str) -> None:
    norm = normalise(text)
    words = view.view_of(norm)
    assert tokens.tokenise(norm.text, norm.low, words) == tokens.tokenise(norm.text, norm.low)


@SETTINGS
@given(text=st.one_of(cased, ascii_text, any_text))
def test_quick_view_is_the_full_view(text: str) -> None:
    """The words, digits and classes the gate builds from the raw text are those of the
    normalised text."""
    screened = gate.screen(text)
    if screened is not None:
        norm, quick, _ = screened
        assert quick == view.view_of(norm)


@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        # Masked emails whose dot is spaced or bracketed, which an earlier pre-filter skipped.
        ("write to jsmith at gmail . com", None, ("email", "jsmith@gmail.com")),
        ("jsmith [at] gmail (.) com", None, ("email", "jsmith@gmail.com")),
        # Cues whose last word runs on, or with two spaces before "@".
        ("sans passer par le siteweb, on peut s'arranger", "FR", ("cue", "circumvention")),
        ("geef je mobielnummer", "NL", ("cue", "solicitation")),
        ("send meyour number", None, ("cue", "solicitation")),
    ],
)
def test_findings_an_earlier_prefilter_lost(
    text: str, country: str | None, expected: tuple[str, str]
) -> None:
    assert expected in {(f.kind, f.value) for f in scan(text, country)}


def test_quiet_messages_are_answered_by_the_gate() -> None:
    for text in ("Is the strap original?", "Ok lar... Joking wif u oni...", "Ha. Thanks, see you!"):
        assert gate.screen(text) is None
    for text in ("call 07911 123456", "mail me at a@b.co", "deal outside the platform"):
        assert gate.screen(text) is not None


def test_anchor_tables_cover_every_pattern() -> None:
    assert len(cues.PATTERN_ANCHORS) == len(cues.PATTERNS)
    assert len(payments.METHOD_ANCHORS) == len(payments._METHODS)
