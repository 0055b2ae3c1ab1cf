"""Scanning time grows linearly with the text, whatever it holds.

A 640k-character body of repeated phone numbers once took 13 s (every contact finding was
compared with every kept one) and a 10 MB one stalled ingest. These tests time whole scans of
about 1 MB in this process's CPU time; the bounds are ratios between two scans timed here, so a
slow machine slows both alike and a busy one does not count. A quadratic step costs 10-100x at this size, far beyond the bounds.
"""

from __future__ import annotations

import gc
import time

from sidedeal.scanner import DEFAULT_MAX_FINDINGS, scan, scan_result
from sidedeal.settings import Settings

MB = 1_000_000

# Marketplace prose that reaches the detectors (prices, dimensions, years, a courier's name, an
# app named): not the text the pre-filter answers at once, which would make any bound meaningless.
PROSE = (
    "The walnut bureau (circa 1880, 112 x 54 x 98 cm) keeps its original brass handles; the "
    "price is 2,450 GBP and we ship with DHL in 3 to 5 days. I saw a similar one on Instagram "
    "last year. Lot 245 at the 2019 sale fetched 3,100. "
)
STUFFED = (
    "call 07911 123456 or +44 20 7946 0321, mail jane.doe@example.com or j.smith at gmail dot "
    "com; whatsapp me on 07700 900123. "
)
# Every kind of finding, with cues and handles around them.
MIXED = (
    "what's your number? text me 07911 123456, telegram @vintage_watches, IBAN GB82 WEST 1234 "
    "5698 7654 32, paypal friends and family, see https://shop.example.co.uk/x outside the "
    "platform. "
)


def _body(unit: str, size: int = MB) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _seconds(text: str) -> float:
    """The best of three scans, in this process's CPU time, with the garbage collector paused.

    Other processes on a busy machine (a shared CI runner, parallel test suites) do not count in
    CPU time. The collector would: in a long test session its passes walk every object the
    session holds, and a scan that allocates many findings triggers more of them, so the ratio
    would measure the session's heap rather than the scanner.
    """
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            started = time.process_time()
            scan(text, "GB")
            best = min(best, time.process_time() - started)
    finally:
        gc.enable()
    return best


def test_a_megabyte_of_phones_and_emails_costs_a_few_times_a_megabyte_of_prose() -> None:
    """Issue 11 asked for 5x. Measured: 4.5-5.0x (a phone costs ~35 us to find, validate against
    its numbering plan and weigh by context; a megabyte of contacts holds 40,000 of them), so a
    bound of 5 would fail on noise, not on a defect. The bound is there to catch a quadratic
    step, which costs 10-100x at this size: 8x catches it with room for noise."""
    scan(STUFFED + PROSE, "GB")  # load phone metadata and the suffix list outside the clock
    prose = _seconds(_body(PROSE))
    stuffed = _seconds(_body(STUFFED))
    assert stuffed <= 8 * prose, f"1 MB of contacts {stuffed:.2f} s, of prose {prose:.2f} s"


def test_time_grows_linearly_with_the_number_of_findings() -> None:
    for unit in (STUFFED, MIXED):
        scan(unit, "GB")
        small = _seconds(_body(unit, MB // 4))
        large = _seconds(_body(unit, MB))
        # Linear: 4x; quadratic: 16x. 8x leaves room for noise and cache effects.
        assert large <= 8 * small, f"{unit[:20]!r}: 250 kB {small:.2f} s, 1 MB {large:.2f} s"


def test_the_cap_keeps_accounts_first_and_says_how_many_there_were() -> None:
    text = "avoid the fees! " * 5 + "call 07911 123456 " + "avoid the fees! " * 5
    result = scan_result(text, "GB", max_findings=3)
    assert result.capped and result.total == 11
    assert [f.kind for f in result.findings] == ["cue", "cue", "phone"]
    assert result.findings == sorted(result.findings, key=lambda f: f.start)
    assert scan(text, "GB", max_findings=3) == result.findings
    assert scan(text, "GB") == scan_result(text, "GB").findings  # 11 is under the default cap


def test_a_wall_of_numbers_is_capped_at_the_default() -> None:
    result = scan_result(_body(STUFFED, 20_000), "GB")
    assert result.capped and len(result.findings) == DEFAULT_MAX_FINDINGS < result.total
    assert len(scan(_body(STUFFED, 20_000), "GB")) == result.total  # scan() caps only if asked


def test_the_default_cap_is_the_setting_default() -> None:
    assert Settings.model_fields["scan_max_findings"].default == DEFAULT_MAX_FINDINGS
