"""The FastAPI application: one Store (one Neo4j driver) per process, opened in the lifespan.

``create_app(settings, store=None)``: tests pass the test store (the app then leaves it open);
``sidedeal serve`` passes nothing and the app opens and closes its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool

from sidedeal.analysis.config import load_weights
from sidedeal.api import docs, errors
from sidedeal.api.deps import current_weights
from sidedeal.api.middleware import BodyLimitMiddleware, DeadlineMiddleware, RequestIdMiddleware
from sidedeal.api.routers import (
    accounts,
    admin,
    cases,
    exports,
    flags,
    health,
    learning,
    pairs,
    realtime,
    webhooks,
)
from sidedeal.casework.keys import KeyCache
from sidedeal.casework.presend import load_policy
from sidedeal.casework.rescorer import Rescorer
from sidedeal.casework.runs import Launcher
from sidedeal.casework.usage import UsageCounter
from sidedeal.graph.store import Store
from sidedeal.settings import Settings, get_settings

DESCRIPTION = """
Investigate off-platform sales: search accounts and contact identifiers, read a seller's network
and a pair's evidence, work the flag queue, decide, and enforce (cases, notices along the
escalation ladder, recovery orders).

The marketplace's own systems (`service` keys) ask before a message goes out (`POST /scan`),
stream messages and orders as they happen (`POST /events`), and hear of flags, decisions and
enforcement through signed webhooks (`/webhooks`, admin).

Authenticate with an API key (`sidedeal keys create --role admin|investigator|viewer|service`)
in the `X-API-Key` header or as `Authorization: Bearer <key>`. Viewers see contact values masked;
every write and every unmasked read of contact data is recorded in the audit trail (`/audit`);
service keys are counted per key instead. Errors are JSON `{error, message, request_id, fields}`;
send `X-Request-ID` to choose the id.
"""
# How often the service keys' request counts are added to the graph.
USAGE_FLUSH_S = 5.0
log = logging.getLogger("sidedeal.api")


async def _flush_usage(app: FastAPI, every_s: float) -> None:
    """Add the counted service calls to their keys every ``every_s`` seconds (and once more
    when the API stops, in the lifespan)."""
    while True:
        await asyncio.sleep(every_s)
        try:
            await run_in_threadpool(app.state.usage.flush, app.state.store)
        except Exception as error:  # kept for the next flush; the API goes on
            log.warning("could not record service key usage: %s", error)


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    """Build the app; see the module docstring."""
    config = settings or get_settings()
    # Bad weights stop start-up here, not the first analysis run started from the API.
    weights = load_weights(config.weights_file)
    # So does a bad pre-send policy, instead of the first message checked.
    policy = load_policy(config.scan_policy_file)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = store is None
        app.state.store = store if store is not None else Store.from_settings(config)
        app.state.launcher = Launcher()
        app.state.rescorer = Rescorer(app.state.store, lambda: current_weights(app))
        app.state.rescorer.start()
        flusher = asyncio.create_task(_flush_usage(app, USAGE_FLUSH_S))
        try:
            yield
        finally:
            await run_in_threadpool(app.state.rescorer.stop)
            flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await flusher
            try:
                app.state.usage.flush(app.state.store)
            except Exception as error:
                log.warning("could not record service key usage at shutdown: %s", error)
            app.state.launcher.shutdown()
            if own:
                app.state.store.close()

    app = FastAPI(
        title="sidedeal",
        version=health.VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = config
    app.state.weights = weights
    app.state.scan_policy = policy
    app.state.usage = UsageCounter()
    app.state.key_cache = KeyCache(config.api_key_cache_s)
    errors.install(app)
    docs.install(app)
    for module in (
        health,
        accounts,
        pairs,
        flags,
        cases,
        admin,
        exports,
        realtime,
        webhooks,
        learning,
    ):
        app.include_router(module.router)
    if config.api_cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=config.api_cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["X-API-Key", "Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID"],
        )
    # Outermost last: the request id first, then the deadline (which also bounds reading the
    # body), then the body limit.
    app.add_middleware(BodyLimitMiddleware, limit=config.api_max_body_bytes)
    app.add_middleware(DeadlineMiddleware, timeout_s=config.api_request_timeout_s)
    app.add_middleware(RequestIdMiddleware)
    return app
