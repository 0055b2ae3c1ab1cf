"""``sidedeal tune``: a candidate weights file fitted to investigators' decisions.

Reads every confirmed or dismissed flag with the factors it was decided on (``decided_factors``,
or its factors when the decision predates the snapshot) and the weights version that scored them
(``decided_weights_version``; the active version when none is recorded), fits the noisy-OR to
them (``analysis/tune.py``), cross-validates the fit beside the active weights, and renders the
candidate as the active version's TOML with the fitted numbers. Unsure decisions are left out.
It writes nothing to the graph and activates nothing: the candidate goes through
``weights propose`` and ``backtest``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, LiteralString

from pydantic import BaseModel

from sidedeal.analysis import tune as fitting
from sidedeal.analysis.config import Weights, parse_weights
from sidedeal.casework import weights as versions
from sidedeal.errors import BadInput
from sidedeal.graph.store import Store

DECISIONS: LiteralString = """
MATCH (f:Flag) WHERE f.status IN ['confirmed', 'dismissed', 'unsure']
RETURN f.flag_id AS flag_id, f.status AS status,
       coalesce(f.decided_factors, f.factors) AS factors,
       f.decided_weights_version AS version
ORDER BY f.flag_id
"""


class TunedWeight(BaseModel):
    """One key of weights.toml: its active and candidate value, and how many decisions carry it."""

    key: str
    active: float
    candidate: float
    decisions: int
    kept_active: bool


class FiguresPublic(BaseModel):
    auc: float
    precision_at_k: float
    fold_auc: list[float]


class TuneReport(BaseModel):
    """What ``tune`` found: the decisions, the cross-validated figures of the candidate beside
    the active weights' on the same folds, and every factor weight (active, candidate)."""

    active_version: str
    decisions: int
    confirmed: int
    dismissed: int
    unsure_left_out: int
    folds: int
    k: int
    min_per_factor: int
    cross_validation: dict[str, FiguresPublic]
    weights: list[TunedWeight]
    kept_active: list[str]
    # Fitted to the upper bound (0.99): usually a factor that co-occurs with others on flags that
    # are nearly always confirmed, not identified apart from them; alone it would raise a flag.
    at_bound: list[str]
    converged: bool
    # The candidate ranks the held-out decisions better (AUC) than the active weights, with no
    # loss of precision at k: worth proposing and backtesting; otherwise say so.
    better: bool


def _factors(raw: Any) -> list[dict[str, Any]]:
    try:
        items = json.loads(raw or "[]")
    except (TypeError, ValueError):
        return []
    return [f for f in items if isinstance(f, dict)]


def read_decisions(store: Store, active: Weights) -> tuple[list[fitting.Decision], int]:
    """The judged flags as decisions (with their version's weights), and how many were unsure."""
    cache: dict[str, Weights] = {}
    out: list[fitting.Decision] = []
    unsure = 0
    for row in store.read(DECISIONS):
        if row["status"] == "unsure":
            unsure += 1
            continue
        version = row["version"]
        weights = active
        if version:
            if version not in cache:
                cache[version] = versions.version_weights(store, version)
            weights = cache[version]
        out.append(
            fitting.decision(
                row["flag_id"], row["status"] == "confirmed", _factors(row["factors"]), weights
            )
        )
    return out, unsure


def tune(
    store: Store,
    *,
    min_decisions: int = 50,
    folds: int = 5,
    k: int = 20,
    min_per_factor: int = 10,
    seed: int = 0,
) -> tuple[TuneReport, str]:
    """Fit a candidate to the decisions (see the module docstring): the report and the
    candidate's TOML. BadInput below ``min_decisions`` confirmed or dismissed decisions."""
    current, active = versions.active(store)
    decided, unsure = read_decisions(store, active)
    confirmed = sum(d.confirmed for d in decided)
    if len(decided) < min_decisions:
        raise BadInput(
            f"tune needs at least {min_decisions} confirmed or dismissed decisions, found "
            f"{len(decided)} ({confirmed} confirmed, {len(decided) - confirmed} dismissed, "
            f"{unsure} unsure left out); decide more flags or lower --min-decisions"
        )
    start = fitting.factor_keys(active)
    try:
        cv = fitting.cross_validate(
            decided, start, folds=folds, k=k, seed=seed, min_per_factor=min_per_factor
        )
    except ValueError as error:
        raise BadInput(f"tune: {error}") from error
    fitted = fitting.fit(decided, start, min_per_factor=min_per_factor)
    header = (
        f"Candidate weights fitted by `sidedeal tune` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n"
        f"from {len(decided)} decisions ({confirmed} confirmed) over {current.version}; "
        f"cross-validated AUC {cv.candidate.auc} (active {cv.active.auc}),\n"
        f"precision@{cv.k} {cv.candidate.precision_at_k} (active {cv.active.precision_at_k}). "
        "Not active: propose it, backtest it."
    )
    text = fitting.render(current.content or "", fitted.weights, header)
    parsed = fitting.factor_keys(parse_weights(text, "the tuned candidate"))
    if any(abs(parsed[key] - value) > 1e-9 for key, value in fitted.weights.items()):
        raise BadInput("tune: the candidate file does not read back as fitted")
    rows = [
        TunedWeight(
            key=key,
            active=value,
            candidate=fitted.weights[key],
            decisions=fitted.support.get(key, 0),
            kept_active=fitted.support.get(key, 0) < min_per_factor,
        )
        for key, value in start.items()
    ]
    report = TuneReport(
        active_version=current.version,
        decisions=len(decided),
        confirmed=confirmed,
        dismissed=len(decided) - confirmed,
        unsure_left_out=unsure,
        folds=cv.folds,
        k=cv.k,
        min_per_factor=min_per_factor,
        cross_validation={
            name: FiguresPublic(auc=s.auc, precision_at_k=s.precision_at_k, fold_auc=s.fold_auc)
            for name, s in (("active", cv.active), ("candidate", cv.candidate))
        },
        weights=rows,
        kept_active=[r.key for r in rows if r.kept_active],
        at_bound=[r.key for r in rows if not r.kept_active and r.candidate >= fitting.UPPER],
        converged=fitted.converged,
        better=cv.candidate.auc > cv.active.auc
        and cv.candidate.precision_at_k >= cv.active.precision_at_k,
    )
    return report, text
