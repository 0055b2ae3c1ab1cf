"""Dependencies shared by the routers, as ``Annotated`` aliases: the store, the settings, the
caller (by role), and :func:`shown`, which masks a view for viewers or audits an unmasked read.

Dependencies that do no I/O are ``async``: FastAPI runs a sync dependency in its thread pool, and
a hop per dependency per request is measurable under load. Views go out through :func:`as_json`,
which serialises the model once (FastAPI would validate it again in another thread hop first).

Keys are read from ``X-API-Key`` or ``Authorization: Bearer``. No key (or an unknown or revoked
one) is 401; a role that may not call the endpoint is 403.
"""

from __future__ import annotations

from typing import Annotated, Any, Protocol, Self, TypeVar

from fastapi import Depends, FastAPI, Request, Response, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from sidedeal.analysis.config import Weights
from sidedeal.api.errors import Forbidden, Unauthorized
from sidedeal.casework import audit
from sidedeal.casework import weights as weights_versions
from sidedeal.casework.common import Actor, Role
from sidedeal.casework.keys import KeyCache, Principal, verify
from sidedeal.casework.rescorer import Rescorer
from sidedeal.casework.runs import Launcher
from sidedeal.casework.usage import UsageCounter
from sidedeal.graph.store import Store
from sidedeal.settings import Settings

api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="An API key from `sidedeal keys create`."
)
bearer = HTTPBearer(auto_error=False, description="The same API key as a bearer token.")


async def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_launcher(request: Request) -> Launcher:
    launcher: Launcher = request.app.state.launcher
    return launcher


def current_weights(app: FastAPI) -> Weights:
    """The weights the analysis uses in this process: the one place the API reads them (runs
    started from it, and the re-score of what events touched). The active version in the graph,
    read each time (one small read per run or re-score pass), so an activation takes effect at
    once in every process; seeded from the weights file checked at start-up when the graph has
    none."""
    settings: Settings = app.state.settings
    return weights_versions.active_weights(app.state.store, settings.weights_file)


def get_weights(request: Request) -> Weights:
    # Sync: it reads the graph, so FastAPI runs it in the thread pool, off the event loop.
    return current_weights(request.app)


async def get_rescorer(request: Request) -> Rescorer:
    rescorer: Rescorer = request.app.state.rescorer
    return rescorer


StoreDep = Annotated[Store, Depends(get_store)]
WeightsDep = Annotated[Weights, Depends(get_weights)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
LauncherDep = Annotated[Launcher, Depends(get_launcher)]
RescorerDep = Annotated[Rescorer, Depends(get_rescorer)]


async def current_actor(
    request: Request,
    store: StoreDep,
    api_key: Annotated[str | None, Security(api_key_header)] = None,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)] = None,
) -> Actor:
    presented = api_key or (credentials.credentials if credentials else None)
    if not presented:
        raise Unauthorized(
            "no API key: send it as X-API-Key (or Authorization: Bearer); "
            "an admin creates one with `sidedeal keys create --role viewer`"
        )
    # A key verified a moment ago is not looked up again (see KeyCache); a miss asks Neo4j in
    # the thread pool, so the event loop never waits on the database.
    cache: KeyCache = request.app.state.key_cache
    principal: Principal | None = cache.get(presented)
    if principal is None:
        principal = await run_in_threadpool(verify, store, presented)
        if principal is None:
            raise Unauthorized("the API key is unknown or revoked; ask an admin for a new one")
        cache.put(presented, principal)
    return Actor(
        key_id=principal.key_id,
        name=principal.name,
        role=principal.role,
        request_id=getattr(request.state, "request_id", ""),
    )


class Require:
    """A dependency that lets only ``roles`` through (403 for the others).

    An instance rather than a closure, so the roles a route allows can be read back from the app
    (``tests/integration/api/test_routes.py`` checks every route has one).
    """

    def __init__(self, *roles: Role) -> None:
        self.roles = roles

    async def __call__(
        self, request: Request, actor: Annotated[Actor, Depends(current_actor)]
    ) -> Actor:
        if actor.role == "service":
            # Machine clients are counted per key (refused calls too), not audited call by call
            # (see UsageCounter).
            usage: UsageCounter = request.app.state.usage
            usage.add(actor.key_id)
        if actor.role not in self.roles:
            raise Forbidden(
                f"the {actor.role} role may not do this; it needs one of: {', '.join(self.roles)}"
            )
        return actor


ViewerDep = Annotated[Actor, Depends(Require("admin", "investigator", "viewer"))]
InvestigatorDep = Annotated[Actor, Depends(Require("admin", "investigator"))]
AdminDep = Annotated[Actor, Depends(Require("admin"))]
# The pre-send check: the marketplace's services, and people trying a text.
ScanDep = Annotated[Actor, Depends(Require("admin", "investigator", "service"))]
# Streaming events writes contract rows into the graph, as `sidedeal ingest` does: machines and
# admins only.
EventsDep = Annotated[Actor, Depends(Require("admin", "service"))]
# Any key at all (what am I?).
AnyKeyDep = Annotated[Actor, Depends(Require("admin", "investigator", "viewer", "service"))]


class Maskable(Protocol):
    def masked(self) -> Self: ...


V = TypeVar("V", bound=Maskable)


def shown(
    view: V,
    actor: Actor,
    store: Store,
    action: str,
    objects: list[str],
    detail: dict[str, Any] | None = None,
) -> V:
    """The view as ``actor`` may see it: masked for viewers; unmasked reads are audited."""
    if not actor.unmasked:
        return view.masked()
    audit.record(store, actor, action, objects, detail)
    return view


def as_json(view: BaseModel, status_code: int = 200) -> Response:
    """The view as a JSON response, serialised once by pydantic (the route's ``response_model``
    still documents it in OpenAPI, and the tests check responses against that document)."""
    return Response(view.model_dump_json(), status_code=status_code, media_type="application/json")
