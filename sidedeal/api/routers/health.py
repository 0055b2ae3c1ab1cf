"""Liveness and readiness, without a key (load balancers and other tools poll them).

``/health`` touches nothing. ``/ready`` asks Neo4j on threads of its own (never the request
pool, which a hung Neo4j can fill) and answers within :data:`READY_TIMEOUT_S` whatever Neo4j does.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sidedeal.api.deps import StoreDep
from sidedeal.api.errors import unavailable
from sidedeal.api.schemas.common import ErrorOut, Health, Ready, errors
from sidedeal.errors import StoreUnavailable
from sidedeal.graph import schema
from sidedeal.graph.store import Store

VERSION = "0.1.0"
READY_TIMEOUT_S = 1.5
# Readiness checks stuck on a hung Neo4j stay here; later checks queue and time out.
_CHECKS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="ready-check")

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
async def health() -> Health:
    """The process is up (says nothing about Neo4j: see /ready)."""
    return Health(status="ok", version=VERSION)


def _check(store: Store) -> tuple[str, list[str]]:
    return store.ping(), schema.pending(store)


@router.get("/ready", response_model=Ready, responses=errors(503))
async def ready(request: Request, store: StoreDep) -> Ready | JSONResponse:
    """Neo4j answers and every schema migration is applied; 503 with the reason otherwise
    (within 2 s, also when Neo4j hangs)."""
    check = asyncio.get_running_loop().run_in_executor(_CHECKS, _check, store)
    try:
        version, pending = await asyncio.wait_for(check, READY_TIMEOUT_S)
    except TimeoutError:
        return unavailable(
            request, f"Neo4j at {store.uri} did not answer within {READY_TIMEOUT_S} s"
        )
    except StoreUnavailable as error:
        return unavailable(request, error.message)
    if pending:
        body = ErrorOut(
            error="migrations_pending",
            message=f"migrations not applied: {', '.join(pending)}; run `sidedeal db migrate`",
            request_id=getattr(request.state, "request_id", None),
        )
        return JSONResponse(body.model_dump(exclude_none=True), status_code=503)
    return Ready(status="ready", neo4j=version, pending_migrations=[])
