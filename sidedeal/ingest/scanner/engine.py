"""The scanner's entry point: normalise once, run the detectors a cheap pre-filter lets through,
resolve overlaps, and return findings in text order.

Most marketplace messages contain nothing of interest ("Is the strap original?"). The pre-filter
looks at the digit count, ``@``/``$``, dots between letters and the message's set of words
(checked against each detector's anchors, see ``anchors``), and skips every detector that cannot
match; ``tests/unit/scanner`` checks that it never changes a result. ``bench/scan.py`` compares
the speed with phonenumbers' own matcher: within a factor of about 1.3 to 3 of it, on one core,
while it looks for far more (see bench/RESULTS.md).

Where two contact findings overlap, the more specific one wins: an account read from a link or a
payout account > an email > a URL > a handle > a phone. So the digits of an IBAN are not also a
phone, the domain of an email is not also a URL, and ``wa.me/447...`` is one phone, not a phone
and a URL.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sidedeal.ingest.scanner import cues, emails, handles, links, payments, phones
from sidedeal.ingest.scanner.anchors import Anchors
from sidedeal.ingest.scanner.model import Finding
from sidedeal.ingest.scanner.normalise import normalise
from sidedeal.ingest.scanner.words import GLUE_HEADS, NUMBER_WORDS, split_glued, wordset

# Matches the default of ``Settings.platform_domains``; callers with settings pass theirs.
DEFAULT_PLATFORM_DOMAINS: tuple[str, ...] = ("sidedeal-market.com", "sidedeal.example")

# Words and digit runs apart ("number07911" is "number" and "07911"), so a pattern that finds a
# word glued to digits finds its anchor too.
_WORD = re.compile(r"[^\W\d_]+|[0-9]+")
_DIGIT = re.compile(r"[0-9]")
_DOMAINISH = re.compile(r"[a-z0-9]\.[a-z]{2}")  # run on the lower-case text
_DIGIT_WORDS = frozenset(w for w, (cls, _) in NUMBER_WORDS.items() if cls not in ("join", "fill"))
_AT_WORDS = wordset("at arobase arrobe arroba chiocciola klammeraffe apenstaartje aapje")
_DOT_WORDS = wordset("dot d0t point punto punkt punt")
# A message that satisfies none of these anchors, has fewer than five digits, no "@", "$" or
# dotted name cannot produce a finding: it is answered without running any detector.
_TRIGGERS = Anchors.union([cues.ANCHORS, payments.ANCHORS, handles.ANCHORS])
_CONTACT_ORDER = {"payment": 0, "email": 1, "url": 2, "handle": 3, "phone": 4}
_LINK_RULES = frozenset({"phone.wa_link", "handle.link", "payment.paypal_me"})


def scan(
    text: str,
    country: str | None = None,
    *,
    platform_domains: Sequence[str] = DEFAULT_PLATFORM_DOMAINS,
) -> list[Finding]:
    """Contact details, payment details and off-platform cues in ``text``.

    ``country`` is the sender's country (ISO alpha-2): the default region for phone numbers; a
    national-format number is only found when it is given. ``platform_domains`` are the
    marketplace's own domains, which are never findings. Never raises on any string.
    """
    return _scan(text, country, tuple(platform_domains), prefilter=True)


def _scan(
    text: str, country: str | None, platform_domains: tuple[str, ...], *, prefilter: bool
) -> list[Finding]:
    if not text:
        return []
    norm = normalise(text)
    t = norm.text
    low = norm.low
    region = country.strip().upper() if country and country.strip() else None
    if region == "UK":
        region = "GB"
    words: set[str] | None = None
    digits = 99
    if prefilter:
        words = set(_WORD.findall(low))
        digits = len(_DIGIT.findall(t))
        if (
            digits < 5
            and "@" not in t
            and "$" not in t
            and "LINE" not in t
            and (words.isdisjoint(_AT_WORDS) or (words.isdisjoint(_DOT_WORDS) and "d0t" not in low))
            and not _spelled_digits(words)
            and _DOMAINISH.search(low) is None
            and not _TRIGGERS.hit(words, low)
        ):
            return []

    def wanted(needed: bool) -> bool:
        return needed or words is None

    contacts: list[Finding] = []
    mentions: list[tuple[str, int, int]] = []
    extra_cues: list[Finding] = []
    if wanted(digits >= 5 or (words is not None and _spelled_digits(words))):
        contacts += phones.find_phones(norm, text, region, words)
    dotted = words is None or bool(words & _DOT_WORDS) or "d0t" in low
    dotted = dotted or _DOMAINISH.search(low) is not None
    if wanted("@" in t or (dotted and bool(words and words & _AT_WORDS))):
        contacts += emails.find_emails(norm, text)
    if wanted("." in t and _DOMAINISH.search(low) is not None):
        for finding in links.find_links(norm, platform_domains):
            (extra_cues if finding.kind == "cue" else contacts).append(finding)
    platform = words is None or handles.ANCHORS.hit(words, low) or "LINE" in t
    if wanted("@" in t or "$" in t or platform):
        found, mentions = handles.find_handles(norm)
        contacts += found
    methods: list[Finding] = []
    for finding in payments.find_payments(norm, words, digits):
        # Accounts ("iban:...") take part in overlap resolution; methods are phrases, like cues.
        (contacts if ":" in finding.value else methods).append(finding)
    kept = _resolve(contacts)
    phrase_cues = cues.find_cues(norm, words)
    if mentions:
        spans = [(f.start, f.end) for f in kept if f.kind in ("phone", "handle")]
        asked = [(f.start, f.end) for f in phrase_cues if f.value == "solicitation"]
        extra_cues += cues.channel_cues(norm, mentions, spans, asked)
    result = kept + methods + phrase_cues + extra_cues
    return sorted(set(result), key=lambda f: (f.start, f.end, f.kind, f.value))


def _spelled_digits(words: set[str]) -> bool:
    """True when the message may spell a phone number out: several distinct number words, or a
    long word that could be number words glued together."""
    if len(words & _DIGIT_WORDS) >= 3:
        return True
    return any(len(w) >= 9 and w[:3] in GLUE_HEADS and split_glued(w) is not None for w in words)


def _resolve(findings: list[Finding]) -> list[Finding]:
    """Drop contact findings that overlap a more specific one (see the module docstring)."""

    def rank(f: Finding) -> tuple[int, int]:
        return (0 if f.rule in _LINK_RULES else 1 + _CONTACT_ORDER[f.kind], f.start)

    kept: list[Finding] = []
    for finding in sorted(findings, key=rank):
        if any(finding.start < k.end and k.start < finding.end for k in kept):
            continue
        kept.append(finding)
    return kept


__all__ = ["DEFAULT_PLATFORM_DOMAINS", "scan"]
