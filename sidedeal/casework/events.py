"""Streaming events (``POST /events``): contract rows as they happen, written as ingest writes them,
and the pairs they touch scored again within seconds.

The checks and writes are ingest's own (:mod:`sidedeal.ingest.events`). The buyer-seller pairs
whose evidence changed (an accepted message, order or conversation) are then handed to the
process's :class:`~sidedeal.casework.rescorer.Rescorer`, which scores them and their sellers again
with the analysis' incremental re-score, raising or updating the flags a full run would (and
their webhooks). ``wait`` seconds > 0 waits for that pass and reports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel

from sidedeal.casework.rescorer import Rescorer
from sidedeal.graph.store import Store
from sidedeal.ingest.events import apply_events
from sidedeal.ingest.loaders import default_scanner


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
    """The re-score of the events' pairs: ``queued`` (within seconds), or, when the request
    waited for it, ``done`` (with the run of mode ``pairs`` it recorded), ``failed`` (the
    periodic run will score them) or ``timeout`` (still queued)."""

    status: Literal["queued", "done", "failed", "timeout"]
    pairs: int
    run_id: str | None = None
    pairs_rescored: int | None = None
    sellers_rescored: int | None = None
    flags_raised: int | None = None  # pair and seller flags at or above the threshold
    flags_new: int | None = None
    flags_alerted: int | None = None
    error: str | None = None


class EventsReport(BaseModel):
    data: list[EventAnswer]
    accepted: int
    duplicate: int
    rejected: int
    findings: int  # contact details and cues the scanner found in accepted messages
    pairs: list[PairRef]  # pairs whose evidence changed
    rescore: Rescore | None  # None when no pair's evidence changed


def receive(
    store: Store,
    rescorer: Rescorer,
    events: Sequence[Any],
    *,
    platform_domains: Sequence[str],
    wait_s: float = 0.0,
) -> EventsReport:
    """Check and write ``events``, then have their pairs scored again; see the module docstring."""
    result = apply_events(store, list(events), default_scanner(list(platform_domains)))
    rescore = None
    if result.pairs:
        ticket = rescorer.submit(result.pairs)
        rescore = Rescore(status="queued", pairs=len(result.pairs))
        if wait_s > 0:
            rescore = _waited(rescorer.wait(ticket, wait_s), len(result.pairs))
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


def _waited(done: Any, pairs: int) -> Rescore:
    if done is None:
        return Rescore(status="timeout", pairs=pairs)
    if done.summary is None:
        return Rescore(status="failed", pairs=pairs, error=done.error)
    summary = done.summary
    flags: dict[str, Any] = summary.counts.get("flags") or {}
    return Rescore(
        status="done",
        pairs=pairs,
        run_id=summary.run_id,
        pairs_rescored=int(summary.counts.get("pairs_rescored", 0)),
        sellers_rescored=int(summary.counts.get("sellers_rescored", 0)),
        flags_raised=int(flags.get("raised", 0)),
        flags_new=int(flags.get("new", 0)),
        flags_alerted=int(flags.get("alerted", 0)),
    )
