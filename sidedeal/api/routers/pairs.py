"""A buyer-seller pair: its evidence, and allow-listing or snoozing it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from sidedeal.api.deps import InvestigatorDep, StoreDep, ViewerDep, as_json, shown
from sidedeal.api.routers.params import BuyerId, Limit, Offset, SellerId
from sidedeal.api.schemas.bodies import AllowListIn
from sidedeal.api.schemas.common import READ_ERRORS, WRITE_ERRORS
from sidedeal.api.schemas.lists import AllowListPublic
from sidedeal.casework import allowlist
from sidedeal.casework.allowlist import AllowListEntry
from sidedeal.casework.pairs import PairDetail, pair_detail
from sidedeal.ids import pair_flag_id

router = APIRouter(tags=["pairs"])


@router.get("/pairs/{buyer_id}/{seller_id}", response_model=PairDetail, responses=READ_ERRORS)
def get_pair(
    buyer_id: BuyerId,
    seller_id: SellerId,
    actor: ViewerDep,
    store: StoreDep,
    max_messages: Annotated[int, Query(ge=1, le=5000, description="Per conversation.")] = 500,
) -> Response:
    """Conversations as a timeline with each message's finding spans, the orders between the
    two, the pair's figures, score factors and features, its flag and allow-list entry."""
    view = pair_detail(store, buyer_id, seller_id, max_messages=max_messages)
    objects = [pair_flag_id(buyer_id, seller_id)]
    return as_json(shown(view, actor, store, "pair.read", objects))


@router.put(
    "/pairs/{buyer_id}/{seller_id}/allow-list",
    response_model=AllowListEntry,
    responses=WRITE_ERRORS,
)
def set_allow_list(
    buyer_id: BuyerId,
    seller_id: SellerId,
    body: AllowListIn,
    actor: InvestigatorDep,
    store: StoreDep,
) -> AllowListEntry:
    """Allow-list or snooze the pair until ``expires_at``: its flag leaves the queue until then."""
    return allowlist.set_entry(
        store,
        buyer_id,
        seller_id,
        mode=body.mode,
        reason=body.reason,
        expires_at=body.expires_at,
        actor=actor,
    )


@router.delete("/pairs/{buyer_id}/{seller_id}/allow-list", status_code=204, responses=WRITE_ERRORS)
def lift_allow_list(
    buyer_id: BuyerId, seller_id: SellerId, actor: InvestigatorDep, store: StoreDep
) -> Response:
    """Lift the pair's allow-list or snooze entry now."""
    allowlist.lift(store, buyer_id, seller_id, actor)
    return Response(status_code=204)


@router.get("/allow-list", response_model=AllowListPublic, responses=READ_ERRORS)
def list_allow_list(
    actor: ViewerDep,
    store: StoreDep,
    include_expired: bool = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> AllowListPublic:
    """Allow-listed and snoozed pairs, soonest expiry first."""
    data, count = allowlist.entries(
        store, include_expired=include_expired, limit=limit, offset=offset
    )
    view = AllowListPublic(data=data, count=count)
    if not data:
        return view
    return shown(view, actor, store, "allow_list.read", [e.flag_id for e in data])
