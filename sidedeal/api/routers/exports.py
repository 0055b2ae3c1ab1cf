"""Exports of flags and of a seller's network, as JSON or CSV (masked for viewers, audited when
not)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from sidedeal.api.deps import SettingsDep, StoreDep, ViewerDep, shown
from sidedeal.api.routers.params import SellerId
from sidedeal.api.schemas.bodies import ExportFormat
from sidedeal.api.schemas.common import READ_ERRORS
from sidedeal.api.schemas.lists import FlagsPublic
from sidedeal.casework import export, network
from sidedeal.casework.flags import FlagKind, FlagStatus
from sidedeal.casework.network import Network
from sidedeal.errors import BadInput
from sidedeal.ids import seller_key

router = APIRouter(tags=["export"])

CSV = "text/csv; charset=utf-8"


def _csv(text: str, filename: str) -> Response:
    return Response(
        text, media_type=CSV, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get(
    "/export/flags",
    response_model=FlagsPublic,
    responses={**READ_ERRORS, 200: {"content": {"text/csv": {}}, "description": "JSON or CSV"}},
)
def export_flags(
    actor: ViewerDep,
    store: StoreDep,
    settings: SettingsDep,
    format: ExportFormat = "json",
    status: Annotated[list[FlagStatus] | None, Query()] = None,
    kind: FlagKind | None = None,
    min_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    include_suppressed: bool = True,
) -> Response:
    """Every flag matching the filters, highest score first (the queue's filters, unpaged)."""
    flags = list(
        export.all_flags(
            store,
            statuses=status,
            kind=kind,
            min_score=min_score,
            include_suppressed=include_suppressed,
            commission_rate=settings.commission_rate,
        )
    )
    view = shown(
        FlagsPublic(data=flags, count=len(flags)),
        actor,
        store,
        "flags.export",
        [],
        {"count": len(flags), "format": format},
    )
    if format == "csv":
        return _csv(export.flags_csv(view.data), "flags.csv")
    return JSONResponse(view.model_dump(mode="json"))


@router.get(
    "/export/sellers/{seller_id}/network",
    response_model=Network,
    responses={**READ_ERRORS, 200: {"content": {"text/csv": {}}, "description": "JSON or CSV"}},
)
def export_network(
    seller_id: SellerId,
    actor: ViewerDep,
    store: StoreDep,
    settings: SettingsDep,
    format: ExportFormat = "json",
    part: Annotated[Literal["nodes", "edges"], Query(description="CSV: which table.")] = "nodes",
    depth: Annotated[int, Query(ge=1, le=3)] = 2,
    limit: Annotated[int, Query(ge=1)] = 1000,
) -> Response:
    """The seller's network; as CSV, one table per request (``part=nodes`` or ``edges``)."""
    if limit > settings.network_max_nodes:
        raise BadInput(f"limit may be at most {settings.network_max_nodes} nodes")
    view = shown(
        network.network(store, seller_id, depth=depth, limit=limit),
        actor,
        store,
        "network.export",
        [seller_key(seller_id)],
        {"depth": depth, "format": format},
    )
    if format == "csv":
        return _csv(export.network_csv(view, part), f"network-{part}.csv")
    return JSONResponse(view.model_dump(mode="json"))
