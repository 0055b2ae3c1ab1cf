"""Search, seller and buyer profiles, a seller's network and enforcement standing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from sidedeal.api.deps import SettingsDep, StoreDep, ViewerDep, as_json, shown
from sidedeal.api.routers.params import BuyerId, SellerId
from sidedeal.api.schemas.common import READ_ERRORS
from sidedeal.api.schemas.lists import IdentifierKind, IdentifierKinds
from sidedeal.casework import enforcement, network, profiles, search
from sidedeal.casework.enforcement import EnforcementStatus
from sidedeal.casework.network import Network
from sidedeal.casework.profiles import Profile
from sidedeal.casework.search import SEARCH_KINDS, SearchResult
from sidedeal.errors import BadInput
from sidedeal.identifiers.registry import describe
from sidedeal.ids import buyer_key, seller_key

router = APIRouter(tags=["accounts"], responses=READ_ERRORS)

# Every identifier kind of the registry is searchable; the pattern keeps the list in one place.
SEARCH_KIND_PATTERN = "^(" + "|".join(SEARCH_KINDS) + ")$"


@router.get("/search", response_model=SearchResult)
def search_accounts(
    actor: ViewerDep,
    store: StoreDep,
    settings: SettingsDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="What to look for.")],
    kind: Annotated[
        str,
        Query(
            pattern=SEARCH_KIND_PATTERN,
            description="auto: every kind the query can be; else one of: "
            + ", ".join(SEARCH_KINDS),
        ),
    ] = "auto",
    country: Annotated[
        str | None,
        Query(pattern=r"^[A-Za-z]{2}$", description="Region for a phone without country code."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    """Accounts by id or name (case-insensitive, contains), identifiers of every kind (email,
    phone in any format, handle, IBAN, payout account, website, IP, device, address),
    normalised the way ingest normalised them."""
    result = search.search(
        store, q, kind=kind, country=country, regions=settings.phone_regions, limit=limit
    )
    if not result.identifiers:
        return as_json(result)
    keys = [i.key for i in result.identifiers]
    return as_json(shown(result, actor, store, "search", keys, {"q": q}))


@router.get("/identifier-kinds", response_model=IdentifierKinds)
async def identifier_kinds(actor: ViewerDep) -> IdentifierKinds:
    """The identifier kinds sidedeal knows (from its registry): what each is, whether viewers
    see it masked, the data contract's names for it and the scanner findings that stand for it;
    every one is a ``kind`` of ``GET /search``."""
    data = [IdentifierKind.model_validate(k) for k in describe()]
    return IdentifierKinds(data=data, count=len(data))


@router.get("/sellers/{seller_id}", response_model=Profile)
def seller_profile(seller_id: SellerId, actor: ViewerDep, store: StoreDep) -> Response:
    """Who the seller is, their figures, flags, strikes, clusters, identifiers and top pairs."""
    view = profiles.profile(store, "seller", seller_id)
    return as_json(shown(view, actor, store, "seller.read", [seller_key(seller_id)]))


@router.get("/buyers/{buyer_id}", response_model=Profile)
def buyer_profile(buyer_id: BuyerId, actor: ViewerDep, store: StoreDep) -> Response:
    """Who the buyer is, their figures, flags, clusters, identifiers and top pairs."""
    view = profiles.profile(store, "buyer", buyer_id)
    return as_json(shown(view, actor, store, "buyer.read", [buyer_key(buyer_id)]))


@router.get("/sellers/{seller_id}/network", response_model=Network)
def seller_network(
    seller_id: SellerId,
    actor: ViewerDep,
    store: StoreDep,
    settings: SettingsDep,
    depth: Annotated[int, Query(ge=1, le=3, description="Account-to-account steps.")] = 1,
    limit: Annotated[int, Query(ge=1, description="At most this many nodes.")] = 200,
) -> Response:
    """The seller's neighbourhood: accounts, identifiers, pairs and flags as nodes and edges;
    ``truncated`` is true when ``limit`` cut it short."""
    if limit > settings.network_max_nodes:
        raise BadInput(f"limit may be at most {settings.network_max_nodes} nodes")
    view = network.network(store, seller_id, depth=depth, limit=limit)
    objects = [seller_key(seller_id)]
    return as_json(shown(view, actor, store, "network.read", objects, {"depth": depth}))


@router.get("/sellers/{seller_id}/enforcement", response_model=EnforcementStatus)
def seller_enforcement(
    seller_id: SellerId, actor: ViewerDep, store: StoreDep, settings: SettingsDep
) -> EnforcementStatus:
    """Active strikes, the ladder, and the step the open (or next) case leads to."""
    return enforcement.status(store, seller_id, settings.enforcement_ladder)
