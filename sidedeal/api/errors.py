"""Errors to HTTP, in one place: every failure is JSON (``ErrorOut``) with a message a person can
act on and the request id; never a stack trace. Neo4j being down is a 503 everywhere."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from neo4j.exceptions import ConstraintError, DriverError, Neo4jError, TransientError
from starlette.exceptions import HTTPException

from sidedeal.api.schemas.common import ErrorOut, FieldError
from sidedeal.errors import (
    BadInput,
    Conflict,
    IdempotencyKeyReused,
    NotFound,
    SidedealError,
    StoreUnavailable,
)

log = logging.getLogger("sidedeal.api")


class Unauthorized(SidedealError):
    status = 401


class Forbidden(SidedealError):
    status = 403


CODES: dict[type[SidedealError], str] = {
    BadInput: "bad_request",
    NotFound: "not_found",
    Conflict: "conflict",
    IdempotencyKeyReused: "idempotency_key_reused",
    StoreUnavailable: "store_unavailable",
    Unauthorized: "unauthorized",
    Forbidden: "forbidden",
}
HTTP_CODES = {
    404: "not_found",
    405: "method_not_allowed",
    401: "unauthorized",
    400: "bad_request",
    413: "payload_too_large",
}


def request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def error_response(
    request: Request, status: int, code: str, message: str, fields: list[FieldError] | None = None
) -> JSONResponse:
    body = ErrorOut(error=code, message=message, request_id=request_id(request), fields=fields)
    headers = {"Retry-After": "5"} if status == 503 else None
    if status == 401:
        headers = {"WWW-Authenticate": 'ApiKey header="X-API-Key", Bearer'}
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


def unavailable(request: Request, detail: str) -> JSONResponse:
    """503 for an API client: the operator's detail (the Bolt URI, the command that starts
    Neo4j) goes to the log with the request id, never into the answer."""
    rid = request_id(request)
    log.warning("[%s] %s %s: %s", rid, request.method, request.url.path, detail)
    message = "the graph database is unavailable; retry later" + (
        f" (request id {rid})" if rid else ""
    )
    return error_response(request, 503, "store_unavailable", message)


async def _sidedeal(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SidedealError)
    if isinstance(exc, StoreUnavailable):
        return unavailable(request, exc.message)
    code = next((c for t, c in CODES.items() if isinstance(exc, t)), "error")
    return error_response(request, exc.status, code, exc.message)


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = [
        FieldError(field=".".join(str(p) for p in e.get("loc", ())), message=str(e.get("msg")))
        for e in exc.errors()
    ]
    summary = "; ".join(f"{f.field}: {f.message}" for f in fields[:5])
    return error_response(request, 422, "invalid_request", f"invalid request: {summary}", fields)


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = HTTP_CODES.get(exc.status_code, "error")
    message = str(exc.detail)
    if exc.status_code == 404 and message == "Not Found":
        message = f"no endpoint {request.url.path}; see /docs for the API"
    if exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
    response = error_response(request, exc.status_code, code, message)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def _neo4j(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, ConstraintError):
        return error_response(
            request, 409, "conflict", "a concurrent request created the same object; retry"
        )
    if isinstance(exc, TransientError | DriverError):
        return unavailable(request, f"neo4j could not serve the request: {exc}")
    log.error("neo4j error on %s: %s", request.url.path, exc)
    return error_response(
        request, 500, "internal_error", "the graph query failed; quote the request id"
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(
        request, 500, "internal_error", "unexpected error; quote the request id when reporting it"
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(SidedealError, _sidedeal)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Neo4jError, _neo4j)
    app.add_exception_handler(DriverError, _neo4j)
    app.add_exception_handler(Exception, _unexpected)
