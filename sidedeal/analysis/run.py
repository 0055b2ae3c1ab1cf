"""One analysis run: links, pair scores, seller scores, clusters, flags, recorded as a ``Run``.

``analyze`` is incremental unless asked for a full run (or unable to be incremental: see
``incremental.py``, which also holds :func:`rescore_pairs` for one event's pairs). Runs never
overlap: a lock node in the graph is taken first (and released at the end, or expires if the
process died). The stages themselves are in :mod:`sidedeal.analysis.stages`.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import LiteralString

from sidedeal.analysis import stages
from sidedeal.analysis.config import Weights
from sidedeal.analysis.incremental import (
    Baseline,
    Context,
    rescore_event_pairs,
    run_incremental,
)
from sidedeal.analysis.record import (
    RunSummary,
    context,
    new_run_id,
    read_baseline,
    recorded,
    utc_now,
)
from sidedeal.analysis.results import write_seller_scores
from sidedeal.errors import BadInput, Conflict
from sidedeal.graph.store import Store
from sidedeal.ids import account_id

__all__ = ["RunSummary", "acquire_lock", "analyze", "new_run_id", "release_lock", "rescore_pairs"]

LOCK_TTL_MINUTES = 120

ACQUIRE_LOCK: LiteralString = """
MERGE (l:Lock {name: 'analysis'})
SET l.touched_at = datetime()
WITH l
WHERE l.holder IS NULL OR l.expires_at < datetime()
SET l.holder = $run_id, l.expires_at = datetime() + duration({minutes: $ttl})
RETURN l.holder AS holder
"""

LOCK_HOLDER: LiteralString = "MATCH (l:Lock {name: 'analysis'}) RETURN l.holder AS holder"

RELEASE_LOCK: LiteralString = """
MATCH (l:Lock {name: 'analysis'}) WHERE l.holder = $run_id
SET l.holder = null, l.expires_at = null
"""


def acquire_lock(store: Store, run_id: str) -> None:
    rows = store.write(ACQUIRE_LOCK, {"run_id": run_id, "ttl": LOCK_TTL_MINUTES})
    if not rows:
        holder = store.read(LOCK_HOLDER)
        raise Conflict(
            f"another analysis run ({holder[0]['holder'] if holder else '?'}) holds the lock; "
            "runs never overlap. Wait for it, or for its lock to expire "
            f"({LOCK_TTL_MINUTES} minutes after it started)"
        )


def release_lock(store: Store, run_id: str) -> None:
    store.write(RELEASE_LOCK, {"run_id": run_id})


def analyze(
    store: Store,
    weights: Weights,
    *,
    full: bool = False,
    trigger: str = "cli",
    run_id: str | None = None,
) -> RunSummary:
    """Run the analysis once: incremental (what changed since the last complete run) unless
    ``full``, or unless it cannot be (the summary's ``reason`` says why). ``run_id`` lets a
    caller (the API) know the run's id before it starts; by default one is made from the time."""
    now_dt = utc_now()
    summary = RunSummary(run_id or new_run_id(now_dt))
    acquire_lock(store, summary.run_id)
    try:
        ctx, accounts = context(store, summary.run_id, now_dt.isoformat())
        baseline: Baseline | None = None
        reason = "asked for a full run"
        if not full:
            baseline, reason = read_baseline(store, weights)
        if baseline is not None and baseline.population != ctx.population:
            reason = (
                f"the marketplace crossed a population step ({baseline.population:,.0f} -> "
                f"{ctx.population:,.0f} accounts in the weights' IDF)"
            )
            baseline = None
        if baseline is not None and ctx.as_of is None:
            reason, baseline = "the graph holds no message or order", None
        summary.mode = "full" if baseline is None else "incremental"
        summary.reason = reason or None
        with recorded(store, summary, ctx, weights=weights, accounts=accounts, trigger=trigger):
            started = time.perf_counter()
            if baseline is None:
                _full(store, weights, summary, ctx)
            else:
                timer = _Timer(summary)
                summary.counts.update(run_incremental(store, weights, ctx, baseline, timer.lap))
                summary.stage_seconds["incremental"] = round(time.perf_counter() - started, 3)
    finally:
        release_lock(store, summary.run_id)
    return summary


def rescore_pairs(
    store: Store,
    weights: Weights,
    pairs: set[tuple[str, str]],
    *,
    trigger: str = "event",
    run_id: str | None = None,
) -> RunSummary:
    """Score again, at once, the (buyer_id, seller_id) pairs one event touched (a new message or
    order, loaded through ingest's loaders so the changes are stamped), and their sellers.

    Contract: those pairs and sellers get the scores, features, reasons and flags a full run on
    the same graph would give them (pairs: score, features, factors, flag; sellers: score and
    flag). To that end it also recomputes the links of the sellers and of every holder of an
    identifier the pairs' accounts gained since the last periodic run, and the sellers' other
    pairs that changed since, that crossed the quiet period, or whose allow-list changed; what
    else that reaches (other pairs and sellers at the ends of those links) is scored from the
    graph as it stands, at least as fresh as before. Clusters and cluster flags wait for the next
    periodic run, which sees these changes through the same stamps.

    It records a ``Run`` (mode ``pairs``) but does not take the analysis lock, so an event is
    never held up by a periodic run; a periodic run spares what was written after it started.
    Call it from one worker at a time: two concurrent calls on one seller both write it.
    """
    if not pairs:
        raise BadInput("rescore_pairs needs at least one (buyer_id, seller_id) pair")
    now_dt = utc_now()
    summary = RunSummary(run_id or new_run_id(now_dt), mode="pairs")
    ctx, accounts = context(store, summary.run_id, now_dt.isoformat())
    baseline, _ = read_baseline(store, weights)
    with recorded(store, summary, ctx, weights=weights, accounts=accounts, trigger=trigger):
        started = time.perf_counter()
        summary.counts.update(rescore_event_pairs(store, weights, ctx, baseline, set(pairs)))
        summary.stage_seconds["pairs"] = round(time.perf_counter() - started, 3)
    return summary


class _Timer:
    def __init__(self, summary: RunSummary) -> None:
        self.summary, self.last = summary, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.summary.stage_seconds[stage] = round(now - self.last, 3)
        self.last = now


def _full(store: Store, weights: Weights, summary: RunSummary, ctx: Context) -> None:
    timer = _Timer(summary)
    run_id, now = ctx.run_id, ctx.now
    links = stages.link_stage(store, weights, run_id, population=ctx.population, now=now)
    summary.counts["links"] = len(links.links)
    timer.lap("links")

    pairs = stages.pair_stage(store, weights, links, run_id=run_id, now=now)
    summary.counts.update(candidate_pairs=pairs.candidates, scored_pairs=len(pairs.scores))
    timer.lap("pairs")

    sellers = stages.seller_stage(weights, links, pairs)
    write_seller_scores(
        store,
        {account_id(key): score.value for key, score in sellers.items()},
        run_id=run_id,
        now=now,
    )
    timer.lap("sellers")

    clusters = stages.cluster_stage(store, weights, links, pairs, sellers, run_id=run_id, now=now)
    summary.counts.update(clusters=len(clusters.clusters), clusters_dissolved=clusters.dissolved)
    timer.lap("clusters")

    counts = stages.flag_stage(store, weights, pairs, sellers, clusters, run_id=run_id, now=now)
    summary.counts["flags"] = asdict(counts)
    timer.lap("flags")
