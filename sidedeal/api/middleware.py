"""Request ids: every request gets one (the caller's ``X-Request-ID`` when it is sane, a new one
otherwise), kept in ``request.state.request_id``, echoed in the response header, and written into
audit events and error bodies so a complaint can be traced to its log lines and graph writes.

Also here: :class:`DeadlineMiddleware` (an answer within the request deadline, whatever Neo4j
does) and :class:`BodyLimitMiddleware` (413 for bodies over the limit).

Plain ASGI middlewares rather than ``BaseHTTPMiddleware``: they add no task per request (the
deadline's one task excepted).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import uuid
from typing import Any

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("sidedeal.api")

HEADER = "x-request-id"
_SANE = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def clean_request_id(value: str | None) -> str:
    """The caller's id when it is short and plain (it ends up in logs and JSON), else a new one."""
    if value and _SANE.match(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = None
        for name, value in scope.get("headers", []):
            if name == HEADER.encode():
                given = value.decode("latin-1")
                break
        rid = clean_request_id(given)
        scope.setdefault("state", {})["request_id"] = rid

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k != HEADER.encode()]
                headers.append((HEADER.encode(), rid.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_id)


def _json_error(status: int, code: str, message: str, rid: str | None) -> tuple[bytes, list[Any]]:
    body = {"error": code, "message": message}
    if rid:
        body["request_id"] = rid
    headers: list[Any] = [(b"content-type", b"application/json")]
    if status == 503:
        headers.append((b"retry-after", b"5"))
    return json.dumps(body).encode(), headers


async def _answer(send: Send, status: int, code: str, message: str, rid: str | None) -> None:
    payload, headers = _json_error(status, code, message, rid)
    headers.append((b"content-length", str(len(payload)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


class DeadlineMiddleware:
    """A request that has not begun its answer within ``timeout_s`` gets 503 + Retry-After.

    Graph work runs in threads that a hung Neo4j (paused, partitioned) can hold without bound;
    the client is answered anyway. The handler is left to finish in the background (a thread
    cannot be interrupted), and whatever it sends afterwards is dropped. An answer already under
    way (a streamed export) is never cut.
    """

    def __init__(self, app: ASGIApp, timeout_s: float) -> None:
        self.app = app
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = answered = False

        async def guarded(message: Message) -> None:
            nonlocal started
            if answered:
                return  # too late: the client already has its 503
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        task = asyncio.ensure_future(self.app(scope, receive, guarded))
        done, _ = await asyncio.wait({task}, timeout=self.timeout_s)
        if task in done or started:
            await task
            return
        answered = True
        task.add_done_callback(_late_outcome)
        rid = scope.get("state", {}).get("request_id")
        log.warning(
            "[%s] %s %s: no answer within %.1f s (Neo4j hung or overloaded?); answered 503",
            rid,
            scope.get("method"),
            scope.get("path"),
            self.timeout_s,
        )
        message = f"the service could not answer within {self.timeout_s:g} s; retry later" + (
            f" (request id {rid})" if rid else ""
        )
        await _answer(send, 503, "unavailable", message, rid)


def _late_outcome(task: asyncio.Future[None]) -> None:
    """Log how a request answered by the deadline ended, so its error is not lost."""
    if not task.cancelled() and task.exception() is not None:
        log.warning("a request answered 503 by its deadline then failed: %s", task.exception())


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is over {limit:,} bytes; send less at once")


class BodyLimitMiddleware:
    """Refuse request bodies over ``limit`` bytes with 413: at once when Content-Length says so,
    and as soon as a chunked body (no Content-Length) goes over while it is read."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = next((v for k, v in scope.get("headers", []) if k == b"content-length"), None)
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            rid = scope.get("state", {}).get("request_id")
            message = f"the request body is over {self.limit:,} bytes; send less at once"
            await _answer(send, 413, "payload_too_large", message, rid)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        await self.app(scope, limited, send)
