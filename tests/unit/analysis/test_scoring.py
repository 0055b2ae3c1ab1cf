"""Scores are explainable: contributions add up to the score, strongest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from sidedeal.analysis.config import load_weights
from sidedeal.analysis.flags import Decision, Existing, decide
from sidedeal.analysis.links import Held, Link, identifier_weight, population, specificity
from sidedeal.analysis.pairs import Cue, Mention, PairEvidence, score_pair
from sidedeal.analysis.scoring import Factor, combine, factors_json, score_from_json

W = load_weights()
T0 = datetime(2024, 3, 1, tzinfo=UTC)


def test_noisy_or_contributions_sum_to_the_score() -> None:
    score = combine(
        [Factor("a", 0.3, "weak"), Factor("b", 0.6, "strong"), Factor("c", 0.0, "none")]
    )
    assert score.value == pytest.approx(1 - 0.7 * 0.4)
    assert [c.factor.signal for c in score.contributions] == ["b", "a"]
    assert sum(c.contribution for c in score.contributions) == pytest.approx(score.value)
    assert score.reasons()[0] == "strong: +0.60"
    assert combine([]).value == 0.0


def test_a_kept_score_is_rebuilt_exactly() -> None:
    """Incremental runs rebuild unchanged pairs' scores from their stored factors: equal, not
    close, down to the reasons and evidence."""
    score = combine(
        [
            Factor("pair.contact_by_seller", 0.35 * 1.1 * (3 / 7) ** 2, "iban ê", ("m1", "k")),
            Factor("pair.cue.fee_avoidance", 0.1 + 0.2, "fees", ("m2",)),
            Factor("pair.shared_identifier", 0.6 * (1 - (1 - 0.9) * (1 - 0.3)), "same", ()),
        ]
    )
    again = score_from_json(factors_json(score))
    assert again == score
    assert again.value == score.value and again.reasons() == score.reasons()


def test_the_population_moves_in_steps_so_weights_stay_put_between_them() -> None:
    steps = [population(n) for n in range(1, 5000)]
    assert all(p >= n for n, p in zip(range(1, 5000), steps, strict=True))
    assert steps == sorted(steps)
    # From 16 accounts on, every step of 2^(1/8) is taken, one after the other.
    distinct = sorted({p for p in steps if p >= 16})
    assert all(b / a == pytest.approx(2 ** (1 / 8)) for a, b in pairwise(distinct))
    assert len(distinct) == 99 - 32 + 1  # 2^(32/8) .. 2^(99/8), the step at or above 4,999
    assert population(1000) == population(1024) == 1024  # 2^10
    assert population(1025) == population(1116) == 2 ** (10 + 1 / 8)  # 1116.7
    assert population(1117) == 2 ** (10 + 2 / 8)


def test_many_weak_hints_never_reach_certainty() -> None:
    assert combine([Factor(str(i), 0.1, "hint") for i in range(10)]).value < 0.66


def test_specificity_falls_with_holders_and_hubs_weigh_nothing() -> None:
    n = 10_000
    values = [specificity(k, n, W) for k in (2, 3, 5, 10, 25, 26, 500)]
    assert values[0] == pytest.approx(1.0)
    assert values == sorted(values, reverse=True)
    assert values[2] > 0.75  # a small ring keeps most of its weight
    assert values[3] < 0.25  # ten holders: more likely a courier than one person
    assert values[5] == values[6] == 0.0
    invalid = Held("phone:+15556768", "phone", False, ("buyer:1", "buyer:2"))
    valid = Held("phone:+447911123456", "phone", True, ("buyer:1", "buyer:2"))
    assert identifier_weight(invalid, n, W) < identifier_weight(valid, n, W)


def evidence(**kwargs: object) -> PairEvidence:
    ev = PairEvidence("b1", "s1")
    for key, value in kwargs.items():
        setattr(ev, key, value)
    return ev


def phone_by_seller(at: datetime) -> Mention:
    return Mention("m7", at, "seller", "phone", "phone:+447911123456")


def test_contact_then_silence_is_flagged_with_its_story() -> None:
    ev = evidence(mentions=[phone_by_seller(T0)])
    score = score_pair(ev, W, as_of=T0 + timedelta(days=94))
    assert score.value >= W.flags.threshold
    reasons = " | ".join(score.reasons())
    assert "seller shared phone +447911123456 in message m7" in reasons
    # The day of the exchange, not a count of days to the data's latest event (which every new
    # message anywhere would change): the same reason 94 or 200 days later.
    assert f"phone shared in message m7 by the seller on {T0:%Y-%m-%d}, no order since" in reasons
    later = score_pair(ev, W, as_of=T0 + timedelta(days=200))
    assert later.reasons() == score.reasons()


def test_silence_counts_from_quiet_days_on() -> None:
    ev = evidence(mentions=[phone_by_seller(T0)])
    quiet = W.pair.timeline.quiet_days
    before = score_pair(ev, W, as_of=T0 + timedelta(days=quiet) - timedelta(seconds=1))
    after = score_pair(ev, W, as_of=T0 + timedelta(days=quiet))
    assert "pair.quiet_after_contact" not in {c.factor.signal for c in before.contributions}
    assert "pair.quiet_after_contact" in {c.factor.signal for c in after.contributions}


def test_an_order_after_the_exchange_removes_the_silence_factor() -> None:
    ev = evidence(mentions=[phone_by_seller(T0)], orders=[T0 + timedelta(days=2)])
    score = score_pair(ev, W, as_of=T0 + timedelta(days=94))
    assert score.value < W.flags.threshold
    assert not any("no order" in r for r in score.reasons())


def test_a_fresh_exchange_is_not_yet_silence() -> None:
    ev = evidence(mentions=[phone_by_seller(T0)])
    assert score_pair(ev, W, as_of=T0 + timedelta(days=3)).value < W.flags.threshold


def test_repeat_business_that_stopped() -> None:
    orders = [T0 - timedelta(days=200), T0 - timedelta(days=100), T0 - timedelta(days=10)]
    ev = evidence(mentions=[phone_by_seller(T0)], orders=orders)
    score = score_pair(ev, W, as_of=T0 + timedelta(days=60))
    assert score.contributions[0].factor.signal == "pair.repeat_business_stopped"
    assert "3 orders on the platform" in score.reasons()[0]


def test_loyal_buyers_with_clean_messages_score_nothing() -> None:
    orders = [T0 - timedelta(days=d) for d in (300, 200, 100, 5)]
    assert score_pair(evidence(orders=orders), W, as_of=T0).value == 0.0


def test_a_fee_avoidance_cue_alone_reaches_review_but_solicitation_alone_does_not() -> None:
    fee = evidence(cues=[Cue("m1", T0, "seller", "fee_avoidance")])
    ask = evidence(cues=[Cue("m1", T0, "buyer", "solicitation")])
    assert score_pair(fee, W, as_of=T0).value >= W.flags.threshold
    assert score_pair(ask, W, as_of=T0).value < W.flags.threshold


def test_a_buyer_holding_the_sellers_phone_is_a_strong_pair_signal() -> None:
    link = Link("buyer:b1", "seller:s1", ["phone:+447911123456"], [0.9])
    score = score_pair(evidence(link=link), W, as_of=T0)
    assert score.value >= W.flags.threshold
    assert "buyer and seller hold the same phone +447911123456" in score.reasons()[0]


def test_flag_decisions_on_later_runs() -> None:
    strong = combine([Factor("x", 0.8, "r", ("m1", "m2"))])
    margin = W.flags.realert_margin
    assert decide(None, strong, margin) == Decision("open", True, ("m1", "m2"))
    same = Existing("open", 0.8, frozenset({"m1", "m2"}))
    assert decide(same, strong, margin) == Decision("open", False, ())
    lower = Existing("open", 0.65, frozenset({"m1", "m2"}))
    assert decide(lower, strong, margin).alert  # rose by more than the margin
    dismissed = Existing("dismissed", 0.8, frozenset({"m1", "m2"}))
    assert decide(dismissed, strong, margin) == Decision("dismissed", False, ())
    dismissed_before_m2 = Existing("dismissed", 0.8, frozenset({"m1"}))
    assert decide(dismissed_before_m2, strong, margin) == Decision("open", True, ("m2",))
    confirmed = Existing("confirmed", 0.5, frozenset({"m1"}))
    assert decide(confirmed, strong, margin) == Decision("confirmed", True, ("m2",))
