"""Streaming events (``POST /events``): contract rows as they happen, written as ingest writes them,
and the pairs they touch scored again at once.

The checks and writes are ingest's own (:mod:`sidedeal.ingest.events`). Then, within the same
request, the buyer-seller pairs whose evidence changed (an accepted message, order or
conversation) and their sellers are scored again with the analysis' own incremental re-score
(:func:`sidedeal.analysis.run.rescore_pairs`): the pair and seller flags a full run would raise
are raised or updated before the response goes out (and their webhooks are in the outbox). Why in
the request rather than a background task: the caller learns the outcome in the answer, a crash
after the answer loses nothing, and there is no queue to watch. Clusters wait for the periodic run.

Re-scores run one at a time in a process (``rescore_pairs`` wants one writer per seller); the
events' own writes do not wait for each other.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel

from sidedeal.analysis.config import Weights
from sidedeal.analysis.run import rescore_pairs
from sidedeal.graph.store import Store
from sidedeal.ingest.events import apply_events
from sidedeal.ingest.loaders import default_scanner

_RESCORE = threading.Lock()


class EventAnswer(BaseModel):
    """One event's fate: ``accepted`` (written), ``duplicate`` (already received, nothing
    written) or ``rejected`` (nothing written; ``reason`` says why)."""

    index: int
    type: str | None
    id: str | None
    status: Literal["accepted", "duplicate", "rejected"]
    reason: str | None = None
    warnings: list[str] = []


class PairRef(BaseModel):
    buyer_id: str
    seller_id: str


class Rescore(BaseModel):
    """The re-score the events caused: a run of mode ``pairs`` (``GET /runs/{run_id}``)."""

    run_id: str
    pairs_rescored: int
    sellers_rescored: int
    flags_raised: int  # pair and seller flags at or above the threshold after the re-score
    flags_new: int
    flags_alerted: int


class EventsReport(BaseModel):
    data: list[EventAnswer]
    accepted: int
    duplicate: int
    rejected: int
    findings: int  # contact details and cues the scanner found in accepted messages
    pairs: list[PairRef]  # pairs whose evidence changed
    rescore: Rescore | None  # None when no pair's evidence changed


def receive(
    store: Store, weights: Weights, events: Sequence[Any], *, platform_domains: Sequence[str]
) -> EventsReport:
    """Check and write ``events``, then score their pairs again; see the module docstring."""
    result = apply_events(store, list(events), default_scanner(list(platform_domains)))
    rescore = None
    if result.pairs:
        with _RESCORE:
            summary = rescore_pairs(store, weights, result.pairs, trigger="events")
        flags: dict[str, Any] = summary.counts.get("flags") or {}
        rescore = Rescore(
            run_id=summary.run_id,
            pairs_rescored=int(summary.counts.get("pairs_rescored", 0)),
            sellers_rescored=int(summary.counts.get("sellers_rescored", 0)),
            flags_raised=int(flags.get("raised", 0)),
            flags_new=int(flags.get("new", 0)),
            flags_alerted=int(flags.get("alerted", 0)),
        )
    return EventsReport(
        data=[
            EventAnswer(
                index=o.index,
                type=o.type,
                id=o.id,
                status=o.status,
                reason=o.reason,
                warnings=o.warnings,
            )
            for o in result.outcomes
        ],
        accepted=result.count("accepted"),
        duplicate=result.count("duplicate"),
        rejected=result.count("rejected"),
        findings=result.findings,
        pairs=[PairRef(buyer_id=b, seller_id=s) for b, s in sorted(result.pairs)],
        rescore=rescore,
    )
