"""The scanner's entry point: normalise once, let the pre-filter answer quiet messages, run the
detectors whose necessary conditions hold, resolve overlaps, and return findings in text order.

Most marketplace messages contain nothing of interest ("Is the strap original?"); ``gate.screen``
answers them with a few C-speed string operations. For the others, each detector's ``possible``
(and the anchors of the cue and payment patterns) says whether it can find anything, so only
those run; ``tests/unit/scanner`` checks that none of this ever changes a result. ``bench/scan.py``
compares the speed with phonenumbers' own matcher on one core (see bench/RESULTS.md).

Where two contact findings overlap, the more specific one wins: an account read from a link or a
payout account > an email > a URL > a handle > a phone. So the digits of an IBAN are not also a
phone, the domain of an email is not also a URL, and ``wa.me/447...`` is one phone, not a phone
and a URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sidedeal.scanner import (
    canon,
    channels,
    cues,
    emails,
    gate,
    handles,
    links,
    payments,
    phones,
    view,
)
from sidedeal.scanner import normalise as normalise_module
from sidedeal.scanner.gate import Plan, screen
from sidedeal.scanner.model import Finding
from sidedeal.scanner.normalise import normalise
from sidedeal.scanner.view import View

# Match the defaults of ``Settings.platform_domains`` and ``Settings.scan_max_findings``;
# callers with settings pass theirs.
DEFAULT_PLATFORM_DOMAINS: tuple[str, ...] = ("sidedeal-market.com", "sidedeal.example")
DEFAULT_MAX_FINDINGS = 200

# Without the pre-filter every detector runs (``methods``/``cues`` unused then: all patterns).
_EVERYTHING = Plan(True, True, True, True, (True, True, True), frozenset(), frozenset())
_CONTACT_ORDER = {"payment": 0, "email": 1, "url": 2, "handle": 3, "phone": 4}
_LINK_RULES = frozenset({"phone.wa_link", "handle.link", "payment.paypal_me"})


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What ``scan_result`` returns: the findings kept, in text order; ``capped`` when the
    message had more than the cap; ``total`` how many it had in all (``len(findings)`` when not
    capped)."""

    findings: list[Finding]
    capped: bool
    total: int


def scan(
    text: str,
    country: str | None = None,
    *,
    platform_domains: Sequence[str] = DEFAULT_PLATFORM_DOMAINS,
    max_findings: int | None = None,
) -> list[Finding]:
    """Contact details, payment details and off-platform cues in ``text``.

    ``country`` is the sender's country (ISO alpha-2): the default region for phone numbers; a
    national-format number is only found when it is given. ``platform_domains`` are the
    marketplace's own domains, which are never findings. ``max_findings`` caps the findings
    returned (see ``scan_result``, which also says whether the cap was hit); ``None``, the
    default, returns them all. Never raises on any string.
    """
    found = _scan(text, country, tuple(platform_domains), prefilter=True)
    if max_findings is None or len(found) <= max_findings:
        return found
    return _cap(found, max_findings)


def scan_result(
    text: str,
    country: str | None = None,
    *,
    platform_domains: Sequence[str] = DEFAULT_PLATFORM_DOMAINS,
    max_findings: int = DEFAULT_MAX_FINDINGS,
) -> ScanResult:
    """``scan`` with a cap on the findings kept (``Settings.scan_max_findings``, 200 by
    default), saying whether it was hit and how many findings there were in all.

    A message of thousands of numbers is spam or an attack, not thousands of pieces of evidence:
    a bounded list keeps storage and the investigator's screen usable while ``total`` keeps the
    fact. When capped, findings that name an account (phone, email, url, handle, payout account)
    are kept before payment methods and cues, each in text order, so a wall of cue phrases
    cannot push the one phone number out.
    """
    if max_findings < 0:
        raise ValueError(f"max_findings must be 0 or more, not {max_findings}")
    found = _scan(text, country, tuple(platform_domains), prefilter=True)
    if len(found) <= max_findings:
        return ScanResult(found, False, len(found))
    return ScanResult(_cap(found, max_findings), True, len(found))


