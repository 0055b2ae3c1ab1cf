"""Explainable scores: a noisy-OR of named factors, each with the reason an investigator reads.

``score = 1 - prod(1 - w_i)``: every factor is "on its own, how sure would we be?", independent
factors reinforce each other, and many weak hints never add up to certainty. A factor's stored
contribution is its marginal increase of the score when factors are applied strongest first, so
the contributions of a flag add up exactly to its score and the first reason is the main one.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sidedeal.ids import split_identifier_key


@dataclass(frozen=True)
class Factor:
    """One named reason: ``signal`` is a stable id, ``weight`` its strength on its own (0..1)."""

    signal: str
    weight: float
    reason: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Contribution:
    factor: Factor
    contribution: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "signal": self.factor.signal,
            "weight": round(self.factor.weight, 4),
            "contribution": round(self.contribution, 4),
            "reason": self.factor.reason,
            "evidence": list(self.factor.evidence),
        }

    def text(self) -> str:
        # A factor that adds almost nothing on top of stronger ones still shows as evidence.
        shown = f"{self.contribution:.2f}" if self.contribution >= 0.005 else "<0.01"
        return f"{self.factor.reason}: +{shown}"


@dataclass(frozen=True)
class Score:
    value: float
    contributions: tuple[Contribution, ...] = field(default_factory=tuple)

    @property
    def evidence(self) -> frozenset[str]:
        """Every piece of evidence behind the score (message ids, identifier keys, member ids)."""
        return frozenset(e for c in self.contributions for e in c.factor.evidence)

    def reasons(self) -> list[str]:
        return [c.text() for c in self.contributions]


def combine(factors: Iterable[Factor]) -> Score:
    """The noisy-OR of the factors, with each one's marginal contribution, strongest first."""
    kept = sorted((f for f in factors if f.weight > 0), key=lambda f: (-f.weight, f.signal))
    remaining = 1.0
    contributions: list[Contribution] = []
    for factor in kept:
        weight = min(1.0, factor.weight)
        gain = remaining * weight
        remaining -= gain
        contributions.append(Contribution(factor, gain))
    return Score(1.0 - remaining, tuple(contributions))


# A factor of weight 1 would make the rank infinite; this caps it at ~13.8 (w = 1 - 1e-6).
RANK_CAP = 1.0 - 1e-6


def rank_key(score: Score) -> float:
    """A ranking key that does not saturate: the sum of ``-ln(1 - w)`` over the factors.

    It orders flags exactly as the noisy-OR would with infinite precision (``-ln(1 - score)``),
    but where the score reads 1.00 for every flag with several strong factors, the key keeps
    growing with each one: the queue can tell 4 strong factors from 2. The threshold stays on
    the score."""
    return round(sum(-math.log1p(-min(c.factor.weight, RANK_CAP)) for c in score.contributions), 4)


def factors_json(score: Score) -> str:
    """The score's factors, exactly (floats survive JSON), strongest first: what an incremental
    run rebuilds a score from with :func:`score_from_json` instead of reading its evidence again."""
    return json.dumps(
        [
            [c.factor.signal, c.factor.weight, c.factor.reason, c.factor.evidence]
            for c in score.contributions
        ],
        ensure_ascii=False,
    )


def score_from_json(text: str) -> Score:
    """The score :func:`factors_json` kept, identical to the one it was made from."""
    return combine(
        Factor(signal, float(weight), reason, tuple(evidence))
        for signal, weight, reason, evidence in json.loads(text)
    )


def describe_keys(keys: Iterable[str], limit: int = 3) -> str:
    """The first identifier keys as a reason's prose: ``phone +447911123456, email j@x.com``."""
    return ", ".join("{} {}".format(*split_identifier_key(k)) for k in list(keys)[:limit])
