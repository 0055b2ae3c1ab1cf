"""Streaming events (``POST /events``): contract rows as they happen, written as ingest writes them.

The checks and writes are ingest's own (:mod:`sidedeal.ingest.events`); this module is the use
case around them: it answers per event, and reports the buyer-seller pairs whose evidence changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel

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


class EventsReport(BaseModel):
    data: list[EventAnswer]
    accepted: int
    duplicate: int
    rejected: int
    findings: int  # contact details and cues the scanner found in accepted messages
    pairs: list[PairRef]  # pairs whose evidence changed


def receive(
    store: Store, events: Sequence[Any], *, platform_domains: Sequence[str]
) -> EventsReport:
    """Check and write ``events``; see the module docstring."""
    result = apply_events(store, list(events), default_scanner(list(platform_domains)))
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
    )