def cap_findings(found: list[Finding], max_findings: int) -> ScanResult:
    """Apply ``scan_result``'s cap to findings already made (by ``scan`` or another scanner)."""
    if len(found) <= max_findings:
        return ScanResult(found, False, len(found))
    return ScanResult(_cap(found, max_findings), True, len(found))


def _cap(found: list[Finding], limit: int) -> list[Finding]:
    """The first ``limit`` findings by (names an account, position), back in text order."""

    def names_account(f: Finding) -> bool:
        return f.kind != "cue" and (f.kind != "payment" or ":" in f.value)

    chosen = sorted(range(len(found)), key=lambda i: (not names_account(found[i]), i))[:limit]
    return [found[i] for i in sorted(chosen)]


def _scan(
    text: str, country: str | None, platform_domains: tuple[str, ...], *, prefilter: bool
) -> list[Finding]:
    """``scan``; with ``prefilter=False`` every detector runs on every text (the reference the
    pre-filter is tested against)."""
    if not text:
        return []
    view: View | None = None
    plan = _EVERYTHING
    if prefilter:
        screened = screen(text)
        if screened is None:
            return []
        norm, view, plan = screened
    else:
        norm = normalise(text)
    region = country.strip().upper() if country and country.strip() else None
    if region == "UK":
        region = "GB"

    contacts: list[Finding] = []
    mentions: list[tuple[str, int, int]] = []
    extra_cues: list[Finding] = []
    if plan.phones:
        contacts += phones.find_phones(norm, text, region, view)
    if plan.emails:
        contacts += emails.find_emails(norm, text)
    if plan.links:
        for finding in links.find_links(norm, platform_domains):
            (extra_cues if finding.kind == "cue" else contacts).append(finding)
    if plan.handles:
        found, mentions = handles.find_handles(norm)
        contacts += found
    methods: list[Finding] = []
    if view is None or plan.methods or any(plan.accounts):
        methods_active = None if view is None else plan.methods
        for finding in payments.find_payments(norm, plan.accounts, methods_active):
            # Accounts ("iban:...") take part in overlap resolution; methods are phrases.
            (contacts if ":" in finding.value else methods).append(finding)
    kept = _resolve(contacts, len(text)) if len(contacts) > 1 else contacts
    phrase_cues: list[Finding] = []
    if view is None or plan.cues:
        phrase_cues = cues.find_cues(norm, None if view is None else plan.cues)
    if mentions:
        spans = [(f.start, f.end) for f in kept if f.kind in ("phone", "handle")]
        asked = [(f.start, f.end) for f in phrase_cues if f.value == "solicitation"]
        extra_cues += channels.channel_cues(norm, mentions, spans, asked)
    result = kept + methods + phrase_cues + extra_cues
    if len(result) < 2:
        return result
    return sorted(set(result), key=lambda f: (f.start, f.end, f.kind, f.value))


def clear_caches() -> None:
    """Empty every cache the scanner keeps (word classes, short codes, character maps), for
    benchmarks whose passes must not start with the previous pass's work done. Phone parses are
    cached by ``identifiers``, which has its own."""
    gate.clear_caches()
    canon.clear_caches()
    view.clear_caches()
    phones.clear_caches()
    normalise_module.clear_caches()


def _resolve(findings: list[Finding], length: int) -> list[Finding]:
    """Drop contact findings that overlap a more specific one (see the module docstring).

    Kept spans are marked in a byte per character of the text (``length``), so each finding
    is checked against all kept ones in the time of its own span: linear in the text, where
    comparing every finding with every kept one was quadratic in their number."""

    def rank(f: Finding) -> tuple[int, int]:
        return (0 if f.rule in _LINK_RULES else 1 + _CONTACT_ORDER[f.kind], f.start)

    taken = bytearray(length)
    kept: list[Finding] = []
    for finding in sorted(findings, key=rank):
        start, end = finding.start, finding.end
        if taken.find(1, start, end) >= 0:
            continue
        taken[start:end] = b"\x01" * (end - start)
        kept.append(finding)
    return kept


__all__ = [
    "DEFAULT_MAX_FINDINGS",
    "DEFAULT_PLATFORM_DOMAINS",
    "ScanResult",
    "clear_caches",
    "scan",
    "scan_result",
]
