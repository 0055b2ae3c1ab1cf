"""The fitting behind `sidedeal tune`, on synthetic decisions drawn from known weights."""

from __future__ import annotations

import random

import pytest

from sidedeal.analysis import tune
from sidedeal.analysis.config import DEFAULT_FILE, load_weights, parse_weights

TRUE = {
    "pair.contact_by_seller": 0.7,
    "pair.cue.fee_avoidance": 0.1,
    "pair.timeline.quiet_after_contact": 0.4,
}
# Deliberately wrong starting (active) weights: the fit has to move them.
ACTIVE = {
    "pair.contact_by_seller": 0.3,
    "pair.cue.fee_avoidance": 0.6,
    "pair.timeline.quiet_after_contact": 0.4,
}


def synthetic(n: int, seed: int) -> list[tune.Decision]:
    """Flags carrying a random subset of factors (contact scaled by a kind, 0.4 or 1.0), each
    confirmed with the noisy-OR probability of the true weights."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        terms = []
        if rng.random() < 0.6:
            terms.append(("pair.contact_by_seller", rng.choice([0.4, 1.0])))
        if rng.random() < 0.5:
            terms.append(("pair.cue.fee_avoidance", 1.0))
        if rng.random() < 0.5 or not terms:
            terms.append(("pair.timeline.quiet_after_contact", 1.0))
        miss = 1.0
        for key, scale in terms:
            miss *= 1 - TRUE[key] * scale
        out.append(tune.Decision(f"f{i}", rng.random() < 1 - miss, tuple(terms)))
    return out


def test_the_fit_recovers_known_weights() -> None:
    fitted = tune.fit(synthetic(3000, seed=1), ACTIVE)
    assert fitted.converged
    for key, value in TRUE.items():
        assert fitted.weights[key] == pytest.approx(value, abs=0.06), key
    assert fitted.kept == []


def test_cross_validation_ranks_better_than_wrong_weights() -> None:
    cv = tune.cross_validate(synthetic(600, seed=2), ACTIVE, folds=5, k=50)
    assert cv.folds == 5 and len(cv.candidate.fold_auc) == 5
    assert cv.candidate.auc > cv.active.auc + 0.03
    assert cv.candidate.precision_at_k >= cv.active.precision_at_k


def test_rare_factors_keep_their_active_value() -> None:
    decisions = synthetic(200, seed=3)
    rare = [
        tune.Decision("r1", True, (("pair.cue.zelle", 1.0),)),
        tune.Decision("r2", False, (("pair.cue.zelle", 1.0),)),
    ]
    fitted = tune.fit(decisions + rare, {**ACTIVE, "pair.cue.zelle": 0.3}, min_per_factor=10)
    assert fitted.weights["pair.cue.zelle"] == 0.3
    assert fitted.kept == ["pair.cue.zelle"] and fitted.support["pair.cue.zelle"] == 2


def test_decisions_take_scales_from_the_version_they_were_made_on() -> None:
    weights = load_weights()
    made = tune.decision(
        "pair:b1:s1",
        True,
        [
            {"signal": "pair.contact_by_seller", "weight": weights.pair.contact_by_seller * 0.4},
            {"signal": "pair.cue.fee_avoidance", "weight": weights.pair.cue["fee_avoidance"]},
            {"signal": "pair.cue.never_heard_of", "weight": weights.pair.cue_default.weight},
            {"signal": "pair.something_new", "weight": 0.5},
        ],
        weights,
    )
    assert dict(made.terms) == pytest.approx(
        {
            "pair.contact_by_seller": 0.4,
            "pair.cue.fee_avoidance": 1.0,
            "pair.cue_default.weight": 1.0,
        }
    )
    assert made.fixed == pytest.approx(-0.6931, abs=1e-3)  # the unknown signal, log(1 - 0.5)


def test_precision_at_k_shares_ties_out_as_chance_would() -> None:
    import numpy as np

    scores = np.array([9.0, 5.0, 5.0, 5.0, 5.0, 1.0])
    labels = np.array([1.0, 1.0, 0.0, 0.0, 0.0, 1.0])
    # Top 3: the 9 (confirmed), then 2 of 4 tied flags of which 1 is confirmed: 1 + 2 * 1/4.
    assert tune.precision_at_k(scores, labels, 3) == pytest.approx(1.5 / 3, abs=1e-4)


def test_render_keeps_every_factor_and_the_comments() -> None:
    text = DEFAULT_FILE.read_text(encoding="utf-8")
    active = tune.factor_keys(load_weights())
    values = {**active, "pair.cue.fee_avoidance": 0.123, "seller.pair_share": 0.8}
    out = tune.render(text, values, "tuned\non 80 decisions")
    assert out.startswith("# tuned\n# on 80 decisions\n")
    parsed = tune.factor_keys(parse_weights(out))
    assert parsed == values
    # Everything else (comments, thresholds, links) is the active file's.
    assert "quiet_days = 14" in out and "# Weights of the link analysis." in out
    with pytest.raises(KeyError, match=r"pair\.nope"):
        tune.render(text, {"pair.nope": 0.1})
