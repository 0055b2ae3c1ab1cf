"""Analysis runs: the recorded history, and starting one now from the API.

A run started from the API executes in a worker thread of the API process (the same code as
``sidedeal analyze``, with the analysis's own lock, so it never overlaps the worker's or another
request's run). The request waits briefly: a lock held by another run is a 409 at once, a run
that finishes quickly is returned whole, a longer one is returned as ``running`` to poll.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import UTC, datetime
from typing import Any, LiteralString

from pydantic import BaseModel

from sidedeal.analysis.config import Weights
from sidedeal.analysis.run import LOCK_HOLDER, RunSummary, analyze, new_run_id
from sidedeal.casework.audit import record
from sidedeal.casework.common import Actor, loads, natives
from sidedeal.errors import Conflict, NotFound
from sidedeal.graph.store import Store

log = logging.getLogger(__name__)

RUN_FIELDS: LiteralString = """
r {.run_id, .started_at, .finished_at, .status, .counts, .seconds, .trigger, .error, .mode,
   .reason, .weights_version, flags_raised: COUNT { (:Flag)-[:RAISED_BY]->(r) }}
"""

RUNS: LiteralString = (
    """
MATCH (r:Run)
WITH r ORDER BY r.started_at DESC
WITH collect(r) AS runs
UNWIND (CASE WHEN size(runs) > $offset THEN runs[$offset..$offset + $limit] ELSE [null] END) AS r
RETURN size(runs) AS count, CASE WHEN r IS NULL THEN null ELSE """
    + RUN_FIELDS
    + " END AS run"
)

RUN: LiteralString = "MATCH (r:Run {run_id: $run_id}) RETURN " + RUN_FIELDS + " AS run"


class RunPublic(BaseModel):
    run_id: str
    started_at: datetime
    finished_at: datetime | None = None
    status: str
    seconds: float | None = None
    trigger: str | None = None
    error: str | None = None
    # full, incremental (what changed since the last run), or pairs (one event's pairs); with
    # why a run asked to be incremental was full.
    mode: str | None = None
    reason: str | None = None
    # The weights version the run scored with (None: weights never stored as a version).
    weights_version: str | None = None
    counts: dict[str, Any] = {}
    flags_raised: int = 0


def _run(raw: dict[str, Any]) -> RunPublic:
    item = natives(raw)
    item["counts"] = loads(item.get("counts"), {})
    return RunPublic(**item)


def list_runs(store: Store, *, limit: int = 20, offset: int = 0) -> tuple[list[RunPublic], int]:
    rows = store.read(RUNS, {"limit": limit, "offset": offset})
    count = int(rows[0]["count"]) if rows else 0
    return [_run(r["run"]) for r in rows if r["run"] is not None], count


def get_run(store: Store, run_id: str) -> RunPublic:
    rows = store.read(RUN, {"run_id": run_id})
    if not rows:
        raise NotFound(f"no analysis run {run_id!r}; list them with GET /runs")
    return _run(rows[0]["run"])


class Launcher:
    """Runs analyses in one background thread per API process."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="analysis")
        self._lock = threading.Lock()
        self._current: Future[RunSummary] | None = None

    def start(
        self,
        store: Store,
        weights: Weights,
        actor: Actor,
        *,
        full: bool = False,
        wait_s: float = 2.0,
    ) -> tuple[RunPublic, bool]:
        """Start a run; ``(run, finished)``. Raises Conflict when a run holds the lock."""
        with self._lock:
            if self._current is not None and not self._current.done():
                raise Conflict("an analysis run started from this API is still running")
            holder = store.read(LOCK_HOLDER)
            if holder and holder[0]["holder"]:
                raise Conflict(
                    f"analysis run {holder[0]['holder']} holds the lock; try again when it ends"
                )
            trigger = f"api:{actor.key_id}:{actor.request_id}"
            run_id = new_run_id(datetime.now(UTC))
            future = self._pool.submit(
                analyze, store, weights, full=full, trigger=trigger, run_id=run_id
            )
            self._current = future
        record(store, actor, "run.start", [run_id])
        try:
            summary = future.result(timeout=wait_s)
            return get_run(store, summary.run_id), True
        except FutureTimeout:
            pass
        except Conflict:
            raise  # another process took the lock between the check and the start
        except Exception:  # the run is recorded as failed, with its error: show that record
            log.exception("analysis run %s failed", run_id)
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:
            rows = store.read(RUN, {"run_id": run_id})
            if rows:
                run = _run(rows[0]["run"])
                return run, run.status != "running"
            if future.done() and isinstance(future.exception(), Conflict):
                raise Conflict(str(future.exception()))
            time.sleep(0.1)
        raise Conflict("the analysis run did not start within 7 s; see GET /runs")

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
