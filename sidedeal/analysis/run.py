"""One analysis run: links, pair scores, seller scores, clusters, flags, recorded as a ``Run``.

Runs never overlap: a lock node in the graph is taken first (and released at the end, or expires if
the process died). The stages themselves are in :mod:`sidedeal.analysis.stages`.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, LiteralString

from sidedeal.analysis import stages
from sidedeal.analysis.config import Weights
from sidedeal.errors import Conflict
from sidedeal.graph.store import Store

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

START_RUN: LiteralString = """
CREATE (r:Run {run_id: $run_id, started_at: datetime($now), status: 'running',
               parameters: $parameters, trigger: $trigger})
"""

FINISH_RUN: LiteralString = """
MATCH (r:Run {run_id: $run_id})
SET r.finished_at = datetime(), r.status = $status, r.counts = $counts, r.error = $error,
    r.seconds = $seconds
"""


@dataclass
class RunSummary:
    run_id: str
    status: str = "running"
    as_of: str | None = None
    seconds: float = 0.0
    counts: dict[str, Any] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


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


def new_run_id(now: datetime) -> str:
    return now.strftime("run-%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]


def analyze(
    store: Store, weights: Weights, *, trigger: str = "cli", run_id: str | None = None
) -> RunSummary:
    """Run the whole analysis once; see the module docstring. ``run_id`` lets a caller (the API)
    know the run's id before it starts; by default one is made from the time."""
    started = time.perf_counter()
    now_dt = datetime.now(UTC)
    summary = RunSummary(run_id or new_run_id(now_dt))
    run_id, now = summary.run_id, now_dt.isoformat()
    acquire_lock(store, run_id)
    try:
        parameters = json.dumps(
            {"weights_sha1": _weights_digest(weights), "weights": weights.model_dump()}
        )
        store.write(
            START_RUN, {"run_id": run_id, "now": now, "parameters": parameters, "trigger": trigger}
        )
        try:
            _stages(store, weights, summary, now)
            summary.status = "completed"
        except BaseException as error:
            summary.status = "failed"
            summary.counts["error"] = f"{error.__class__.__name__}: {error}"
            raise
        finally:
            summary.seconds = round(time.perf_counter() - started, 3)
            store.write(
                FINISH_RUN,
                {
                    "run_id": run_id,
                    "status": summary.status,
                    "counts": json.dumps(summary.counts),
                    "error": summary.counts.get("error"),
                    "seconds": summary.seconds,
                },
            )
    finally:
        release_lock(store, run_id)
    return summary


def _weights_digest(weights: Weights) -> str:
    return hashlib.sha1(weights.model_dump_json().encode()).hexdigest()[:12]


class _Timer:
    def __init__(self, summary: RunSummary) -> None:
        self.summary, self.last = summary, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.summary.stage_seconds[stage] = round(now - self.last, 3)
        self.last = now


def _stages(store: Store, weights: Weights, summary: RunSummary, now: str) -> None:
    timer = _Timer(summary)
    run_id = summary.run_id
    links = stages.link_stage(store, weights, run_id)
    summary.counts["links"] = len(links.links)
    timer.lap("links")

    pairs = stages.pair_stage(store, weights, links, run_id=run_id, now=now)
    summary.as_of = pairs.as_of
    summary.counts.update(candidate_pairs=pairs.candidates, scored_pairs=len(pairs.scores))
    timer.lap("pairs")

    sellers = stages.seller_stage(weights, links, pairs)
    timer.lap("sellers")

    clusters = stages.cluster_stage(store, weights, links, pairs, sellers, run_id=run_id, now=now)
    summary.counts.update(clusters=len(clusters.clusters), clusters_dissolved=clusters.dissolved)
    timer.lap("clusters")

    counts = stages.flag_stage(store, weights, pairs, sellers, clusters, run_id=run_id, now=now)
    summary.counts["flags"] = asdict(counts)
    timer.lap("flags")
