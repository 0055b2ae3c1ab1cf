"""The record of an analysis run (a ``Run`` node) and what a run reads before it starts.

Every run records its mode (``full``, ``incremental``, or ``pairs`` for :func:`rescore_pairs`),
why a run asked to be incremental was full, its weights and their stored version (the
``WeightsVersion`` of the same digest, see ``casework/weights.py``), and what the next incremental
run starts from: the server's time as it started (the watermark), the population step, the data's
"now" and the pairs allow-listed or snoozed (see ``incremental.py``).
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, LiteralString

from sidedeal.analysis import changes
from sidedeal.analysis import pairs as pair_scoring
from sidedeal.analysis.config import Weights
from sidedeal.analysis.incremental import Baseline, Context, suppressed_json
from sidedeal.analysis.links import count_population
from sidedeal.analysis.stages import read_suppressed
from sidedeal.graph.outbox import outbox_call
from sidedeal.graph.store import Store

START_RUN: LiteralString = """
CREATE (r:Run {run_id: $run_id, started_at: datetime($now), status: 'running',
               parameters: $parameters, trigger: $trigger, mode: $mode, reason: $reason,
               weights_sha1: $weights_sha1, population: $population, accounts: $accounts,
               as_of_us: $as_of_us, suppressed: $suppressed, watermark: datetime(),
               values_written: true})
SET r.weights_version = COLLECT {
  MATCH (v:WeightsVersion {digest: $weights_sha1}) RETURN v.version
}[0]
RETURN r.weights_version AS weights_version
"""

# Webhooks hear of completed runs of the whole graph (a re-score of one event's pairs is a run
# too, of mode `pairs`: its flags are events of their own, the run is not).
FINISH_RUN: LiteralString = """
MATCH (r:Run {run_id: $run_id})
SET r.finished_at = datetime(), r.status = $status, r.counts = $counts, r.error = $error,
    r.seconds = $seconds
""" + outbox_call(
    "r",
    "'run.completed'",
    "r {.run_id, .status, .mode, .trigger, .seconds, counts_json: r.counts, as_of: $as_of}",
    "r.status = 'completed' AND r.mode IN ['full', 'incremental']",
)

# The last full or incremental run (a crashed one included: the next run is then full).
LAST_RUN: LiteralString = """
MATCH (r:Run) WHERE r.mode IN ['full', 'incremental']
WITH r ORDER BY r.started_at DESC LIMIT 1
RETURN r.run_id AS run_id, r.status AS status, r.population AS population,
       r.as_of_us AS as_of_us, r.suppressed AS suppressed, r.weights_sha1 AS weights_sha1,
       r.values_written AS values_written,
       toString(r.watermark - duration({seconds: $slack})) AS since
"""


LAST_FULL: LiteralString = """
MATCH (r:Run {mode: 'full', status: 'completed'})
WITH max(r.started_at) AS last
RETURN CASE WHEN last IS NULL THEN null
            ELSE duration.inSeconds(last, datetime($now)).seconds END AS age
"""


def full_due(store: Store, every_s: float, now: datetime | None = None) -> bool:
    """Whether the last complete full run started ``every_s`` seconds ago or more (or never)."""
    rows = store.read(LAST_FULL, {"now": (now or utc_now()).isoformat()})
    age = rows[0]["age"] if rows else None
    return age is None or age >= every_s


@dataclass
class RunSummary:
    run_id: str
    status: str = "running"
    mode: str = "full"
    reason: str | None = None
    # The stored weights version these weights are (by digest), None for weights never stored.
    weights_version: str | None = None
    as_of: str | None = None
    seconds: float = 0.0
    counts: dict[str, Any] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def new_run_id(now: datetime) -> str:
    return now.strftime("run-%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]


def weights_digest(weights: Weights) -> str:
    return hashlib.sha1(weights.model_dump_json().encode()).hexdigest()[:12]


def read_baseline(store: Store, weights: Weights) -> tuple[Baseline | None, str]:
    """The last complete run to start from, or None and why a full run is needed."""
    rows = store.read(LAST_RUN, {"slack": changes.WATERMARK_SLACK.total_seconds()})
    if not rows:
        return None, "no earlier run"
    row = rows[0]
    if row["status"] != "completed":
        return None, f"the last run ({row['run_id']}) did not complete"
    if row["weights_sha1"] != weights_digest(weights):
        return None, "the weights changed"
    if not row["values_written"]:
        # Its flags have no money at stake, rank or last evidence (analysis/value.py), and an
        # incremental run would give them only to what changed.
        return None, "the last run predates money at stake on flags"
    if row["population"] is None or row["as_of_us"] is None or row["since"] is None:
        return None, f"the last run ({row['run_id']}) left nothing to start from"
    baseline = Baseline(
        run_id=row["run_id"],
        since=row["since"],
        population=float(row["population"]),
        as_of_us=int(row["as_of_us"]),
        suppressed=json.loads(row["suppressed"] or "{}"),
        weights_sha1=row["weights_sha1"],
    )
    return baseline, ""


def context(store: Store, run_id: str, now: str) -> tuple[Context, int]:
    """This run's view of the graph, and the number of accounts."""
    as_of = pair_scoring.latest_event(store)
    accounts, population = count_population(store)
    ctx = Context(
        run_id=run_id,
        now=now,
        as_of=as_of,
        as_of_us=pair_scoring.epoch_micros(as_of),
        population=population,
        suppressed=read_suppressed(store, now),
    )
    return ctx, accounts


@contextmanager
def recorded(
    store: Store,
    summary: RunSummary,
    ctx: Context,
    *,
    weights: Weights,
    accounts: int,
    trigger: str,
) -> Iterator[None]:
    """Record the run as it starts, and its outcome (counts, error, seconds) as it ends."""
    started = time.perf_counter()
    digest = weights_digest(weights)
    started_rows = store.write(
        START_RUN,
        {
            "run_id": summary.run_id,
            "now": ctx.now,
            "parameters": json.dumps({"weights_sha1": digest, "weights": weights.model_dump()}),
            "trigger": trigger,
            "mode": summary.mode,
            "reason": summary.reason,
            "weights_sha1": digest,
            "population": ctx.population,
            "accounts": accounts,
            "as_of_us": ctx.as_of_us,
            "suppressed": suppressed_json(ctx.suppressed),
        },
    )
    summary.weights_version = started_rows[0]["weights_version"] if started_rows else None
    summary.as_of = ctx.as_of.isoformat() if ctx.as_of else None
    try:
        yield
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
                "run_id": summary.run_id,
                "status": summary.status,
                "counts": json.dumps(summary.counts, default=_plain),
                "error": summary.counts.get("error"),
                "seconds": summary.seconds,
                "as_of": summary.as_of,
            },
        )


def _plain(value: Any) -> Any:
    return asdict(value)


def utc_now() -> datetime:
    return datetime.now(UTC)
