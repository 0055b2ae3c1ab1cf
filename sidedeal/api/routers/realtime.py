"""The marketplace's own systems: the pre-send check and streamed events.

Both are called by machines at the marketplace's pace (``service`` keys): they are counted per key
rather than audited call by call (see ``sidedeal.casework.usage``), and findings come back
unmasked, since the caller wrote the text.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from sidedeal.api.deps import EventsDep, RescorerDep, ScanDep, SettingsDep, StoreDep, as_json
from sidedeal.api.schemas.common import errors
from sidedeal.api.schemas.realtime import EventsIn, ScanIn, ScanResults
from sidedeal.casework import events, presend
from sidedeal.casework.events import EventsReport
from sidedeal.casework.presend import Policy, Verdict
from sidedeal.errors import BadInput

router = APIRouter(tags=["real time"])


@router.post("/scan", response_model=Verdict | ScanResults, responses=errors(400, 401, 403, 422))
async def scan(body: ScanIn, request: Request, actor: ScanDep, settings: SettingsDep) -> Response:
    """May this message go out as written? The findings (contact details with their spans),
    the cues, and the policy's action: ``allow``, ``nudge`` (remind the sender of the policy) or
    ``hold`` (queue it for review), with the rules and the reason. Send one message, or a batch
    as ``messages`` (answered as ``results``, in order). Nothing is stored."""
    batch = body.batch()
    if len(batch) > settings.scan_max_messages:
        raise BadInput(
            f"{len(batch)} messages in one request; at most {settings.scan_max_messages} "
            "(SIDEDEAL_SCAN_MAX_MESSAGES)"
        )
    policy: Policy = request.app.state.scan_policy
    verdicts = [
        presend.check(
            m.text,
            m.country,
            m.sender_role,
            policy,
            settings.platform_domains,
            message_id=m.id,
            conversation_id=m.conversation_id,
        )
        for m in batch
    ]
    if body.messages is None:
        return as_json(verdicts[0])
    return as_json(ScanResults(results=verdicts))


@router.post("/events", response_model=EventsReport, responses=errors(400, 401, 403, 409, 422, 503))
def receive_events(
    body: EventsIn,
    actor: EventsDep,
    store: StoreDep,
    settings: SettingsDep,
    rescorer: RescorerDep,
    wait: Annotated[
        float,
        Query(ge=0, le=60, description="Seconds to wait for the re-score of the events' pairs."),
    ] = 0,
) -> EventsReport:
    """Contract rows as they happen: ``{"type": "message", "data": {...}}``, or a batch as
    ``events``. Types: seller, buyer, listing, conversation, message, order, contact; ``data``
    has the contract's columns. Each event is checked exactly as ``sidedeal ingest`` checks a
    row and answered ``accepted``, ``duplicate`` (the same row id and content again: nothing
    written) or ``rejected`` with the reason (nothing written). An accepted message is scanned
    and updates its pair as ingest would. The pairs whose evidence changed and their sellers are
    then scored again within seconds, in the background (``rescore``: ``queued``; with ``wait``
    the answer waits for it: ``done`` with its run), raising or updating their flags as a full
    analysis would; clusters wait for the periodic run."""
    batch = body.batch()
    if len(batch) > settings.events_max_batch:
        raise BadInput(
            f"{len(batch)} events in one request; at most {settings.events_max_batch} "
            "(SIDEDEAL_EVENTS_MAX_BATCH)"
        )
    return events.receive(
        store, rescorer, batch, platform_domains=settings.platform_domains, wait_s=wait
    )
