"""Request ids: every request gets one (the caller's ``X-Request-ID`` when it is sane, a new one
otherwise), kept in ``request.state.request_id``, echoed in the response header, and written into
audit events and error bodies so a complaint can be traced to its log lines and graph writes.

A plain ASGI middleware rather than ``BaseHTTPMiddleware``: it adds no task per request.
"""

from __future__ import annotations

import re
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
