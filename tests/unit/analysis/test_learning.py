"""Pure pieces of the learning loop: the Wilson interval, the signals' tally, the backtest's
comparison, and the weights' checks a proposal goes through."""

from __future__ import annotations

import json

import pytest

from sidedeal.analysis.backtest import BacktestReport, compare
from sidedeal.analysis.config import DEFAULT_FILE, parse_weights
from sidedeal.analysis.scoring import Factor, combine, rank_key
from sidedeal.analysis.value import estimate
from sidedeal.casework.signals import tally, wilson

SEED = DEFAULT_FILE.read_text(encoding="utf-8")


def test_wilson_interval_is_honest_about_small_counts() -> None:
    assert wilson(0, 0) is None
    low, high = wilson(3, 3) or (0, 0)
    assert high == 1.0 and 0.40 < low < 0.45  # 3 of 3 is not certainty
    low, high = wilson(50, 100) or (0, 0)
    assert low == pytest.approx(0.4038, abs=1e-4) and high == pytest.approx(0.5962, abs=1e-4)
    low, high = wilson(0, 10) or (1, 1)
    assert low == 0.0 and 0.25 < high < 0.35


def factors(*signals: str) -> str:
    return json.dumps([{"signal": s, "weight": 0.5} for s in signals])


def test_tally_counts_a_flag_once_per_factor_and_leaves_unsure_out_of_precision() -> None:
    rows = [
        {
            "status": "confirmed",
            "factors": factors("a", "b", "b"),
            "version": "v1",
            "to_decision_s": 3600,
        },
        {
            "status": "dismissed",
            "factors": factors("b", "a"),
            "version": "v1",
            "to_decision_s": 7200,
        },
        {"status": "unsure", "factors": factors("a"), "version": "v1", "to_decision_s": 60},
        {"status": "open", "factors": factors("a"), "version": "v2", "to_decision_s": None},
    ]
    out = {(r.weights_version, r.signal): r for r in tally(rows)}
    a, b = out[("v1", "a")], out[("v1", "b")]
    assert (a.flags, a.top, a.decided, a.confirmed, a.dismissed, a.unsure) == (3, 2, 3, 1, 1, 1)
    assert a.precision == 0.5 and a.median_hours_to_decision == 1.0
    assert (b.flags, b.top, b.confirmed, b.dismissed) == (2, 1, 1, 1)
    assert out[("v2", "a")].decided == 0 and out[("v2", "a")].precision is None
    assert tally(rows)[0].weights_version == "v2"  # newest version first


def test_compare_counts_raised_cleared_and_decided_flags() -> None:
    before = {"p1": ("pair", 0.9), "p2": ("pair", 0.6), "s1": ("seller", 0.7)}
    after = {"p1": ("pair", 0.9), "p3": ("pair", 0.8), "s1": ("seller", 0.5)}
    decided = {"p2": "confirmed", "p3": "dismissed", "p1": "confirmed"}
    report = BacktestReport()
    compare(report, before, after, decided, {})
    assert report.raised == {"pair": 1, "total": 1}
    assert report.cleared == {"pair": 1, "total": 1}
    assert report.unchanged == {"pair": 1, "seller": 1, "total": 2}
    assert report.decided["confirmed_lost"] == ["p2"]
    assert report.decided["dismissed_still_raised"] == ["p3"]
    assert (
        report.decided["active"]["precision"] == 1.0 and report.decided["active"]["recall"] == 1.0
    )
    assert report.decided["candidate"]["precision"] == 0.5
    assert report.decided["candidate"]["recall"] == 0.5
    assert report.top_overlap == 1  # s1 (p1, p2, p3 are decided)


def test_a_cue_weight_above_one_is_refused() -> None:
    """A proposal with a cue weight of 5 used to be stored and silently capped at 1 by the
    noisy-OR: the weights' check must name it."""
    with pytest.raises(ValueError, match="fee_avoidance"):
        parse_weights(SEED.replace("fee_avoidance = 0.5", "fee_avoidance = 5"))
    parse_weights(SEED)


def test_rank_keeps_ordering_flags_whose_scores_all_read_one() -> None:
    strong = [Factor(f"s{i}", 0.99, "strong") for i in range(4)]
    two, four = combine(strong[:2]), combine(strong)
    assert f"{two.value:.2f}" == f"{four.value:.2f}" == "1.00"  # as the queue shows them
    assert rank_key(four) > rank_key(two) > 0
    assert rank_key(combine([Factor("x", 1.0, "certain")])) < 14  # capped, not infinite


def test_value_estimate_prefers_listings_then_orders() -> None:
    assert estimate([(100.0, "EUR"), (50.0, "EUR")], [(999.0, "EUR")]) == (150.0, "EUR", "listings")
    assert estimate([], [(100.0, "GBP"), (300.0, "GBP")]) == (200.0, "GBP", "orders")
    assert estimate([], []) == (0.0, None, "none")
    # No conversion between currencies: the larger share is kept, and says so.
    assert estimate([(100.0, "EUR"), (500.0, "GBP")], []) == (500.0, "GBP", "listings (mixed)")
