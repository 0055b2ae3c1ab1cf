"""Tuning the factor weights to investigators' decisions: pure fitting, no graph.

The model is the analysis's own: a flag's score is the noisy-OR of its factors,
``1 - prod(1 - w_i)``, and each weight reads "on its own, how sure would an investigator be?".
Read as the probability that an investigator confirms the flag, that is a likelihood, and its
maximum over the weights (bounded in [0, 0.99], scipy's L-BFGS-B) is the candidate. We fit the
noisy-OR rather than a logistic model because its parameters *are* the keys of ``weights.toml``
(``pair.contact_by_seller``, ``pair.cue.fee_avoidance``...): nothing has to be mapped back, the
threshold keeps its meaning, and the candidate goes through the same backtest as a hand edit.

A factor's stored weight is often its key's weight times a scale the analysis computed (the
contact kind's multiplier, an identifier's specificity, a member's score): each decision keeps
``weight / key weight`` under the version it was decided on, and a candidate weight ``b`` gives
that factor ``min(1, b * scale)``, as the analysis would. Scales are taken as fixed (a seller
flag's pair scores are not re-derived from the pair weights being fitted).

Keys carried by fewer than ``min_per_factor`` decisions keep their active value; a small ridge
(``l2``) pulls the others toward it, so a factor seen only on confirmed flags does not jump to the
bound. Cross-validation: stratified k folds; each fold fits on the others, and the candidate's
and the active weights' scores of the held-out decisions are pooled (out of fold) into an ROC AUC
and a precision at k (ties broken as chance would break them, so the saturated 1.00 scores of
the active weights are not flattered by an accidental order).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import minimize
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from sidedeal.analysis.config import Weights

UPPER = 0.99
# The analysis caps a factor at 1; the log of 1 - 1 would be -inf.
CAP = 1.0 - 1e-6

# Factor signals and the weights.toml key each is scaled from (cues: pair.cue.<category>, or
# pair.cue_default.weight for a category the cue table does not name).
SIGNAL_KEYS: dict[str, str] = {
    "pair.contact_by_seller": "pair.contact_by_seller",
    "pair.contact_by_buyer": "pair.contact_by_buyer",
    "pair.shared_identifier": "pair.shared.identifier",
    "pair.quiet_after_contact": "pair.timeline.quiet_after_contact",
    "pair.repeat_business_stopped": "pair.timeline.repeat_business_stopped",
    "seller.flagged_pair": "seller.pair_share",
    "seller.other_account": "seller.other_seller_account",
    "seller.shared_payout": "seller.shared_payout",
    "seller.buyer_holds_identifier": "seller.buyer_holds_identifier",
    "cluster.member": "cluster.member_share",
    "cluster.several_sellers": "cluster.several_sellers",
    "cluster.large": "cluster.large",
}


def factor_keys(weights: Weights) -> dict[str, float]:
    """Every weights.toml key a factor is scaled from, with its value in ``weights``."""
    out = {key: value_of(weights, key) for key in SIGNAL_KEYS.values()}
    out.update({f"pair.cue.{c}": w for c, w in weights.pair.cue.items()})
    out["pair.cue_default.weight"] = weights.pair.cue_default.weight
    return dict(sorted(out.items()))


def key_of(signal: str, weights: Weights) -> str | None:
    """The key a factor's weight comes from (None for a signal tuning does not know)."""
    if signal.startswith("pair.cue."):
        category = signal.removeprefix("pair.cue.")
        return f"pair.cue.{category}" if category in weights.pair.cue else "pair.cue_default.weight"
    return SIGNAL_KEYS.get(signal)


def value_of(weights: Weights, key: str) -> float:
    node: Any = weights
    for part in key.split("."):
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    return float(node)


@dataclass(frozen=True)
class Decision:
    """One judged flag: its factors as ``(key, scale)`` terms, and the rest (signals tuning does
    not know) as a fixed ``log(1 - score)`` part."""

    flag_id: str
    confirmed: bool
    terms: tuple[tuple[str, float], ...]
    fixed: float = 0.0


