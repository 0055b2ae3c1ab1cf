"""The FastAPI application: one Store (one Neo4j driver) per process, opened in the lifespan.

``create_app(settings, store=None)``: tests pass the test store (the app then leaves it open);
``sidedeal serve`` passes nothing and the app opens and closes its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from sidedeal.analysis.config import load_weights
from sidedeal.api import errors
from sidedeal.api.middleware import RequestIdMiddleware
from sidedeal.api.routers import accounts, admin, cases, exports, flags, health, pairs
from sidedeal.casework.runs import Launcher
from sidedeal.graph.store import Store
from sidedeal.settings import Settings, get_settings

DESCRIPTION = """
Investigate off-platform sales: search accounts and contact identifiers, read a seller's network
and a pair's evidence, work the flag queue, decide, and enforce (cases, notices along the
escalation ladder, recovery orders).

Authenticate with an API key (`sidedeal keys create --role admin|investigator|viewer`) in the
`X-API-Key` header or as `Authorization: Bearer <key>`. Viewers see contact values masked;
every write and every unmasked read of contact data is recorded in the audit trail (`/audit`).
Errors are JSON `{error, message, request_id, fields}`; send `X-Request-ID` to choose the id.
"""


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    """Build the app; see the module docstring."""
    config = settings or get_settings()
    # Bad weights stop start-up here, not the first analysis run started from the API.
    weights = load_weights(config.weights_file)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = store is None
        app.state.store = store if store is not None else Store.from_settings(config)
        app.state.launcher = Launcher()
        try:
            yield
        finally:
            app.state.launcher.shutdown()
            if own:
                app.state.store.close()

    app = FastAPI(
        title="sidedeal",
        version=health.VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = config
    app.state.weights = weights
    errors.install(app)
    for module in (health, accounts, pairs, flags, cases, admin, exports):
        app.include_router(module.router)
    if config.api_cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=config.api_cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["X-API-Key", "Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID"],
        )
    app.add_middleware(RequestIdMiddleware)
    return app
