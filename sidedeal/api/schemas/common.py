"""The error body every failure returns, and the status codes each router documents."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class FieldError(BaseModel):
    field: str = Field(description="Where the bad value is, e.g. `query.limit`, `body.note`.")
    message: str


class ErrorOut(BaseModel):
    """What went wrong and what to do about it; quote ``request_id`` when asking for help."""

    error: str = Field(description="A stable code: not_found, forbidden, invalid_request...")
    message: str
    request_id: str | None = None
    fields: list[FieldError] | None = None


class Health(BaseModel):
    status: str
    version: str


class Ready(BaseModel):
    status: str
    neo4j: str
    pending_migrations: list[str]


class Me(BaseModel):
    """The key a request came with: what a client needs to shape its screens."""

    key_id: str
    name: str
    role: str
    can_write: bool  # decide, assign, enforce, allow-list, start runs (investigator, admin)
    can_send_events: bool  # POST /events (service, admin)
    unmasked: bool  # sees contact values in full (everyone but viewers)
    can_manage_keys: bool  # admin


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the given error statuses, all with the ErrorOut body."""
    descriptions = {
        400: "The request breaks a rule (the message names it)",
        401: "No API key, or an unknown or revoked one",
        403: "The key's role may not do this",
        404: "No such object",
        405: "Method not allowed",
        409: "Conflicts with the current state (or an analysis run is in progress)",
        422: "Invalid parameters or body; `fields` names each bad field",
        503: "Neo4j does not answer; retry later",
    }
    return {c: {"model": ErrorOut, "description": descriptions[c]} for c in codes}


READ_ERRORS = errors(400, 401, 403, 404, 422, 503)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422, 503)
