"""Analysis runs, the audit trail and API keys.

The audit trail is read-only through the API: there is no endpoint that changes or deletes an
event (PUT, PATCH and DELETE on ``/audit`` answer 405).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from sidedeal.api.deps import (
    AdminDep,
    AnyKeyDep,
    InvestigatorDep,
    LauncherDep,
    StoreDep,
    ViewerDep,
    WeightsDep,
)
from sidedeal.api.routers.params import Limit, ObjectId, Offset
from sidedeal.api.schemas.bodies import KeyIn
from sidedeal.api.schemas.common import READ_ERRORS, WRITE_ERRORS, Me
from sidedeal.api.schemas.lists import ApiKeysPublic, AuditEventsPublic, RunsPublic
from sidedeal.casework import audit, keys, runs
from sidedeal.casework.audit import AuditEventPublic
from sidedeal.casework.keys import ApiKeyCreated, ApiKeyPublic
from sidedeal.casework.runs import RunPublic
from sidedeal.errors import NotFound

router = APIRouter()

Text = Annotated[str | None, Query(min_length=1, max_length=300)]


@router.get("/runs", response_model=RunsPublic, responses=READ_ERRORS, tags=["runs"])
def list_runs(
    actor: ViewerDep, store: StoreDep, limit: Limit = 20, offset: Offset = 0
) -> RunsPublic:
    """Analysis runs, newest first, with their counts and timings."""
    data, count = runs.list_runs(store, limit=limit, offset=offset)
    return RunsPublic(data=data, count=count)


@router.get("/runs/{run_id}", response_model=RunPublic, responses=READ_ERRORS, tags=["runs"])
def get_run(run_id: ObjectId, actor: ViewerDep, store: StoreDep) -> RunPublic:
    return runs.get_run(store, run_id)


@router.post(
    "/runs",
    response_model=RunPublic,
    status_code=201,
    responses={**WRITE_ERRORS, 202: {"model": RunPublic, "description": "Started, still running"}},
    tags=["runs"],
)
def start_run(
    response: Response,
    actor: InvestigatorDep,
    store: StoreDep,
    launcher: LauncherDep,
    weights: WeightsDep,
    full: Annotated[
        bool, Query(description="Score everything again, not only what changed since the last run")
    ] = False,
) -> RunPublic:
    """Run the analysis now: incremental (what changed since the last run) unless ``full``. 201
    with the finished run when it ends within 2 s, 202 with the running one otherwise (poll
    GET /runs/{run_id}); 409 while another run holds the lock."""
    run, finished = launcher.start(store, weights, actor, full=full)
    if not finished:
        response.status_code = 202
    return run


@router.get("/audit", response_model=AuditEventsPublic, responses=READ_ERRORS, tags=["audit"])
def list_audit(
    actor: InvestigatorDep,
    store: StoreDep,
    actor_key: Annotated[str | None, Query(alias="actor", max_length=100)] = None,
    action: Text = None,
    object_id: Annotated[str | None, Query(alias="object", max_length=300)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    reads: Annotated[
        bool, Query(description="false: leave out unmasked reads (*.read, search, previews).")
    ] = True,
    limit: Limit = 50,
    offset: Offset = 0,
) -> AuditEventsPublic:
    """Audit events, newest first: who (key id and name), when, what, on which objects, in which
    request. ``actor`` matches a key id or a key's name."""
    data, count = audit.events(
        store,
        actor=actor_key,
        action=action,
        object_id=object_id,
        since=since,
        until=until,
        reads=reads,
        limit=limit,
        offset=offset,
    )
    return AuditEventsPublic(data=data, count=count)


@router.get(
    "/audit/{event_id}", response_model=AuditEventPublic, responses=READ_ERRORS, tags=["audit"]
)
def get_audit_event(
    event_id: ObjectId, actor: InvestigatorDep, store: StoreDep
) -> AuditEventPublic:
    found = audit.events(store, limit=1, event_id=event_id)[0]
    if not found:
        raise NotFound(f"no audit event {event_id!r}")
    return found[0]


@router.post(
    "/keys", response_model=ApiKeyCreated, status_code=201, responses=WRITE_ERRORS, tags=["keys"]
)
def create_key(body: KeyIn, actor: AdminDep, store: StoreDep) -> ApiKeyCreated:
    """Create a key; the response is the only time its secret is shown."""
    return keys.create_key(store, body.role, body.name, actor)


@router.get("/me", response_model=Me, responses=READ_ERRORS, tags=["keys"])
async def who_am_i(actor: AnyKeyDep) -> Me:
    """The calling key's name and role, and what that role may do (no audit event: no data)."""
    return Me(
        key_id=actor.key_id,
        name=actor.name,
        role=actor.role,
        can_write=actor.role in ("admin", "investigator"),
        can_send_events=actor.role in ("admin", "service"),
        unmasked=actor.unmasked,
        can_manage_keys=actor.role == "admin",
    )


@router.get("/keys", response_model=ApiKeysPublic, responses=READ_ERRORS, tags=["keys"])
def list_keys(actor: AdminDep, store: StoreDep) -> ApiKeysPublic:
    data = keys.list_keys(store)
    return ApiKeysPublic(data=data, count=len(data))


@router.post(
    "/keys/{key_id}/revoke", response_model=ApiKeyPublic, responses=WRITE_ERRORS, tags=["keys"]
)
def revoke_key(
    key_id: ObjectId, request: Request, actor: AdminDep, store: StoreDep
) -> ApiKeyPublic:
    """Revoke a key at once (it stays listed, revoked, so the audit trail can name it)."""
    revoked = keys.revoke(store, key_id, actor)
    request.app.state.key_cache.forget(key_id)
    return revoked
