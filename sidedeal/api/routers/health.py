"""Liveness and readiness, without a key (load balancers and other tools poll them)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sidedeal.api.deps import StoreDep
from sidedeal.api.schemas.common import ErrorOut, Health, Ready, errors
from sidedeal.graph import schema

VERSION = "0.1.0"

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
async def health() -> Health:
    """The process is up (says nothing about Neo4j: see /ready)."""
    return Health(status="ok", version=VERSION)


@router.get("/ready", response_model=Ready, responses=errors(503))
def ready(request: Request, store: StoreDep) -> Ready | JSONResponse:
    """Neo4j answers and every schema migration is applied; 503 with the reason otherwise."""
    version = store.ping()
    pending = schema.pending(store)
    if pending:
        body = ErrorOut(
            error="migrations_pending",
            message=f"migrations not applied: {', '.join(pending)}; run `sidedeal db migrate`",
            request_id=getattr(request.state, "request_id", None),
        )
        return JSONResponse(body.model_dump(exclude_none=True), status_code=503)
    return Ready(status="ready", neo4j=version, pending_migrations=[])
