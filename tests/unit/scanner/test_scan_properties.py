"""Properties that hold for any input: spans slice the original text, nothing raises, the same
input gives the same output, and the pre-filter never changes a result."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sidedeal.scanner import scan
from sidedeal.scanner.engine import DEFAULT_PLATFORM_DOMAINS, _scan
from tests.unit.scanner.corpora import corpus, sms

# Pieces that reach deep into the detectors, so random combinations exercise more than the
# pre-filter's early exit.
FRAGMENTS = [
    "07911", " ", "123456", "-", ".", "+44", "(0)", "oh", "seven", "double", "nine", "zéro",
    "soixante", "dix", "huit", "drei", "und", "zwanzig", "0️⃣", "\uff17", "\u0665", "\u200b", "\u00ad", "O",
    "l", "I", "@", " at ", " dot ", "[at]", "(dot)", "gmail", "com", "co.uk", "www.", "https://",
    "wa.me/", "t.me/", "whatsapp", "WeChat", "insta", "Telegram:", "@handle_1", "IBAN",
    "GB82 WEST 1234 5698 7654 32", "sort code 20-00-00 account 12345678", "PayPal", "F&F",
    "outside the platform", "avoid the fees", "what's your number", "invoice you directly",
    "cm", "x", "£", "€", "order", "lot", "1780-1800", "12/03/2024", "\n", "\x00", "\ud800",
    "\uff21", "\u0430", "\u03bf", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "text WIN to 87121",
]  # fmt: skip
fragment_text = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)
any_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=300)
countries = st.sampled_from([None, "GB", "FR", "IT", "DE", "ES", "NL", "US", "gb", "XX", ""])


def _check_spans(text: str, country: str | None) -> None:
    for finding in scan(text, country):
        assert 0 <= finding.start < finding.end <= len(text), finding
        assert 0.0 <= finding.confidence <= 1.0
        assert finding.kind in ("phone", "email", "url", "handle", "payment", "cue")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(text=any_text, country=countries)
def test_random_unicode_never_raises_and_spans_slice(text: str, country: str | None) -> None:
    _check_spans(text, country)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(text=fragment_text, country=countries)
def test_fragments_never_raise_and_spans_slice(text: str, country: str | None) -> None:
    _check_spans(text, country)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(text=fragment_text, country=countries)
def test_same_input_same_output(text: str, country: str | None) -> None:
    assert scan(text, country) == scan(text, country)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(text=fragment_text, country=countries)
def test_prefilter_never_changes_a_result(text: str, country: str | None) -> None:
    domains = DEFAULT_PLATFORM_DOMAINS
    assert _scan(text, country, domains, prefilter=True) == _scan(
        text, country, domains, prefilter=False
    )


def test_prefilter_never_changes_a_result_on_the_corpora() -> None:
    domains = DEFAULT_PLATFORM_DOMAINS
    texts = [(row["text"], row["country"]) for row in corpus()]
    texts += [(text, "GB") for _, text in sms()]
    differ = [
        text
        for text, country in texts
        if _scan(text, country, domains, prefilter=True)
        != _scan(text, country, domains, prefilter=False)
    ]
    assert differ == []


@settings(max_examples=5, deadline=None)
@given(text=fragment_text)
def test_very_long_text(text: str) -> None:
    long_text = (text + " Lot 245, 120 x 45 cm. ") * 2000 + "call 07911 123456"
    found = scan(long_text, "GB")
    assert ("phone", "+447911123456") in {(f.kind, f.value) for f in found}
    assert all(0 <= f.start < f.end <= len(long_text) for f in found)


def test_nul_and_lone_surrogates() -> None:
    text = "ring\x00 07911\x00123456 \ud800 or \udfff email a@b.com"
    found = scan(text, "GB")
    assert {(f.kind, f.value) for f in found} >= {("phone", "+447911123456"), ("email", "a@b.com")}
    assert scan("\x00" * 1000) == []
    assert scan("") == []