def decision(
    flag_id: str, confirmed: bool, factors: Sequence[Mapping[str, Any]], weights: Weights
) -> Decision:
    """A decision from the factors it was made on (``{signal, weight}``, as flags store them)
    and the weights of the version that scored them."""
    terms: list[tuple[str, float]] = []
    fixed = 0.0
    for factor in factors:
        weight = float(factor.get("weight") or 0.0)
        if weight <= 0:
            continue
        key = key_of(str(factor.get("signal", "")), weights)
        base = value_of(weights, key) if key else 0.0
        if key is None or base <= 0:
            fixed += math.log1p(-min(weight, CAP))
        else:
            terms.append((key, weight / base))
    return Decision(flag_id, confirmed, tuple(terms), fixed)


@dataclass
class _Design:
    """The decisions as arrays: term j belongs to row ``rows[j]``, key ``cols[j]``."""

    keys: list[str]
    rows: np.ndarray
    cols: np.ndarray
    scales: np.ndarray
    fixed: np.ndarray
    labels: np.ndarray

    @classmethod
    def of(cls, decisions: Sequence[Decision], keys: list[str]) -> _Design:
        index = {k: i for i, k in enumerate(keys)}
        rows, cols, scales = [], [], []
        for r, d in enumerate(decisions):
            for key, scale in d.terms:
                rows.append(r)
                cols.append(index[key])
                scales.append(scale)
        return cls(
            keys,
            np.array(rows, dtype=np.int64),
            np.array(cols, dtype=np.int64),
            np.array(scales, dtype=float),
            np.array([d.fixed for d in decisions], dtype=float),
            np.array([d.confirmed for d in decisions], dtype=float),
        )

    def log_miss(self, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``log(1 - score)`` per row, and each term's derivative by its key's weight."""
        raw = b[self.cols] * self.scales
        w = np.clip(raw, 0.0, CAP)
        terms = np.log1p(-w)
        slope = np.where(raw < CAP, -self.scales / (1.0 - w), 0.0)
        n = len(self.labels)
        return self.fixed + np.bincount(self.rows, weights=terms, minlength=n), slope


def rank_scores(decisions: Sequence[Decision], weights: Mapping[str, float]) -> np.ndarray:
    """Each decision's ``-log(1 - score)`` under ``weights`` (ordered as the score, without the
    score's saturation at 1.00)."""
    keys = sorted({k for d in decisions for k, _ in d.terms} | set(weights))
    design = _Design.of(decisions, keys)
    b = np.array([weights.get(k, 0.0) for k in keys], dtype=float)
    log_q, _ = design.log_miss(b)
    return np.asarray(-log_q)


@dataclass
class Fit:
    weights: dict[str, float]
    support: dict[str, int]
    kept: list[str] = field(default_factory=list)
    converged: bool = True


def fit(
    decisions: Sequence[Decision],
    start: Mapping[str, float],
    *,
    min_per_factor: int = 10,
    l2: float = 1.0,
) -> Fit:
    """The maximum-likelihood weights (see the module docstring), rounded to 3 decimals; keys
    carried by fewer than ``min_per_factor`` decisions keep their ``start`` value."""
    keys = sorted(set(start) | {k for d in decisions for k, _ in d.terms})
    support = {k: 0 for k in keys}
    for d in decisions:
        for key in {k for k, _ in d.terms}:
            support[key] += 1
    free = [k for k in keys if support[k] >= min_per_factor]
    kept = sorted(k for k in keys if k in start and support[k] < min_per_factor and support[k])
    design = _Design.of(decisions, keys)
    b0 = np.array([min(start.get(k, 0.0), UPPER) for k in keys], dtype=float)
    mask = np.array([k in free for k in keys])
    y = design.labels

    def objective(x: np.ndarray) -> tuple[float, np.ndarray]:
        b = b0.copy()
        b[mask] = x
        log_q, slope = design.log_miss(b)
        q = np.clip(np.exp(log_q), 1e-12, 1 - 1e-12)
        nll = -float(np.sum(y * np.log1p(-q) + (1 - y) * np.log(q)))
        d_log_q = y * q / (1 - q) - (1 - y)
        grad = np.bincount(design.cols, weights=d_log_q[design.rows] * slope, minlength=len(keys))
        grad = grad + 2 * l2 * (b - b0)
        nll += l2 * float(np.sum((b - b0) ** 2))
        return nll, grad[mask]

    weights = {k: round(float(v), 3) for k, v in zip(keys, b0, strict=True) if k in start}
    converged = True
    if free:
        result = minimize(
            objective,
            b0[mask],
            jac=True,
            method="L-BFGS-B",
            bounds=[(0.0, UPPER)] * int(mask.sum()),
        )
        converged = bool(result.success)
        for key, value in zip(free, result.x, strict=True):
            weights[key] = round(float(value), 3)
    return Fit(weights, support, kept, converged)


@dataclass
class Scores:
    """Figures of one set of weights under cross-validation (out-of-fold, pooled)."""

    auc: float
    precision_at_k: float
    fold_auc: list[float]


@dataclass
class CrossValidation:
    folds: int
    k: int
    active: Scores
    candidate: Scores


def precision_at_k(scores: np.ndarray, labels: np.ndarray, k: int) -> float:
    """Confirmed share of the k best scored, ties at the cut shared out as chance would."""
    k = min(k, len(scores))
    if k <= 0:
        return 0.0
    cut = np.sort(scores)[::-1][k - 1]
    above = scores > cut
    tied = scores == cut
    expected = labels[above].sum() + (k - above.sum()) * labels[tied].mean()
    return round(float(expected) / k, 4)


def cross_validate(
    decisions: Sequence[Decision],
    start: Mapping[str, float],
    *,
    folds: int = 5,
    k: int = 20,
    seed: int = 0,
    min_per_factor: int = 10,
    l2: float = 1.0,
) -> CrossValidation:
    """Stratified ``folds``-fold cross-validation of :func:`fit` beside the ``start`` (active)
    weights on the same folds. Needs both confirmed and dismissed decisions (ValueError)."""
    labels = np.array([d.confirmed for d in decisions], dtype=float)
    smallest = int(min(labels.sum(), len(labels) - labels.sum()))
    if smallest < 2:
        raise ValueError("cross-validation needs at least 2 confirmed and 2 dismissed decisions")
    folds = max(2, min(folds, smallest))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    candidate = np.zeros(len(decisions))
    active = rank_scores(decisions, start)
    fold_auc: dict[str, list[float]] = {"active": [], "candidate": []}
    for train, test in splitter.split(np.zeros(len(labels)), labels):
        fitted = fit([decisions[i] for i in train], start, min_per_factor=min_per_factor, l2=l2)
        held = [decisions[i] for i in test]
        candidate[test] = rank_scores(held, fitted.weights)
        fold_auc["candidate"].append(round(float(roc_auc_score(labels[test], candidate[test])), 4))
        fold_auc["active"].append(round(float(roc_auc_score(labels[test], active[test])), 4))

    def scores(values: np.ndarray, name: str) -> Scores:
        return Scores(
            auc=round(float(roc_auc_score(labels, values)), 4),
            precision_at_k=precision_at_k(values, labels, k),
            fold_auc=fold_auc[name],
        )

    return CrossValidation(folds, min(k, len(decisions)), scores(active, "active"),
                           scores(candidate, "candidate"))  # fmt: skip


_SECTION = re.compile(r"^\s*\[([A-Za-z0-9_.]+)\]\s*(#.*)?$")
_VALUE = re.compile(r"^(\s*)([A-Za-z0-9_]+)(\s*=\s*)([0-9.eE+-]+)(\s*(#.*)?)$")


def render(toml_text: str, values: Mapping[str, float], header: str = "") -> str:
    """``toml_text`` (the active version's) with the ``values`` keys' numbers replaced, comments
    and layout kept; ``header`` (comment lines) goes first. KeyError names a key not found."""
    section = ""
    seen: set[str] = set()
    out: list[str] = []
    for line in toml_text.splitlines():
        heading = _SECTION.match(line)
        if heading:
            section = heading.group(1)
        found = _VALUE.match(line)
        if found and not heading:
            key = f"{section}.{found.group(2)}" if section else found.group(2)
            if key in values:
                indent, name, equals, _, tail = found.groups()[:5]
                line = f"{indent}{name}{equals}{values[key]:g}{tail}"
                seen.add(key)
        out.append(line)
    missing = sorted(set(values) - seen)
    if missing:
        raise KeyError(f"not in the weights file: {', '.join(missing)}")
    lines = [f"# {text}" if text else "#" for text in header.splitlines()]
    return "\n".join([*lines, *out]) + "\n"
